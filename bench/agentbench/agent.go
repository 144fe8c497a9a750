package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// errStopped says the process, or the benchmark, ended before what was
// awaited happened.
var errStopped = errors.New("stopped before it happened")

// Callback names in the agent's log (agent.Event.String).
const (
	cbConnecting = "onConnectionStateChanged(CONNECTING,"
	cbJoined     = "onJoinChannelSuccess("
)

// logLine is one line of the agent's stderr and when the harness read it.
// The arrival time is the harness's clock, the one the peer's events use;
// the log's own time= has only millisecond resolution.
type logLine struct {
	At   time.Time
	Text string
}

// agentProc is a publishing process, edge-agent or pubonly, whose stderr
// is read line by line.
type agentProc struct {
	cmd     *exec.Cmd
	started time.Time // just before the fork
	lines   *feed[logLine]
	done    chan struct{} // closed when the process has exited and been reaped
}

// startAgent runs `edge-agent run` publishing the test clip as uid 1 in
// channel, with the state directory given; the runtime directory is new.
func (l *lab) startAgent(channel, stateDir string) (*agentProc, error) {
	runtimeDir, err := l.tempDir("run-")
	if err != nil {
		return nil, err
	}
	return l.startProcess("agent", l.agentBin, "run", "--config", os.DevNull, "--server", l.url(),
		"--app-id", "demo", "--channel", channel, "--uid", "1", "--state-dir", stateDir,
		"--runtime-dir", runtimeDir, "--media", "test", "--netwatch=false")
}

// startPubOnly runs bench/pubonly publishing the test clip as uid 1 in
// channel, writing Go profiles into the work directory at exit.
func (l *lab) startPubOnly(channel, stateDir string) (*agentProc, error) {
	return l.startProcess("pubonly", l.pubOnlyBin, "-server", l.url(), "-channel", channel, "-uid", "1",
		"-state-dir", stateDir, "-memprofile", filepath.Join(l.dir, "pubonly-heap.pprof"),
		"-cpuprofile", filepath.Join(l.dir, "pubonly-cpu.pprof"))
}

// startProcess runs bin with args and -agent-env, its stderr read line by
// line and copied to a log in the work directory.
func (l *lab) startProcess(name, bin string, args ...string) (*agentProc, error) {
	l.agents++
	logf, err := os.Create(filepath.Join(l.dir, fmt.Sprintf("%s-%03d.log", name, l.agents)))
	if err != nil {
		return nil, fmt.Errorf("%s log: %w", name, err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), l.opts.env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		logf.Close()
		return nil, fmt.Errorf("%s stderr: %w", name, err)
	}
	a := &agentProc{cmd: cmd, lines: newFeed[logLine](), done: make(chan struct{})}
	a.started = time.Now()
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	go a.read(bufio.NewScanner(stderr), logf)
	return a, nil
}

// read records every line of stderr, then reaps the process.
func (a *agentProc) read(sc *bufio.Scanner, logf *os.File) {
	defer close(a.done)
	defer logf.Close()
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		now := time.Now()
		a.lines.add(logLine{At: now, Text: sc.Text()})
		fmt.Fprintf(logf, "%s %s\n", now.Format("15:04:05.000000"), sc.Text())
	}
	_ = a.cmd.Wait()
}

func (a *agentProc) pid() int { return a.cmd.Process.Pid }

// awaitCallback waits for the callback whose event starts with prefix,
// from line index from on.
func (a *agentProc) awaitCallback(from int, prefix string) (logLine, error) {
	line, _, err := a.lines.await(from, startLimit, a.done, func(l logLine) bool {
		return strings.HasPrefix(callbackEvent(l.Text), prefix)
	})
	if err != nil {
		return line, fmt.Errorf("agent %d: callback %s: %w", a.pid(), prefix, err)
	}
	return line, nil
}

// resumed reports whether the agent's session said it was resumed (the
// rtc log line "joined ... resumed=true").
func (a *agentProc) resumed() bool {
	for _, l := range a.lines.since(0) {
		if strings.Contains(l.Text, "msg=joined ") && strings.Contains(l.Text, "resumed=true") {
			return true
		}
	}
	return false
}

// kill sends SIGKILL and waits until the process is gone.
func (a *agentProc) kill() error { return a.signal(syscall.SIGKILL) }

// stop sends SIGTERM (the agent leaves) and waits until it has exited.
func (a *agentProc) stop() error { return a.signal(syscall.SIGTERM) }

func (a *agentProc) signal(sig syscall.Signal) error {
	if err := a.cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("signal agent %d: %w", a.pid(), err)
	}
	select {
	case <-a.done:
		return nil
	case <-time.After(startLimit):
		_ = a.cmd.Process.Kill()
		<-a.done
		return fmt.Errorf("agent %d still running %v after %v", a.pid(), startLimit, sig)
	}
}

// callbackEvent returns the event of an agent log line "msg=callback
// event=…", without quotes, or "" for any other line.
func callbackEvent(line string) string {
	if !strings.Contains(line, " msg=callback ") {
		return ""
	}
	_, v, ok := strings.Cut(line, " event=")
	if !ok {
		return ""
	}
	if q, err := strconv.QuotedPrefix(v); err == nil {
		ev, _ := strconv.Unquote(q) // slog quotes as strconv does
		return ev
	}
	if i := strings.IndexByte(v, ' '); i >= 0 {
		return v[:i]
	}
	return v
}
