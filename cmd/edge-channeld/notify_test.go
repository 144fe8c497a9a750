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
