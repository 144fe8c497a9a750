package main

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// binary is the edge-agent built once for the tests that run it as a user
// would.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "edge-agent-test")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "edge-agent")
	empty := filepath.Join(dir, "agent.toml")
	if err := os.WriteFile(empty, []byte("# empty: flags only\n"), 0o600); err != nil {
		panic(err)
	}
	good = append(good, "--config", empty)
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		panic(string(out))
	}
	if err := buildChanneld(dir); err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// good is a complete configuration (TestMain adds an empty config file).
var good = []string{"--server", "ws://127.0.0.1:1/ws", "--app-id", "demo", "--channel", "lobby", "--uid", "1"}

func TestRun_BadConfigurationExits2NamingTheKey(t *testing.T) {
	tests := []struct {
		name string
		args []string
		key  string
	}{
		{"uid 0", []string{"run", "--uid", "0"}, "uid"},
		{"bad server", []string{"run", "--server", "http://example:80"}, "server"},
		{"unknown flag", []string{"run", "--colour", "blue"}, "colour"},
		{"unreadable token file", []string{"run", "--token-file", "/nonexistent/token"}, "token-file"},
		{"duration out of range", []string{"run", "--failed-after", "1ms"}, "failed-after"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(append([]string{tt.args[0]}, good...), tt.args[1:]...)
			cmd := exec.Command(binary, args...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 2 {
				t.Fatalf("exit = %v, want status 2 (stderr %q)", err, stderr.String())
			}
			lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
			if len(lines) != 1 || !strings.Contains(lines[0], tt.key) {
				t.Errorf("stderr %q: want one line naming %q", stderr.String(), tt.key)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	out, err := exec.Command(binary, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"edge-agent ", "commit ", "built ", "go1."} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("version output %q lacks %q", out, want)
		}
	}
}

// TestRun_SIGTERMLeavesAndExits0 runs the daemon, waits until it is joining,
// and stops it as systemd would.
func TestRun_SIGTERMLeavesAndExits0(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := exec.Command(binary, append([]string{"run", "--state-dir", t.TempDir(), "--netwatch=false"}, good...)...)
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			lines := bufio.NewScanner(stderr)
			waitFor(t, lines, "state=CONNECTING")
			cmd.Process.Signal(sig)
			waitFor(t, lines, "state=DISCONNECTED reason=LEAVE_CHANNEL")
			for lines.Scan() {
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("exit: %v, want status 0", err)
				}
			case <-time.After(10 * time.Second):
				cmd.Process.Kill()
				t.Fatal("still running 10 s after the signal")
			}
		})
	}
}

// waitFor reads log lines until one holds want.
func waitFor(t *testing.T, lines *bufio.Scanner, want string) {
	t.Helper()
	for lines.Scan() {
		if strings.Contains(lines.Text(), want) {
			return
		}
	}
	t.Fatalf("the log ended before a line with %q", want)
}
