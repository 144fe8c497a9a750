package main

// The end-to-end harness: real binaries (edge-channeld on the host,
// edge-agent in a network namespace or on the host), real peers (a native
// rtc.Watch and a web-kind signalling client), and the agent's callbacks read
// from its log as they happen.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/edge-agent/edge-agent/packaging/systest/netlab"
)

// channeldBinary is edge-channeld, built by TestMain.
var channeldBinary string

func buildChanneld(dir string) error {
	channeldBinary = filepath.Join(dir, "edge-channeld")
	out, err := exec.Command("go", "build", "-o", channeldBinary, "../edge-channeld").CombinedOutput()
	if err != nil {
		return fmt.Errorf("build edge-channeld: %v: %s", err, out)
	}
	return nil
}

// channeld is a running edge-channeld.
type channeld struct {
	port int
	cmd  *exec.Cmd
}

// startChanneld runs the channel server on every address of the host, on a
// free port, and waits until it answers /healthz.
func startChanneld(t testing.TB, args ...string) *channeld {
	t.Helper()
	port := freePort(t)
	all := append([]string{"serve", "--listen", fmt.Sprintf(":%d", port), "--log-level", "warn"}, args...)
	cmd := exec.Command(channeldBinary, all...)
	cmd.Stderr = testWriter{t, "channeld"}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	c := &channeld{port: port, cmd: cmd}
	poll(t, 10*time.Second, "edge-channeld answers /healthz", func() bool {
		resp, err := http.Get(c.url("127.0.0.1", "/healthz"))
		if err == nil {
			resp.Body.Close()
		}
		return err == nil && resp.StatusCode == 200
	})
	return c
}

func (c *channeld) url(host, path string) string {
	return fmt.Sprintf("http://%s:%d%s", host, c.port, path)
}

func (c *channeld) ws(host string) string { return fmt.Sprintf("ws://%s:%d/ws", host, c.port) }

// channels returns the server's view of its channels.
func (c *channeld) channels(t testing.TB) []map[string]any {
	t.Helper()
	resp, err := http.Get(c.url("127.0.0.1", "/api/v1/channels"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		Channels []map[string]any `json:"channels"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	return doc.Channels
}

func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", ":0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// poll checks cond every 20 ms until it holds, failing t at the deadline.
func poll(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %s: %s", within, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// testWriter logs a process's output into the test's log.
type testWriter struct {
	t    testing.TB
	name string
}

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Logf("%s: %s", w.name, strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// callback is one callback of the agent, with the agent's own timestamp.
type callback struct {
	At    time.Time
	Event string // as the SDK names it: onConnectionStateChanged(CONNECTED, JOIN_SUCCESS)
}

// agentProc is a running edge-agent and the callbacks it logged.
type agentProc struct {
	t        testing.TB
	cmd      *exec.Cmd
	state    string
	runtime  string
	mu       sync.Mutex
	got      []callback
	attempts []time.Time // when each recovery attempt was logged
	changed  chan struct{}
	ended    chan struct{}
}

var callbackLine = regexp.MustCompile(`^time=(\S+) .*msg=callback .*event=("(?:[^"\\]|\\.)*"|\S+)`)

// startAgent runs edge-agent (in ns, unless nil) with a state directory of
// its own unless one is given by --state-dir in args.
func startAgent(t testing.TB, ns *netlab.NS, state string, args ...string) *agentProc {
	t.Helper()
	a := &agentProc{t: t, state: state, runtime: t.TempDir(), changed: make(chan struct{}, 1), ended: make(chan struct{})}
	all := append([]string{binary, "run", "--config", os.DevNull, "--state-dir", state, "--runtime-dir", a.runtime}, args...)
	if ns != nil {
		a.cmd = ns.Command(context.Background(), all[0], all[1:]...)
	} else {
		a.cmd = exec.Command(all[0], all[1:]...)
	}
	stderr, err := a.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := a.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go a.read(stderr)
	t.Cleanup(func() { a.cmd.Process.Kill(); <-a.ended })
	return a
}

// read parses the log, keeping the callbacks.
func (a *agentProc) read(r io.Reader) {
	defer close(a.ended)
	lines := bufio.NewScanner(r)
	for lines.Scan() {
		line := lines.Text()
		if os.Getenv("E2E_AGENT_LOG") != "" {
			a.t.Logf("agent: %s", line)
		}
		if strings.Contains(line, `msg="recovery attempt"`) {
			a.mu.Lock()
			a.attempts = append(a.attempts, time.Now())
			a.mu.Unlock()
		}
		m := callbackLine.FindStringSubmatch(line)
		if m == nil {
			if strings.Contains(line, "level=ERROR") {
				a.t.Logf("agent: %s", line)
			}
			continue
		}
		at, err := time.Parse(time.RFC3339Nano, m[1])
		if err != nil {
			a.t.Errorf("agent log time %q: %v", m[1], err)
		}
		ev := m[2]
		if uq, err := strconv.Unquote(ev); err == nil {
			ev = uq
		}
		a.mu.Lock()
		a.got = append(a.got, callback{At: at, Event: ev})
		a.mu.Unlock()
		select {
		case a.changed <- struct{}{}:
		default:
		}
	}
	a.cmd.Wait()
}

// callbacks returns every callback so far.
func (a *agentProc) callbacks() []callback {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]callback(nil), a.got...)
}

