package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/edge-agent/edge-agent/rtc/signal"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func runMain(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = realMain(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestToken_PrintsAVerifiableToken(t *testing.T) {
	secret := "0123456789abcdef0123"
	code, out, errs := runMain(t, "token", "--app-id", "demo", "--secret", secret, "--channel", "lobby", "--uid", "42", "--ttl", "1h")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	tok, err := signal.AppSecrets{"demo": secret}.Verify(strings.TrimSpace(out), "demo", "lobby", 42, time.Now())
	if err != nil {
		t.Fatalf("token %q: %v", out, err)
	}
	if d := time.Until(tok.Expiry); d < 59*time.Minute || d > time.Hour {
		t.Fatalf("expiry in %v, want 1h", d)
	}
}

func TestUsageErrors_ExitTwoNamingTheFlag(t *testing.T) {
	apps := writeFile(t, "demo 0123456789abcdef\n")
	badApps := writeFile(t, "demo short\n")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no command", nil, "missing command"},
		{"unknown command", []string{"frob"}, "unknown command"},
		{"no apps", []string{"serve"}, "--apps: required"},
		{"apps and insecure", []string{"serve", "--insecure", "--apps", apps}, "--insecure: cannot be combined"},
		{"missing apps file", []string{"serve", "--apps", "/nonexistent/apps"}, "--apps: apps file"},
		{"bad apps file", []string{"serve", "--apps", badApps}, "--apps: apps file " + badApps + ": line 1: app \"demo\": secret must be at least 16 bytes"},
		{"unknown flag", []string{"serve", "--insecure", "--frob"}, "flag provided but not defined: -frob"},
		{"bad duration", []string{"serve", "--insecure", "--offline-after", "soon"}, "offline-after"},
		{"zero duration", []string{"serve", "--insecure", "--destroy-after", "0s"}, "--destroy-after: 0s: must be positive"},
		{"slow heartbeat", []string{"serve", "--insecure", "--heartbeat", "600ms"}, "--heartbeat: 600ms: must be at most 500ms"},
		{"bad port range", []string{"serve", "--insecure", "--udp-ports", "6000-5000"}, "--udp-ports: \"6000-5000\": MIN is above MAX"},
		{"bad public ip", []string{"serve", "--insecure", "--public-ip", "example.com"}, "--public-ip: \"example.com\" is not an IP address"},
		{"bad log level", []string{"serve", "--insecure", "--log-level", "loud"}, "--log-level"},
		{"max users 0", []string{"serve", "--insecure", "--max-users", "0"}, "--max-users: 0: must be at least 1"},
		{"missing admin token file", []string{"serve", "--insecure", "--admin-token-file", "/nonexistent"}, "--admin-token-file"},
		{"bad listen", []string{"serve", "--insecure", "--listen", "nowhere:http:x"}, "--listen"},
		{"token uid 0", []string{"token", "--app-id", "a", "--secret", "0123456789abcdef", "--channel", "c", "--uid", "0"}, "--uid: \"0\": must be 1-4294967295"},
		{"token short secret", []string{"token", "--app-id", "a", "--secret", "s", "--channel", "c", "--uid", "1"}, "--secret: must be at least 16 bytes"},
		{"token bad channel", []string{"token", "--app-id", "a", "--secret", "0123456789abcdef", "--channel", "a b", "--uid", "1"}, "--channel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := runMain(t, tt.args...)
			if code != exitUsage || !strings.Contains(errs, tt.want) || strings.Count(errs, "\n") != 1 {
				t.Fatalf("exit %d, stderr %q; want exit 2 and one line containing %q", code, errs, tt.want)
			}
		})
	}
}

// syncBuffer is a bytes.Buffer safe for a writer and a poller.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServe_StartsAndStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- realMain(ctx, []string{"serve", "--insecure", "--listen", "127.0.0.1:0", "--interfaces", "lo"}, io.Discard, &logs)
	}()
	addr := waitFor(t, &logs, regexp.MustCompile(`listening .*addr=(\S+)`))
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatalf("healthz: %v", err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %s", resp.Status)
	}
	resp, err = http.Get("http://" + addr + "/?channel=lobby")
	if err != nil {
		t.Fatalf("page: %v", err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("page: %s %s", resp.Status, resp.Header.Get("Content-Type"))
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d: %s", code, logs.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
}

// waitFor polls the logs until re matches, and returns its first group.
func waitFor(t *testing.T, logs *syncBuffer, re *regexp.Regexp) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(logs.String()); m != nil {
			return m[1]
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no match for %v in %q", re, logs.String())
	return ""
}
