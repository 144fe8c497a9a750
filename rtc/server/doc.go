// Package server is the channel server, edge-channeld: it lets agents and
// web pages join named channels, decides each user's presence from the
// silence of its session (SPEC §2–§4), lets a restarted client resume its
// session invisibly, and relays media between them with pion/webrtc as a
// selective forwarding unit (each publisher's tracks forwarded, never mixed).
//
// New returns a *Server, an http.Handler that serves the signalling
// WebSocket (/ws, protocol in ../signal/PROTOCOL.md), GET /healthz,
// GET /api/v1/channels, GET /metrics, POST .../kick for administrators, and
// whatever Options.Page serves at /.
//
// In-process use (tests, edge-agent demo): srv, err := New(Options{...});
// serve it with httptest.NewServer(srv) or an http.Server; clients connect
// to ws://HOST/ws; srv.Kick removes a uid (the client gets kicked, SPEC
// BANNED_BY_SERVER); srv.Channels reports presence; srv.Close ends
// everything. Options.SignallingOnly drops media so that presence tests run
// under testing/synctest; for media on one machine set
// Options.ICE.Loopback (and Interfaces: []string{"lo"}).
//
// Concurrency: each channel has one lock that owns its presence (sessions,
// silence timers, destroy timer) and its forwarding table; timers are
// time.AfterFunc, so presence logic runs under testing/synctest. Every
// PeerConnection is driven by one goroutine of its own (peer.go); signalling
// connections have a reader (the HTTP handler goroutine) and a writer.
// Nothing blocks while holding a channel lock: messages to clients and work
// for PeerConnections are queued.
//
// Downstream m-lines (downstream.go): a track removed from a subscriber
// leaves its m-line inactive, and the next track of the same kind reuses
// it once the subscriber has answered the inactive offer, so a subscriber's
// offer holds one m-line per track it receives now, not per track it ever
// received.
package server
