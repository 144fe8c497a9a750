package systest_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/edge-agent/edge-agent/packaging/systest"
)

// kills is how many SIGKILLs each binary gets: enough for a p95.
const kills = 20

func TestAgentUnit_ActiveOnlyAfterReady(t *testing.T) {
	c := bootWithAgentUnit(t, goBuild(t, binaries["standin"]))
	const delay = 1500 * time.Millisecond
	must(t, c.WriteFile("/etc/systemd/system/edge-agent.service.d/slow.conf",
		[]byte("[Service]\nEnvironment=STANDIN_READY_AFTER="+delay.String()+"\n"), 0o644))
	run(t, c, "systemctl", "daemon-reload")
	run(t, c, "systemctl", "start", "--no-block", "edge-agent.service")
	s := waitActive(t, c, 0)
	if got := s.ActiveAt - s.ExecStart; got < delay {
		t.Errorf("active %v after exec; READY=1 came only after %v", got, delay)
	}
	t.Logf("stand-in: exec → active %v (READY=1 sent after %v)", (s.ActiveAt - s.ExecStart).Round(time.Millisecond/10), delay)

	run(t, c, "rm", "/etc/systemd/system/edge-agent.service.d/slow.conf")
	run(t, c, "systemctl", "daemon-reload")
	replaceBinary(t, c, goBuild(t, binaries["edge-agent"]))
	s = waitActive(t, c, 0)
	t.Logf("edge-agent: exec → READY %v", (s.ActiveAt - s.ExecStart).Round(time.Millisecond/10))
	if st := run(t, c, "systemctl", "show", "-p", "StatusText", "edge-agent.service"); !strings.Contains(st, "CONNECTING") {
		t.Errorf("STATUS= not passed on: %q", st)
	}
	// The sandbox leaves what the daemon needs: the control socket in
	// RuntimeDirectory= (root may ask), netlink rather than polling.
	if out, err := c.Run(t.Context(), "edge-agent", "status"); err != nil {
		t.Errorf("edge-agent status: %v", err)
	} else {
		t.Logf("edge-agent status:\n%s", out)
	}
	if l := journalLines(t, c, "polling=true"); len(l) > 0 {
		t.Errorf("netwatch fell back to polling under the sandbox: %q", l)
	}
}

// crashLoopRestarts is how many failed starts in a row must not make
// systemd give up: four times the default StartLimitBurst of 5.
const crashLoopRestarts = 20

func TestAgentUnit_CrashLoopNeverGivesUp(t *testing.T) {
	c := bootWithAgentUnit(t, goBuild(t, binaries["standin"]))
	must(t, c.WriteFile("/etc/systemd/system/edge-agent.service.d/crash.conf",
		[]byte("[Service]\nExecStart=\nExecStart=/bin/false\n"), 0o644))
	run(t, c, "systemctl", "daemon-reload")
	run(t, c, "systemctl", "start", "--no-block", "edge-agent.service")
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	var s unitState
	err := systest.Poll(ctx, "crash loop restarts", func() (bool, error) {
		var err error
		s, err = showAgent(ctx, c)
		if s.ActiveState == "failed" {
			return true, fmt.Errorf("gave up after %s restarts (%s)", s.NRestarts, s.Result)
		}
		n, _ := strconv.Atoi(s.NRestarts)
		return n >= crashLoopRestarts, err
	})
	if err != nil {
		t.Fatal(err)
	}
	// Fixed binary: the loop ends on its own, no reset-failed needed.
	run(t, c, "rm", "/etc/systemd/system/edge-agent.service.d/crash.conf")
	run(t, c, "systemctl", "daemon-reload")
	waitActive(t, c, 0)
}