// await waits for the first callback from index from on that starts with
// prefix, and returns it with its index.
func (a *agentProc) await(from int, prefix string, within time.Duration) (callback, int) {
	a.t.Helper()
	deadline := time.After(within)
	for {
		got := a.callbacks()
		for i := from; i < len(got); i++ {
			if strings.HasPrefix(got[i].Event, prefix) {
				return got[i], i
			}
		}
		select {
		case <-a.changed:
		case <-a.ended:
			a.t.Fatalf("the agent ended before %q (callbacks %v)", prefix, got)
		case <-deadline:
			a.t.Fatalf("no %q within %s (callbacks %v)", prefix, within, got)
		}
	}
}

// attemptsBetween counts the recovery attempts logged in [from, to).
func (a *agentProc) attemptsBetween(from, to time.Time) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := 0
	for _, at := range a.attempts {
		if !at.Before(from) && at.Before(to) {
			n++
		}
	}
	return n
}

// signal sends sig to the agent.
func (a *agentProc) signal(sig syscall.Signal) {
	if err := a.cmd.Process.Signal(sig); err != nil {
		a.t.Fatalf("signal %s: %v", sig, err)
	}
}

// wait waits for the agent to exit and returns its error.
func (a *agentProc) wait(within time.Duration) {
	a.t.Helper()
	select {
	case <-a.ended:
	case <-time.After(within):
		a.t.Fatalf("the agent still runs %s later", within)
	}
}

// status reads the agent's state document through its control socket.
func (a *agentProc) status() map[string]any {
	a.t.Helper()
	out, err := exec.Command(binary, "status", "--json", "--runtime-dir", a.runtime).Output()
	if err != nil {
		a.t.Fatalf("status: %v", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(out, &doc); err != nil {
		a.t.Fatalf("status %q: %v", out, err)
	}
	return doc
}

// lastData is the last data from the server the agent knew of.
func (a *agentProc) lastData() time.Time {
	a.t.Helper()
	s, _ := a.status()["last_data"].(string)
	at, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		a.t.Fatalf("last_data %q: %v", s, err)
	}
	return at
}

// onTime checks that a callback came within the SPEC's tolerance after its
// documented moment: [due, due + 500 ms].
func onTime(t testing.TB, what string, at, due time.Time) {
	t.Helper()
	late := at.Sub(due)
	t.Logf("%s: %+dms after its moment", what, late.Milliseconds())
	if late < -20*time.Millisecond || late > 500*time.Millisecond {
		t.Errorf("%s at %s: %+dms from its moment %s, want within [0, 500ms]", what, at.Format("15:04:05.000"), late.Milliseconds(), due.Format("15:04:05.000"))
	}
}

// execShell runs a shell command line.
func execShell(line string) ([]byte, error) { return exec.Command("sh", "-c", line).CombinedOutput() }
