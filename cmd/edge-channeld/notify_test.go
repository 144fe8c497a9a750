package main

import (
	"context"
	"io"
	"net"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/edge-agent/edge-agent/rtc/signal"
)

// TestServe_SdNotify checks the sd_notify protocol against a real unixgram
// NOTIFY_SOCKET: READY once listening, WATCHDOG while the server answers
// itself, STOPPING at the end.
func TestServe_SdNotify(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "notify.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	t.Setenv("NOTIFY_SOCKET", sock)
	t.Setenv("WATCHDOG_USEC", "150000")
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- realMain(ctx, []string{"serve", "--insecure", "--listen", "127.0.0.1:0", "--interfaces", "lo"}, io.Discard, &logs)
	}()
	read := func() string {
		t.Helper()
		buf := make([]byte, 1024)
		conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		n, err := conn.Read(buf)
		if err != nil {
			t.Fatalf("NOTIFY_SOCKET: %v", err)
		}
		return string(buf[:n])
	}
	if m := read(); !strings.HasPrefix(m, "READY=1\nSTATUS=listening on 127.0.0.1:") {
		t.Fatalf("first message %q, want READY with the address", m)
	}
	addr := waitFor(t, &logs, regexp.MustCompile(`listening .*addr=(\S+)`))
	for range 3 {
		if m := read(); m != "WATCHDOG=1" {
			t.Fatalf("got %q, want WATCHDOG=1 (server at %s)", m, addr)
		}
	}
	cancel()
	for m := read(); m != "STOPPING=1"; m = read() {
		if m != "WATCHDOG=1" {
			t.Fatalf("got %q while stopping", m)
		}
	}
	if code := <-done; code != 0 {
		t.Fatalf("exit %d", code)
	}
}

// TestServe_NoAppsUnderSystemd: a fresh install ships an apps file with no
// apps. Under systemd the server must not crash-loop: it serves, refusing
// every join, and says what to do in STATUS=.
func TestServe_NoAppsUnderSystemd(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "notify.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	t.Setenv("NOTIFY_SOCKET", sock)
	apps := writeFile(t, "# APP_ID SECRET, one per line\n")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- realMain(ctx, []string{"serve", "--apps", apps, "--listen", "127.0.0.1:0", "--interfaces", "lo"}, io.Discard, &logs)
	}()
	buf := make([]byte, 1024)
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	n, err := conn.Read(buf)
	if err != nil {
		t.Fatalf("NOTIFY_SOCKET: %v", err)
	}
	if m := string(buf[:n]); !strings.HasPrefix(m, "READY=1\nSTATUS=refusing every join: --apps: apps file") || !strings.Contains(m, "no apps") {
		t.Fatalf("got %q, want READY with a STATUS saying there are no apps", m)
	}
	addr := waitFor(t, &logs, regexp.MustCompile(`listening .*addr=(\S+)`))
	ws, _, err := websocket.DefaultDialer.Dial("ws://"+addr+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	ws.WriteMessage(websocket.TextMessage, signal.MustEncode(&signal.Join{AppID: "demo", Channel: "c", UID: 1, Token: "x", Kind: signal.KindNative}))
	for {
		_, msg, err := ws.ReadMessage()
		if err != nil {
			t.Fatalf("no refusal before the connection closed: %v", err)
		}
		if b, err := signal.Decode(msg); err == nil {
			if e, ok := b.(*signal.ErrorMsg); ok {
				if e.Code != signal.CodeInvalidAppID {
					t.Fatalf("refused with %s, want INVALID_APP_ID", e.Code)
				}
				break
			}
		}
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d", code)
	}
}
