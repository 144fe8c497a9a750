package web

import (
	"fmt"
	"log/slog"
	"net"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/edge-agent/edge-agent/rtc/server"
	"github.com/edge-agent/edge-agent/rtc/signal"
)

// This file is the server half of the test harness: a real channel server
// in-process, with the page mounted. The agents that publish into it are
// the real edge-agent binary (agent_test.go).

// testServer is a channel server with the page, listening on every address
// of the host.
type testServer struct {
	hs   *httptest.Server
	port int
}

// startServer starts a channel server (SPEC §6.2 defaults for every timer)
// serving Handler at "/", and stops it when the test ends. It is insecure
// (no tokens) unless apps are given. It listens on all addresses, so that
// an agent in a network namespace reaches it at its link's host address
// while the browser uses loopback.
func startServer(t *testing.T, apps ...signal.AppSecrets) *testServer {
	t.Helper()
	o := server.Options{Insecure: len(apps) == 0, Page: Handler(), Logger: testLogger(t, "server")}
	if len(apps) > 0 {
		o.Apps = apps[0]
	}
	srv, err := server.New(o)
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	ln, err := net.Listen("tcp", ":0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	hs := httptest.NewUnstartedServer(srv)
	hs.Listener.Close()
	hs.Listener = ln
	hs.Start()
	t.Cleanup(func() {
		hs.CloseClientConnections()
		hs.Close()
		if err := srv.Close(); err != nil {
			t.Errorf("server close: %v", err)
		}
	})
	return &testServer{hs: hs, port: ln.Addr().(*net.TCPAddr).Port}
}

// addr is the server's host:port at host.
func (s *testServer) addr(host string) string {
	return net.JoinHostPort(host, fmt.Sprint(s.port))
}

// wsURL is the signalling URL at host, for an agent's --server.
func (s *testServer) wsURL(host string) string { return "ws://" + s.addr(host) + "/ws" }

// pageURL is the page of the channel on loopback, where the browser opens
// it (a secure context: the page proves its resumes with crypto.subtle).
func (s *testServer) pageURL(channel string) string {
	return "http://" + s.addr("127.0.0.1") + "/?channel=" + channel
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
