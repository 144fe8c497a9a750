package web

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/edge-agent/edge-agent/packaging/systest/netlab"
)

// This file is the agent half of the test harness: the real edge-agent
// binary publishing its built-in test clip, on the host or in a network
// namespace, and what it logs.

// agent is one uid's edge-agent across its processes: SIGKILLed and started
// again on the same state directory, it resumes its session (SPEC §3).
type agent struct {
	t    *testing.T
	uid  uint32
	ns   *netlab.NS // where it runs; nil: on the host
	args []string   // its command line after the binary
	proc *agentProc // the current process; nil before Start
	all  []*agentProc
}

// newAgent prepares the agent of uid in channel, reaching the server at
// wsURL (as seen from where it runs), with a state directory of its own.
// On the host it runs without --netwatch: the host's links belong to the
// tests running alongside (their veths come and go), and the tests here
// that run it on the host are about its process, not its network.
func newAgent(t *testing.T, ns *netlab.NS, wsURL, channel string, uid uint32) *agent {
	dir := t.TempDir()
	a := &agent{t: t, uid: uid, ns: ns, args: []string{"run", "--config", os.DevNull,
		"--server", wsURL, "--app-id", "demo", "--channel", channel, "--uid", fmt.Sprint(uid),
		"--state-dir", dir, "--runtime-dir", dir, "--media", "test"}}
	if ns == nil {
		a.args = append(a.args, "--netwatch=false")
	}
	t.Cleanup(a.dumpOnFailure)
	return a
}

// UID is the agent's uid.
func (a *agent) UID() uint32 { return a.uid }

// Start runs a new process and waits until it is connected (media
// included); it reports whether the server resumed the session of the
// process before it rather than starting a new one.
func (a *agent) Start() (resumed bool) {
	a.t.Helper()
	a.proc = startProc(a.t, a.ns, a.args)
	a.all = append(a.all, a.proc)
	joined, i := a.proc.await(a.t, 0, "joined", waitLimit)
	a.proc.await(a.t, i, "onConnectionStateChanged(CONNECTED", waitLimit)
	return joined.Event == "joined resumed=true"
}

// Kill SIGKILLs the process and waits for it to end: no leave, the resume
// state stays in the state directory.
func (a *agent) Kill() {
	a.t.Helper()
	a.Signal(syscall.SIGKILL)
	a.Wait()
}

// Signal sends sig to the process.
func (a *agent) Signal(sig syscall.Signal) {
	a.t.Helper()
	if err := a.proc.cmd.Process.Signal(sig); err != nil {
		a.t.Fatalf("agent %d: signal %v: %v", a.uid, sig, err)
	}
}

// Wait waits for the process to end and returns its exit status (-1 when
// a signal ended it).
func (a *agent) Wait() int {
	a.t.Helper()
	select {
	case <-a.proc.ended:
		return a.proc.cmd.ProcessState.ExitCode()
	case <-time.After(waitLimit):
		a.t.Fatalf("agent %d still runs %v later", a.uid, waitLimit)
		return 0
	}
}

// dumpOnFailure logs what every process of the agent reported when the
// test failed.
func (a *agent) dumpOnFailure() {
	if !a.t.Failed() {
		return
	}
	for i, p := range a.all {
		var b strings.Builder
		for _, l := range p.lines() {
			fmt.Fprintf(&b, "\n%s %s", l.At.Format("15:04:05.000"), l.Event)
		}
		a.t.Logf("agent %d, process %d:%s", a.uid, i+1, b.String())
	}
}

// logLine is one line of the agent's log that the tests read: a callback
// (its event, as the SDK names it) or a join ("joined resumed=true").
type logLine struct {
	At    time.Time // the agent's own timestamp
	Event string
}

// agentProc is one running edge-agent process and the lines it logged.
type agentProc struct {
	cmd     *exec.Cmd
	mu      sync.Mutex
	got     []logLine
	changed chan struct{} // a line was added
	ended   chan struct{} // the process ended and its log was read
}

// startProc runs edge-agent with args (in ns, unless nil); the process is
// killed when the test ends.
func startProc(t *testing.T, ns *netlab.NS, args []string) *agentProc {
	t.Helper()
	p := &agentProc{changed: make(chan struct{}, 1), ended: make(chan struct{})}
	if ns != nil {
		p.cmd = ns.Command(context.Background(), agentBinary, args...)
	} else {
		p.cmd = exec.Command(agentBinary, args...)
	}
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start edge-agent: %v", err)
	}
	go p.read(t, stderr)
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill() // Already ended, in most tests.
		<-p.ended
	})
	return p
}