func TestAgentUnit_KillIsRestarted(t *testing.T) {
	c := bootWithAgentUnit(t, goBuild(t, binaries["standin"]))
	run(t, c, "systemctl", "start", "edge-agent.service")
	s := waitActive(t, c, 0)
	// systemctl kill, as an operator would.
	before := s.MainPID
	run(t, c, "systemctl", "kill", "-s", "KILL", "edge-agent.service")
	if s = waitActive(t, c, s.ActiveAt); s.MainPID == before {
		t.Fatalf("not restarted: %+v", s)
	}
	for _, name := range []string{"standin", "edge-agent"} {
		t.Run(name, func(t *testing.T) {
			replaceBinary(t, c, goBuild(t, binaries[name]))
			measureKills(t, c, kills)
		})
	}
	// The price of the hardening: the same without the mount namespace and
	// user namespace systemd builds between fork and exec.
	t.Run("edge-agent unsandboxed", func(t *testing.T) {
		must(t, c.WriteFile("/etc/systemd/system/edge-agent.service.d/unsandboxed.conf", []byte(unsandboxed), 0o644))
		run(t, c, "systemctl", "daemon-reload")
		run(t, c, "systemctl", "restart", "edge-agent.service")
		measureKills(t, c, kills)
	})
}

// unsandboxed turns off every option that needs a mount or user namespace.
const unsandboxed = `[Service]
PrivateUsers=no
ProtectSystem=no
ProtectHome=no
PrivateTmp=no
PrivateDevices=no
PrivateIPC=no
PrivateMounts=no
ProtectKernelTunables=no
ProtectKernelModules=no
ProtectKernelLogs=no
ProtectControlGroups=no
ProtectClock=no
ProtectHostname=no
ProtectProc=default
ProcSubset=all
`

// measureKills SIGKILLs the main process n times and prints kill → exec,
// exec → READY and kill → READY.
func measureKills(t *testing.T, c *systest.Container, n int) {
	var toExec, toReady, execReady []time.Duration
	s := waitActive(t, c, 0)
	for range n {
		at := signalMain(t, c, s, syscall.SIGKILL)
		s = waitActive(t, c, at)
		toExec = append(toExec, s.ExecStart-at)
		toReady = append(toReady, s.ActiveAt-at)
		execReady = append(execReady, s.ActiveAt-s.ExecStart)
	}
	figures(t, "kill → exec (RestartSec=100ms)", toExec)
	figures(t, "exec → READY", execReady)
	figures(t, "kill → READY", toReady)
}

// watchdogRounds is how many hangs each binary gets: each costs up to
// WatchdogSec.
const watchdogRounds = 4

func TestAgentUnit_WatchdogKillsHung(t *testing.T) {
	c := bootWithAgentUnit(t, goBuild(t, binaries["standin"]))
	run(t, c, "systemctl", "start", "edge-agent.service")
	for _, name := range []string{"standin", "edge-agent"} {
		t.Run(name, func(t *testing.T) {
			replaceBinary(t, c, goBuild(t, binaries[name]))
			var toReady, detect, abort, back []time.Duration
			s := waitActive(t, c, 0)
			for range watchdogRounds {
				// Hang right after a ping: the worst case, a full
				// WatchdogSec of silence before systemd acts.
				s = waitPing(t, c, s)
				ping := s.Pinged
				at := signalMain(t, c, s, syscall.SIGSTOP)
				s = waitActive(t, c, at)
				timeout := firstAfter(systemdEvents(t, c, "Watchdog timeout"), at)
				exited := firstAfter(systemdEvents(t, c, "Main process exited"), at)
				toReady = append(toReady, s.ActiveAt-at)
				detect = append(detect, timeout-ping)
				abort = append(abort, exited-timeout)
				back = append(back, s.ActiveAt-exited)
			}
			figures(t, "last ping → watchdog timeout", detect)
			figures(t, "timeout → exited (SIGABRT)", abort)
			figures(t, "exited → READY", back)
			figures(t, "SIGSTOP → READY", toReady)
			if got := len(journalLines(t, c, "Failed with result 'watchdog'")); got < watchdogRounds {
				t.Errorf("%d watchdog kills in the journal, want ≥ %d", got, watchdogRounds)
			}
		})
	}
}
