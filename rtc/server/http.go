package server

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
)

func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.HandleFunc("GET /api/v1/channels", s.handleChannels)
	mux.HandleFunc("GET /metrics", s.handleMetrics)
	mux.HandleFunc("GET /ws", s.handleWS)
	mux.HandleFunc("POST /api/v1/channels/{channel}/users/{uid}/kick", s.handleKick)
	if s.opts.Page != nil {
		mux.Handle("/", s.opts.Page)
	}
	return mux
}

func (s *Server) handleHealth(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

func (s *Server) handleChannels(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(struct {
		Channels []ChannelInfo `json:"channels"`
	}{s.Channels()}); err != nil {
		s.log.Debug("write channels", "err", err)
	}
}

func (s *Server) handleMetrics(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	if err := s.writeMetrics(w); err != nil {
		s.log.Debug("write metrics", "err", err)
	}
}

// handleWS upgrades to the signalling WebSocket and serves it on this
// goroutine until it ends.
func (s *Server) handleWS(w http.ResponseWriter, r *http.Request) {
	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.log.Debug("websocket upgrade", "err", err)
		return // the upgrader has answered
	}
	newConn(s, newWSTransport(ws), clientIP(r)).serve()
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// handleKick is POST /api/v1/channels/{channel}/users/{uid}/kick, with
// "Authorization: Bearer <admin token>" and, when the channel name exists
// in several apps, ?app=ID. 204 when kicked, 404 when no such user.
func (s *Server) handleKick(w http.ResponseWriter, r *http.Request) {
	if !s.isAdmin(r) {
		http.Error(w, "admin token required", http.StatusUnauthorized)
		return
	}
	uid, err := strconv.ParseUint(r.PathValue("uid"), 10, 32)
	if err != nil || uid == 0 {
		http.Error(w, "uid must be 1-4294967295", http.StatusBadRequest)
		return
	}
	err = s.Kick(r.URL.Query().Get("app"), r.PathValue("channel"), uint32(uid), r.URL.Query().Get("message"))
	switch {
	case errors.Is(err, ErrNotFound):
		http.Error(w, err.Error(), http.StatusNotFound)
	case err != nil:
		http.Error(w, err.Error(), http.StatusConflict)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

func (s *Server) isAdmin(r *http.Request) bool {
	if s.opts.AdminToken == "" {
		return false
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(got), []byte(s.opts.AdminToken)) == 1
}
