package rtc

import (
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/edge-agent/edge-agent/rtc/server"
)

// This file is the test harness: an in-process channel server on
// loopback, sessions whose reports are recorded, and waiting with
// deadlines (never sleeping).

// waitLimit bounds every wait of the tests: generous for -race on two
// cores, never reached when things work.
const waitLimit = 10 * time.Second

// testServer is a channel server on loopback.
type testServer struct {
	srv *server.Server
	hs  *httptest.Server
	url string
}

// startServer starts a channel server with o (Insecure unless Apps is
// set; loopback ICE) and stops it when the test ends.
func startServer(t testing.TB, o server.Options) *testServer {
	t.Helper()
	if o.Apps == nil {
		o.Insecure = true
	}
	o.ICE = server.ICEOptions{Loopback: true, Interfaces: []string{"lo"}}
	if o.Logger == nil {
		o.Logger = testLogger(t, "server")
	}
	srv, err := server.New(o)
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		hs.CloseClientConnections()
		hs.Close()
		srv.Close()
	})
	return &testServer{srv: srv, hs: hs, url: "ws" + strings.TrimPrefix(hs.URL, "http") + "/ws"}
}

// testLogger logs to the test when RTC_TEST_LOG is set (debug with
// RTC_TEST_LOG=debug), else nowhere.
func testLogger(t testing.TB, name string) *slog.Logger {
	lvl := os.Getenv("RTC_TEST_LOG")
	if lvl == "" {
		return slog.New(slog.DiscardHandler)
	}
	level := slog.LevelInfo
	if lvl == "debug" {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})).With("who", name, "test", t.Name())
}

// timed is an event and when it was reported.
type timed struct {
	Event
	At time.Time
}

// recorder keeps a session's reports.
type recorder struct {
	mu     sync.Mutex
	events []timed
	ch     chan timed
}

func newRecorder() *recorder { return &recorder{ch: make(chan timed, 4096)} }

func (r *recorder) report(e Event) {
	te := timed{e, time.Now()}
	r.mu.Lock()
	r.events = append(r.events, te)
	r.mu.Unlock()
	select {
	case r.ch <- te:
	default:
		panic("recorder: too many unread events")
	}
}

// all returns every event reported so far.
func (r *recorder) all() []timed {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]timed(nil), r.events...)
}

// since returns the events reported at or after t.
func (r *recorder) since(t time.Time) []timed {
	var out []timed
	for _, e := range r.all() {
		if !e.At.Before(t) {
			out = append(out, e)
		}
	}
	return out
}

// next returns the next event of type T, skipping others; it fails the
// test on a deadline or on an attempt's other outcome.
func next[T Event](t testing.TB, r *recorder) (T, time.Time) {
	t.Helper()
	deadline := time.NewTimer(waitLimit)
	defer deadline.Stop()
	for {
		select {
		case te := <-r.ch:
			if e, ok := te.Event.(T); ok {
				return e, te.At
			}
			if isOutcome(te.Event) {
				var want T
				t.Fatalf("waiting for %T, got %v", want, te.Event)
			}
		case <-deadline.C:
			var want T
			t.Fatalf("no %T within %v", want, waitLimit)
		}
	}
}

// isOutcome says e ends an attempt.
func isOutcome(e Event) bool {
	switch e.(type) {
	case Joined, AttemptFailed, Refused:
		return true
	}
	return false
}

// client is a session under test with its recorder.
type client struct {
	*Session
	rec *recorder
	dir string
	uid uint32
}

// newClient makes a session for srv; change cfg with mod.
func newClient(t testing.TB, srv *testServer, uid uint32, media string, mod func(*Config)) *client {
	t.Helper()
	rec := newRecorder()
	c := &client{rec: rec, dir: t.TempDir(), uid: uid}
	cfg := Config{
		Server: srv.url, AppID: "demo", StateDir: c.dir, Media: media, Report: rec.report,
		ICE:    ICEConfig{Loopback: true, Interfaces: []string{"lo"}},
		Logger: testLogger(t, fmt.Sprintf("uid%d", uid)),
	}
	if mod != nil {
		mod(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	c.Session = s
	t.Cleanup(func() { s.Close() })
	return c
}

// joined joins channel and waits for Joined.
func (c *client) joined(t testing.TB, channel string, fresh bool) Joined {
	t.Helper()
	c.Join(channel, c.uid, "", fresh)
	j, _ := next[Joined](t, c.rec)
	return j
}

// eventually polls cond until it holds, failing after waitLimit.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, waitLimit)
		}
		time.Sleep(2 * time.Millisecond) // Polling interval, not synchronisation.
	}
}

// videoOf returns the received statistics of uid's video track.
func videoOf(c *client, uid uint32) TrackStats {
	return c.Received()[fmt.Sprintf("u%d-video", uid)]
}

// packetLog records the packets a session receives (Config.OnPacket).
type packetLog struct {
	mu   sync.Mutex
	pkts []Packet
}

func (l *packetLog) add(p Packet) {
	l.mu.Lock()
	l.pkts = append(l.pkts, p)
	l.mu.Unlock()
}

// of returns the packets of track id.
func (l *packetLog) of(track string) []Packet {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []Packet
	for _, p := range l.pkts {
		if p.Track == track {
			out = append(out, p)
		}
	}
	return out
}

// withPacketLog makes a client record its packets in l.
func withPacketLog(l *packetLog) func(*Config) {
	return func(c *Config) { c.OnPacket = l.add }
}

// peerNews returns the peer events about uid in events.
func peerNews(events []timed, uid uint32) []timed {
	var out []timed
	for _, e := range events {
		switch ev := e.Event.(type) {
		case PeerJoined:
			if ev.UID == uid {
				out = append(out, e)
			}
		case PeerOffline:
			if ev.UID == uid {
				out = append(out, e)
			}
		}
	}
	return out
}
