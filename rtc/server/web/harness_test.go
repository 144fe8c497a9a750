package web

import (
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/edge-agent/edge-agent/rtc"
	"github.com/edge-agent/edge-agent/rtc/server"
	"github.com/edge-agent/edge-agent/rtc/signal"
)

// This file is the server half of the test harness: a real channel server
// in-process, with the page mounted, and a native publisher.

// testServer is a channel server with the page, on loopback.
type testServer struct {
	hs    *httptest.Server
	wsURL string
}

// startServer starts a channel server (SPEC §6.2 defaults for every timer)
// serving Handler at "/", and stops it when the test ends. It is insecure
// (no tokens) unless apps are given.
func startServer(t *testing.T, apps ...signal.AppSecrets) *testServer {
	t.Helper()
	o := server.Options{
		Insecure: len(apps) == 0,
		Page:     Handler(),
		// Loopback for the native publisher; the browser reaches the server
		// on the host's own address (chromium gathers no loopback candidates).
		ICE:    server.ICEOptions{Loopback: true},
		Logger: testLogger(t, "server"),
	}
	if len(apps) > 0 {
		o.Apps = apps[0]
	}
	srv, err := server.New(o)
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		hs.CloseClientConnections()
		hs.Close()
		if err := srv.Close(); err != nil {
			t.Errorf("server close: %v", err)
		}
	})
	return &testServer{hs: hs, wsURL: "ws" + strings.TrimPrefix(hs.URL, "http") + "/ws"}
}

// testLogger logs to stderr when WEB_TEST_LOG is set (debug with
// WEB_TEST_LOG=debug), else nowhere.
func testLogger(t *testing.T, who string) *slog.Logger {
	lvl := os.Getenv("WEB_TEST_LOG")
	if lvl == "" {
		return slog.New(slog.DiscardHandler)
	}
	level := slog.LevelInfo
	if lvl == "debug" {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})).With("who", who, "test", t.Name())
}

// publisher is a native peer publishing video into the channel: the
// agent, as the page sees it. The tests drive it through these four
// operations only, so that the in-process rtc.Session used here can be
// swapped for the real edge-agent binary (kill = SIGKILL, resume = start
// again with the same state directory, leave = SIGTERM) or a network cut.
type publisher interface {
	// UID is the publisher's uid.
	UID() uint32
	// Start joins afresh and publishes; it returns once joined.
	Start(t *testing.T)
	// Kill stops everything the publisher sends, at once and without a
	// leave: signalling, RTP and RTCP. The session stays resumable.
	Kill(t *testing.T)
	// Resume starts a new publisher that resumes the killed session; it
	// returns once joined and reports whether the server resumed it.
	Resume(t *testing.T) (resumed bool)
	// Leave leaves the channel: peers are told QUIT at once.
	Leave(t *testing.T)
}

// sessionPublisher is a publisher made of the agent's own rtc.Session,
// publishing the built-in test clip: a kill is Close (no leave, the resume
// state kept in its state directory) and a resume is a new Session on the
// same directory.
type sessionPublisher struct {
	cfg     rtc.Config
	channel string
	uid     uint32
	sess    *rtc.Session
	events  chan rtc.Event
}

func newSessionPublisher(t *testing.T, srv *testServer, channel string, uid uint32) *sessionPublisher {
	p := &sessionPublisher{channel: channel, uid: uid, events: make(chan rtc.Event, 1024)}
	p.cfg = rtc.Config{
		Server: srv.wsURL, AppID: "demo", StateDir: t.TempDir(), Media: rtc.MediaTest,
		ICE:    rtc.ICEConfig{Loopback: true, Interfaces: []string{"lo"}},
		Logger: testLogger(t, fmt.Sprintf("uid%d", uid)),
		Report: func(e rtc.Event) {
			select {
			case p.events <- e:
			default: // The tests read only outcomes; a flood of others is dropped.
			}
		},
	}
	t.Cleanup(func() { p.close(t) })
	return p
}

func (p *sessionPublisher) UID() uint32 { return p.uid }

func (p *sessionPublisher) Start(t *testing.T) { p.join(t, true) }

func (p *sessionPublisher) Kill(t *testing.T) { p.close(t) }

func (p *sessionPublisher) Resume(t *testing.T) bool { return p.join(t, false).Resumed }

func (p *sessionPublisher) Leave(t *testing.T) {
	t.Helper()
	if p.sess == nil {
		t.Fatal("leave: not started")
	}
	p.sess.Stop(true)
	p.close(t)
}

// join makes a new Session and joins (fresh) or resumes, waiting for the
// outcome.
func (p *sessionPublisher) join(t *testing.T, fresh bool) rtc.Joined {
	t.Helper()
	p.close(t)
	s, err := rtc.New(p.cfg)
	if err != nil {
		t.Fatalf("rtc.New: %v", err)
	}
	p.sess = s
	s.Join(p.channel, p.uid, "", fresh)
	deadline := time.NewTimer(waitLimit)
	defer deadline.Stop()
	for {
		select {
		case e := <-p.events:
			switch e := e.(type) {
			case rtc.Joined:
				return e
			case rtc.AttemptFailed, rtc.Refused:
				t.Fatalf("publisher %d: join: %v", p.uid, e)
			}
		case <-deadline.C:
			t.Fatalf("publisher %d: not joined within %v", p.uid, waitLimit)
		}
	}
}

// close ends the current Session without leaving, if there is one.
func (p *sessionPublisher) close(t *testing.T) {
	if p.sess == nil {
		return
	}
	if err := p.sess.Close(); err != nil {
		t.Errorf("publisher %d: close: %v", p.uid, err)
	}
	p.sess = nil
}
