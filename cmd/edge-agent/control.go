package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// controlSocket is the control socket's name in the runtime directory.
const controlSocket = "control.sock"

// controlServer answers `edge-agent status` over a Unix socket: HTTP, so
// that it can grow, and a socket, so that only local users with access to the
// runtime directory can ask.
type controlServer struct {
	srv *http.Server
	ln  net.Listener
}

// listenControl listens on the control socket. A socket left by a killed
// process is removed; one that answers belongs to a running agent: error.
func listenControl(dir string, doc func() any, log *slog.Logger) (*controlServer, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("control socket: %w", err)
	}
	path := filepath.Join(dir, controlSocket)
	if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
		c.Close()
		return nil, fmt.Errorf("control socket %s: another edge-agent is running", path)
	}
	os.Remove(path)
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("control socket: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/status", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(doc())
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	go srv.Serve(ln)
	return &controlServer{srv: srv, ln: ln}, nil
}

// close stops answering and removes the socket.
func (c *controlServer) close() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	c.srv.Shutdown(ctx)
	os.Remove(c.ln.Addr().String())
}

// fetchStatus asks the agent behind the socket in dir for its state document.
func fetchStatus(ctx context.Context, dir string) (json.RawMessage, error) {
	path := filepath.Join(dir, controlSocket)
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", path)
		}}}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://agent/v1/status", nil)
	resp, err := client.Do(req)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, os.ErrPermission) {
			return nil, fmt.Errorf("no agent answers on %s: %w", path, err)
		}
		return nil, fmt.Errorf("status from %s: %w", path, err)
	}
	defer resp.Body.Close()
	var doc json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		return nil, fmt.Errorf("status from %s: %w", path, err)
	}
	return doc, nil
}
