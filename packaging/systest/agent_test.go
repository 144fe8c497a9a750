package systest_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/edge-agent/edge-agent/packaging/systest"
)

// unitDir holds the unit files under test, relative to this package.
const unitDir = "../../systemd"

// agentConfig makes the real daemon start: a server that refuses at once
// (the discard port), so it keeps trying, which is all a unit test needs.
const agentConfig = `server = "ws://127.0.0.1:9/"
app-id = "systest"
channel = "systest"
uid = 1
token = "systest"
`

// goBuild builds a package of this module for the container (static, so
// that it does not depend on the container's libc).
func goBuild(t *testing.T, pkg string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), filepath.Base(pkg))
	cmd := exec.Command("go", "build", "-trimpath", "-o", out, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, b)
	}
	return out
}

// binaries are the programs installed as /usr/bin/edge-agent: the stand-in
// (which also implements the stop-or-restart decision) and the daemon.
var binaries = map[string]string{
	"standin":    "github.com/edge-agent/edge-agent/packaging/systest/internal/standin",
	"edge-agent": "github.com/edge-agent/edge-agent/cmd/edge-agent",
}

// bootWithAgentUnit boots a container with edge-agent.service installed as
// the package installs it (unit in /lib/systemd/system, the system user from
// sysusers.d, a configuration), with bin as /usr/bin/edge-agent. The unit
// is enabled, not started.
func bootWithAgentUnit(t *testing.T, bin string) *systest.Container {
	t.Helper()
	c := systest.Boot(t, systest.Debian(t), systest.Options{})
	must(t, c.CopyIn(bin, "/usr/bin/edge-agent", 0o755))
	must(t, c.CopyIn(filepath.Join(unitDir, "edge-agent.service"), "/lib/systemd/system/edge-agent.service", 0o644))
	must(t, c.CopyIn(filepath.Join(unitDir, "edge-agent.sysusers"), "/usr/lib/sysusers.d/edge-agent.conf", 0o644))
	must(t, c.WriteFile("/etc/edge-agent/agent.toml", []byte(agentConfig), 0o644))
	run(t, c, "systemd-sysusers", "edge-agent.conf")
	run(t, c, "systemctl", "daemon-reload")
	run(t, c, "systemctl", "enable", "edge-agent.service")
	return c
}

// replaceBinary installs another /usr/bin/edge-agent and restarts onto it.
func replaceBinary(t *testing.T, c *systest.Container, bin string) {
	t.Helper()
	must(t, c.CopyIn(bin, "/usr/bin/edge-agent", 0o755))
	run(t, c, "systemctl", "restart", "edge-agent.service")
	waitActive(t, c, 0)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// run runs a command in the container and fails the test if it fails.
func run(t *testing.T, c *systest.Container, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := c.Run(ctx, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// unitState is what the tests read of edge-agent.service.
type unitState struct {
	MainPID, NRestarts  string
	ActiveState, Result string
	// CLOCK_MONOTONIC: fork of the main process, READY=1, last WATCHDOG=1.
	ExecStart, ActiveAt, Pinged time.Duration
}

func showAgent(ctx context.Context, c *systest.Container) (unitState, error) {
	p, err := c.Show(ctx, "edge-agent.service", "MainPID", "NRestarts", "ActiveState", "Result",
		"ExecMainStartTimestampMonotonic", "ActiveEnterTimestampMonotonic", "WatchdogTimestampMonotonic")
	if err != nil {
		return unitState{}, err
	}
	s := unitState{MainPID: p["MainPID"], NRestarts: p["NRestarts"], ActiveState: p["ActiveState"], Result: p["Result"]}
	if s.ExecStart, err = systest.ParseMonotonic(p["ExecMainStartTimestampMonotonic"]); err != nil {
		return s, err
	}
	if s.ActiveAt, err = systest.ParseMonotonic(p["ActiveEnterTimestampMonotonic"]); err != nil {
		return s, err
	}
	s.Pinged, err = systest.ParseMonotonic(p["WatchdogTimestampMonotonic"])
	return s, err
}

// waitActive waits until the unit is active with a READY=1 later than
// after (CLOCK_MONOTONIC), and returns its state.
func waitActive(t *testing.T, c *systest.Container, after time.Duration) unitState {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var s unitState
	err := systest.Poll(ctx, "edge-agent active", func() (bool, error) {
		var err error
		s, err = showAgent(ctx, c)
		return err == nil && s.ActiveState == "active" && s.ActiveAt > after, err
	})
	if err != nil {
		t.Fatalf("%v (last state %+v)", err, s)
	}
	return s
}

// waitPing waits for a WATCHDOG=1 later than s's last one (systemd counts
// READY=1 as the first) and returns the state that shows it.
func waitPing(t *testing.T, c *systest.Container, s unitState) unitState {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	last := max(s.Pinged, s.ActiveAt)
	err := systest.Poll(ctx, "a watchdog ping", func() (bool, error) {
		var err error
		s, err = showAgent(ctx, c)
		return err == nil && s.Pinged > last, err
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// signalMain sends sig to the unit's main process from the host and
// returns the moment it did (CLOCK_MONOTONIC).
func signalMain(t *testing.T, c *systest.Container, s unitState, sig syscall.Signal) time.Duration {
	t.Helper()
	var pid int
	fmt.Sscan(s.MainPID, &pid)
	host, err := c.HostPID(pid)
	if err != nil {
		t.Fatal(err)
	}
	at := systest.Monotonic()
	if err := syscall.Kill(host, sig); err != nil {
		t.Fatalf("kill %d: %v", host, err)
	}
	return at
}

// figures prints the median, 95th percentile and maximum of samples.
func figures(t *testing.T, what string, samples []time.Duration) {
	t.Helper()
	s := slices.Clone(samples)
	slices.Sort(s)
	p := func(q int) time.Duration { return s[(len(s)*q+99)/100-1] }
	t.Logf("%-32s n=%d p50=%v p95=%v max=%v", what, len(s), p(50).Round(time.Millisecond/10),
		p(95).Round(time.Millisecond/10), s[len(s)-1].Round(time.Millisecond/10))
}

// journalLines returns the journal lines of edge-agent.service that
// contain substr.
func journalLines(t *testing.T, c *systest.Container, substr string) []string {
	t.Helper()
	j, err := c.Journal("edge-agent.service")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(j, "\n") {
		if strings.Contains(l, substr) {
			out = append(out, l)
		}
	}
	return out
}

// systemdEvents returns when systemd logged each message about
// edge-agent.service that contains substr (CLOCK_MONOTONIC, as journald
// received it).
func systemdEvents(t *testing.T, c *systest.Container, substr string) []time.Duration {
	t.Helper()
	out := run(t, c, "journalctl", "--no-pager", "-o", "short-monotonic", "-u", "edge-agent.service", "_PID=1")
	var at []time.Duration
	for _, l := range strings.Split(out, "\n") {
		stamp, rest, ok := strings.Cut(strings.TrimPrefix(l, "["), "]")
		if !ok || !strings.Contains(rest, substr) {
			continue
		}
		var sec float64
		if _, err := fmt.Sscan(strings.TrimSpace(stamp), &sec); err == nil {
			at = append(at, time.Duration(sec*float64(time.Second)))
		}
	}
	return at
}

// firstAfter returns the first time in ts later than t0, or 0.
func firstAfter(ts []time.Duration, t0 time.Duration) time.Duration {
	for _, t := range ts {
		if t > t0 {
			return t
		}
	}
	return 0
}
