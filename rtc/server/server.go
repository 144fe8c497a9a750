package server

import (
	"fmt"
	"log/slog"
	"net/http"
	"sync"

	"github.com/gorilla/websocket"
	"github.com/pion/webrtc/v4"
)

// Server is the channel server. It is an http.Handler; Close ends every
// session and waits for the server's goroutines.
type Server struct {
	opts     Options
	log      *slog.Logger
	mux      *http.ServeMux
	upgrader websocket.Upgrader
	api      *webrtc.API // nil when Options.SignallingOnly
	limiter  *ipLimiter
	metrics  *metrics

	mu       sync.Mutex
	channels map[channelKey]*channel
	conns    map[*conn]struct{}

	// gmu guards closing and the Add side of wg, so that no goroutine is
	// started (or counted) after Close began to wait.
	gmu     sync.Mutex
	closing bool
	wg      sync.WaitGroup
}

// New checks the options and returns a server ready to serve HTTP.
func New(o Options) (*Server, error) {
	o = o.withDefaults()
	if err := o.validate(); err != nil {
		return nil, fmt.Errorf("server options: %w", err)
	}
	s := &Server{
		opts:     o,
		log:      o.Logger.With("component", "channeld"),
		limiter:  newIPLimiter(o.JoinRate, o.JoinBurst),
		metrics:  newMetrics(),
		channels: map[channelKey]*channel{},
		conns:    map[*conn]struct{}{},
	}
	s.upgrader = websocket.Upgrader{CheckOrigin: o.CheckOrigin, ReadBufferSize: 4096, WriteBufferSize: 4096}
	if !o.SignallingOnly {
		api, err := newWebRTCAPI(o.ICE, s.log)
		if err != nil {
			return nil, fmt.Errorf("server media: %w", err)
		}
		s.api = api
	}
	s.mux = s.routes()
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Close closes every connection and PeerConnection, stops every timer and
// waits for the server's goroutines to end. Peers are not told anything:
// the whole server is going away. Close does not close the listener; stop
// the http.Server first.
func (s *Server) Close() error {
	s.gmu.Lock()
	s.closing = true
	s.gmu.Unlock()
	s.mu.Lock()
	chans := make([]*channel, 0, len(s.channels))
	for _, ch := range s.channels {
		chans = append(chans, ch)
	}
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, ch := range chans {
		ch.shutdown()
	}
	for _, c := range conns {
		c.close()
	}
	s.wg.Wait()
	return nil
}

// spawn runs f on a new goroutine counted by Close, unless Close has begun.
func (s *Server) spawn(f func()) bool {
	if !s.enter() {
		return false
	}
	go func() {
		defer s.wg.Done()
		f()
	}()
	return true
}

// enter counts the calling goroutine for Close (the caller must call
// s.wg.Done when it ends), or reports false if the server is closing.
func (s *Server) enter() bool {
	s.gmu.Lock()
	defer s.gmu.Unlock()
	if s.closing {
		return false
	}
	s.wg.Add(1)
	return true
}