// read keeps the lines the tests need from the agent's log until it ends,
// then waits for the process.
func (p *agentProc) read(t *testing.T, r io.Reader) {
	defer close(p.ended)
	verbose := os.Getenv("WEB_TEST_LOG") != ""
	lines := bufio.NewScanner(r)
	lines.Buffer(nil, 1<<20)
	for lines.Scan() {
		if verbose {
			t.Logf("agent: %s", lines.Text())
		}
		if l, ok := parseLine(lines.Text()); ok {
			p.add(l)
		}
	}
	_, _ = io.Copy(io.Discard, r) // After a line too long to scan: never block the agent.
	_ = p.cmd.Wait()              // Its status is read by Wait.
}

func (p *agentProc) add(l logLine) {
	p.mu.Lock()
	p.got = append(p.got, l)
	p.mu.Unlock()
	select {
	case p.changed <- struct{}{}:
	default:
	}
}

// lines returns the lines so far.
func (p *agentProc) lines() []logLine {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]logLine(nil), p.got...)
}

// await waits for the first line from index from on whose event starts
// with prefix, and returns it with its index.
func (p *agentProc) await(t *testing.T, from int, prefix string, within time.Duration) (logLine, int) {
	t.Helper()
	deadline := time.NewTimer(within)
	defer deadline.Stop()
	for {
		got := p.lines()
		for i := from; i < len(got); i++ {
			if strings.HasPrefix(got[i].Event, prefix) {
				return got[i], i
			}
		}
		select {
		case <-p.changed:
		case <-p.ended:
			t.Fatalf("the agent ended before %q (log %v)", prefix, got)
		case <-deadline.C:
			t.Fatalf("no %q within %v (log %v)", prefix, within, got)
		}
	}
}

// parseLine reads a callback or a join from a line of the agent's log
// (slog's text format); ok is false for any other line.
func parseLine(line string) (l logLine, ok bool) {
	switch logField(line, "msg") {
	case "callback":
		l.Event = logField(line, "event")
	case "joined":
		l.Event = "joined resumed=" + logField(line, "resumed")
	default:
		return l, false
	}
	at, err := time.Parse(time.RFC3339Nano, logField(line, "time"))
	if err != nil || l.Event == "" {
		return l, false
	}
	l.At = at
	return l, true
}

// logField returns the value of key in a line of slog's text format, where
// a value is bare (key=value) or Go-quoted (key="a value"); "" when the key
// is missing.
func logField(line, key string) string {
	i := strings.Index(" "+line, " "+key+"=")
	if i < 0 {
		return ""
	}
	v := line[i+len(key)+1:]
	if strings.HasPrefix(v, `"`) {
		q, err := strconv.QuotedPrefix(v)
		if err != nil {
			return ""
		}
		s, _ := strconv.Unquote(q) // A quoted prefix always unquotes.
		return s
	}
	if end := strings.IndexByte(v, ' '); end >= 0 {
		v = v[:end]
	}
	return v
}

func TestParseLine_ReadsCallbacksAndJoins(t *testing.T) {
	at := time.Date(2026, 11, 30, 4, 9, 22, 321e6, time.UTC)
	tests := []struct {
		name, line string
		want       logLine
		ok         bool
	}{
		{name: "quoted event",
			line: `time=2026-11-30T04:09:22.321Z level=INFO msg=callback component=agent event="onJoinChannelSuccess(\"c\", 1, 41ms)"`,
			want: logLine{At: at, Event: `onJoinChannelSuccess("c", 1, 41ms)`}, ok: true},
		{name: "bare event",
			line: `time=2026-11-30T04:09:22.321Z level=INFO msg=callback component=agent event=onLeaveChannel()`,
			want: logLine{At: at, Event: "onLeaveChannel()"}, ok: true},
		{name: "join",
			line: `time=2026-11-30T04:09:22.321Z level=INFO msg=joined component=rtc session=6_7h resumed=true peers=0`,
			want: logLine{At: at, Event: "joined resumed=true"}, ok: true},
		{name: "other line",
			line: `time=2026-11-30T04:09:22.321Z level=INFO msg="attempt done" component=rtc result="joined (resumed true)"`},
		{name: "key inside a value is not a key",
			line: `time=2026-11-30T04:09:22.321Z level=WARN msg="see msg=callback" component=rtc`},
		{name: "bad time",
			line: `time=yesterday level=INFO msg=callback event=onLeaveChannel()`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseLine(tt.line)
			if ok != tt.ok || (ok && (!got.At.Equal(tt.want.At) || got.Event != tt.want.Event)) {
				t.Errorf("parseLine = %+v, %t; want %+v, %t", got, ok, tt.want, tt.ok)
			}
		})
	}
}
