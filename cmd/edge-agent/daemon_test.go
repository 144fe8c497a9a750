package main

import (
	"bufio"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startDaemon runs the binary as systemd would, with extra environment,
// and returns it once its log shows it is joining.
func startDaemon(t *testing.T, env []string, extra ...string) (*exec.Cmd, *bufio.Scanner) {
	t.Helper()
	args := append([]string{"run", "--state-dir", t.TempDir(), "--runtime-dir", t.TempDir(), "--netwatch=false"}, good...)
	cmd := exec.Command(binary, append(args, extra...)...)
	cmd.Env = append(os.Environ(), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	lines := bufio.NewScanner(stderr)
	waitFor(t, lines, "state=CONNECTING")
	go func() {
		for lines.Scan() {
		}
	}()
	return cmd, lines
}

// TestRun_SdNotify checks the sd_notify protocol against a real unixgram
// NOTIFY_SOCKET: READY, STATUS on state changes, WATCHDOG pings from the
// loop, STOPPING on SIGTERM.
func TestRun_SdNotify(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "notify.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	msgs := make(chan string, 100)
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := conn.Read(buf)
			if err != nil {
				close(msgs)
				return
			}
			msgs <- string(buf[:n])
		}
	}()
	cmd, _ := startDaemon(t, []string{"NOTIFY_SOCKET=" + sock, "WATCHDOG_USEC=300000"})
	var seen []string // Messages not yet matched; READY and STATUS may come in either order.
	expect := func(prefix string) {
		t.Helper()
		deadline := time.After(10 * time.Second)
		for {
			for i, m := range seen {
				if strings.HasPrefix(m, prefix) {
					seen = append(seen[:i], seen[i+1:]...)
					return
				}
			}
			select {
			case m := <-msgs:
				seen = append(seen, m)
			case <-deadline:
				t.Fatalf("no %q on NOTIFY_SOCKET within 10 s (got %q)", prefix, seen)
			}
		}
	}
	expect("STATUS=CONNECTING (CONNECTING) channel lobby uid 1")
	expect("READY=1")
	for range 3 {
		expect("WATCHDOG=1")
	}
	cmd.Process.Signal(syscall.SIGTERM)
	expect("STOPPING=1")
	expect("STATUS=DISCONNECTED (LEAVE_CHANNEL)")
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit: %v", err)
	}
}

// TestStatus_ThroughTheControlSocket asks a running daemon for its state.
func TestStatus_ThroughTheControlSocket(t *testing.T) {
	rt := t.TempDir()
	startDaemon(t, nil, "--runtime-dir", rt, "--device-id", "kiosk-7")
	out, err := exec.Command(binary, "status", "--json", "--runtime-dir", rt).Output()
	if err != nil {
		t.Fatalf("status --json: %v", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("status --json printed %q: %v", out, err)
	}
	for k, want := range map[string]any{"state": "CONNECTING", "state_code": 2.0, "channel": "lobby", "uid": 1.0, "device": "kiosk-7"} {
		if doc[k] != want {
			t.Errorf("%s = %v, want %v (doc %s)", k, doc[k], want, out)
		}
	}
	text, err := exec.Command(binary, "status", "--runtime-dir", rt).Output()
	if err != nil || !strings.Contains(string(text), "state:    CONNECTING (CONNECTING)") {
		t.Errorf("status: %q, %v", text, err)
	}
}

func TestStatus_NoAgent(t *testing.T) {
	cmd := exec.Command(binary, "status", "--runtime-dir", t.TempDir())
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "no agent answers") {
		t.Fatalf("status with no agent: %v, %q", err, out)
	}
}

// TestRun_WaitsForConfigurationUnderSystemd: a fresh install has no
// configuration. Under systemd the daemon must not crash-loop: it says what
// to configure (journal and STATUS=), stays ready with the watchdog fed, and
// starts as soon as the file works.
func TestRun_WaitsForConfigurationUnderSystemd(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "notify.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	cfgFile := filepath.Join(t.TempDir(), "agent.toml")
	os.WriteFile(cfgFile, []byte("# installed, not configured\n"), 0o600)
	cmd := exec.Command(binary, "run", "--config", cfgFile, "--state-dir", t.TempDir(), "--runtime-dir", t.TempDir(), "--netwatch=false")
	cmd.Env = append(os.Environ(), "NOTIFY_SOCKET="+sock, "WATCHDOG_USEC=600000")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	lines := bufio.NewScanner(stderr)
	waitFor(t, lines, "not configured yet: server: not configured")
	var got []string
	buf := make([]byte, 4096)
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	for len(got) < 4 {
		n, err := conn.Read(buf)
		if err != nil {
			t.Fatalf("NOTIFY_SOCKET: %v (got %q)", err, got)
		}
		got = append(got, string(buf[:n]))
	}
	if !strings.HasPrefix(got[0], "READY=1\nSTATUS=not configured yet") || !slices.Contains(got, "WATCHDOG=1") {
		t.Errorf("sd_notify while waiting: %q, want READY with a STATUS saying what to configure, then WATCHDOG", got)
	}
	os.WriteFile(cfgFile, []byte("server = \"ws://127.0.0.1:1/ws\"\napp-id = \"demo\"\nchannel = \"lobby\"\nuid = 0\n"), 0o600)
	waitFor(t, lines, "configuration error")
	os.WriteFile(cfgFile, []byte("server = \"ws://127.0.0.1:1/ws\"\napp-id = \"demo\"\nchannel = \"lobby\"\nuid = 5\n"), 0o600)
	waitFor(t, lines, "changed: starting")
	waitFor(t, lines, "state=CONNECTING")
	cmd.Process.Signal(syscall.SIGTERM)
	go func() {
		for lines.Scan() {
		}
	}()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v", err)
	}
}

// TestRun_StopWhileWaitingForConfiguration exits 0.
func TestRun_StopWhileWaitingForConfiguration(t *testing.T) {
	cmd := exec.Command(binary, "run", "--config", os.DevNull, "--state-dir", t.TempDir(), "--runtime-dir", t.TempDir())
	cmd.Env = append(os.Environ(), "NOTIFY_SOCKET=/nonexistent/notify.sock")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stderr)
	waitFor(t, lines, "waiting for")
	cmd.Process.Signal(syscall.SIGTERM)
	for lines.Scan() {
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit: %v, want 0", err)
	}
}

// TestDemo_RunsEverythingOnOneMachine is the README's run command: the
// demo prints the viewer's URL and the agent's callbacks, reports to its
// broker, and leaves on Ctrl-C.
func TestDemo_RunsEverythingOnOneMachine(t *testing.T) {
	cmd := exec.Command(binary, "demo", "--listen", "127.0.0.1:0", "--state-dir", t.TempDir())
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	lines := bufio.NewScanner(stdout)
	waitFor(t, lines, "viewer:   http://127.0.0.1:")
	waitFor(t, lines, "mqtt:     tcp://127.0.0.1:")
	waitFor(t, lines, `onJoinChannelSuccess("demo", 1,`)
	cmd.Process.Signal(syscall.SIGINT)
	waitFor(t, lines, "onLeaveChannel()")
	for lines.Scan() {
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after Ctrl-C: %v", err)
	}
}
