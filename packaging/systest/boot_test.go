package systest_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/edge-agent/edge-agent/packaging/systest"
)

func TestBoot_RunCopyInJournal(t *testing.T) {
	start := time.Now()
	root := systest.Debian(t)
	t.Logf("Debian root ready in %v", time.Since(start))
	start = time.Now()
	c := systest.Boot(t, root, systest.Options{})
	t.Logf("booted %s in %v (init is host PID %d)", c.Machine, time.Since(start), c.PID)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	if out, err := c.Run(ctx, "cat", "/etc/os-release"); err != nil || !strings.Contains(out, "bookworm") {
		t.Errorf("os-release: %q, %v", out, err)
	}
	if out, _ := c.Run(ctx, "hostname"); strings.TrimSpace(out) != c.Machine {
		t.Errorf("hostname = %q, want %q", out, c.Machine)
	}
	src := filepath.Join(t.TempDir(), "hello")
	os.WriteFile(src, []byte("hello\n"), 0o600)
	if err := c.CopyIn(src, "/lib/systest/hello", 0o640); err != nil {
		t.Fatal(err)
	}
	if out, err := c.Run(ctx, "stat", "-c", "%a %n", "/usr/lib/systest/hello"); err != nil || strings.TrimSpace(out) != "640 /usr/lib/systest/hello" {
		t.Errorf("copied file: %q, %v", out, err)
	}
	if _, err := c.Run(ctx, "false"); err == nil {
		t.Error("a failing command returned no error")
	}
	if j, err := c.Journal("systemd-journald.service"); err != nil || j == "" {
		t.Errorf("journal: %q, %v", j, err)
	}
}

func TestBoot_HostPIDAndNetworks(t *testing.T) {
	root := systest.Debian(t)
	c := systest.Boot(t, root, systest.Options{Network: systest.PrivateNetwork})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := c.Run(ctx, "ip", "-o", "link")
	if err != nil || strings.Count(strings.TrimSpace(out), "\n") != 0 || !strings.Contains(out, "lo:") {
		t.Errorf("private network: want only lo, got %q, %v", out, err)
	}
	host, err := c.HostPID(1)
	if err != nil || host != c.PID {
		t.Errorf("HostPID(1) = %d, %v; want %d", host, err, c.PID)
	}
	if err := syscall.Kill(host, 0); err != nil {
		t.Errorf("signal 0 to init: %v", err)
	}
}
