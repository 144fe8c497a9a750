package systest_test

import (
	"fmt"
	"net"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/edge-agent/edge-agent/packaging/systest"
	"github.com/edge-agent/edge-agent/rtc/rtctest"
)

// spec3KillCount is how many SIGKILLs the SPEC §3 test measures.
const spec3KillCount = 10

// TestAgentUnit_PeersSeeWhatSpec3Says runs the real agent under a real
// systemd with a native and a web peer watching from the host, and goes
// through the ends of SPEC §3: SIGKILL (systemctl kill), a restart, a hang
// (SIGSTOP, found by the watchdog), and a stop. Only the stop may be seen.
func TestAgentUnit_PeersSeeWhatSpec3Says(t *testing.T) {
	server := startHostChanneld(t)
	native := rtctest.WatchNative(t, server, "spec3", 2)
	web := rtctest.WatchWeb(t, server, "spec3", 3)
	c := bootWithAgentUnit(t, goBuild(t, binaries["edge-agent"]))
	must(t, c.WriteFile("/etc/edge-agent/agent.toml", []byte(fmt.Sprintf(
		"server = %q\napp-id = \"demo\"\nchannel = \"spec3\"\nuid = 1\nmedia = \"test\"\n", server)), 0o644))
	run(t, c, "systemctl", "start", "edge-agent.service")
	s := waitActive(t, c, 0)
	native.Await(0, "joined 1", 10*time.Second)
	native.AwaitVideo(0, 30, 10*time.Second)
	nFrom, wFrom := native.Mark(), web.Mark()

	s = killAndMeasure(t, c, native, s)

	// systemctl restart: handed over, nobody notices.
	v := native.VideoMark()
	run(t, c, "systemctl", "restart", "edge-agent.service")
	s = waitActive(t, c, s.ActiveAt)
	native.AwaitVideo(v, 30, 10*time.Second)
	if len(journalLines(t, c, "action=handover")) == 0 {
		t.Error("the restart was not handed over (no action=handover in the journal)")
	}

	// A hang: the watchdog kills it, systemd starts it again.
	at := signalMain(t, c, s, syscall.SIGSTOP)
	stopped := time.Now()
	s = waitActive(t, c, at)
	v = native.VideoMark()
	pk := native.AwaitVideo(v, 1, 10*time.Second)[0]
	t.Logf("SIGSTOP → READY again: %s, → media at the peer: %s", (s.ActiveAt - at).Round(time.Millisecond),
		pk.At.Sub(stopped).Round(time.Millisecond))
	native.None(nFrom)
	web.None(wFrom)

	// systemctl stop: the peers see the agent leave at once.
	stopAt := time.Now()
	run(t, c, "systemctl", "stop", "edge-agent.service")
	ev := native.Await(nFrom, "offline 1 QUIT", 2*time.Second)
	wev := web.Await(wFrom, "peer-leave 1", 2*time.Second)
	t.Logf("systemctl stop → native QUIT %s, web peer-leave %s", ev.At.Sub(stopAt).Round(time.Millisecond),
		wev.At.Sub(stopAt).Round(time.Millisecond))
}

// killAndMeasure SIGKILLs the agent (as systemctl kill -s KILL does, from the
// host for a precise moment) and measures kill → READY, kill → rejoined and
// kill → media at the native peer.
func killAndMeasure(t *testing.T, c *systest.Container, native *rtctest.Native, s unitState) unitState {
	var ready, rejoined, media []time.Duration
	for range spec3KillCount {
		v := native.VideoMark()
		seen := len(journalLines(t, c, "onJoinChannelSuccess"))
		killedAt := time.Now()
		at := signalMain(t, c, s, syscall.SIGKILL)
		s = waitActive(t, c, at)
		ready = append(ready, s.ActiveAt-at)
		media = append(media, firstAfterGap(native, v-1, killedAt).Sub(killedAt))
		rejoined = append(rejoined, agentLogTime(t, c, "onJoinChannelSuccess", seen).Sub(killedAt))
	}
	figures(t, "kill → READY", ready)
	figures(t, "kill → rejoined", rejoined)
	figures(t, "kill → media at the peer", media)
	return s
}

// firstAfterGap waits for the first video packet of the new process: the
// first one after the gap the kill made (packets of the old process still
// on their way may arrive just after the kill). from must index a packet
// received before the kill.
func firstAfterGap(native *rtctest.Native, from int, killedAt time.Time) time.Time {
	const gap = 50 * time.Millisecond // A frame is 33 ms; a restart is > 100 ms.
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		pks := native.VideoSince(from)
		for i := 1; i < len(pks); i++ {
			if pks[i].At.After(killedAt) && pks[i].At.Sub(pks[i-1].At) > gap {
				return pks[i].At
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return time.Now()
}

// agentLogTime waits for the (seen+1)th journal line of the agent holding
// substr and returns the time the agent stamped on it.
func agentLogTime(t *testing.T, c *systest.Container, substr string, seen int) time.Time {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if lines := journalLines(t, c, substr); len(lines) > seen {
			_, rest, _ := strings.Cut(lines[seen], " time=")
			stamp, _, _ := strings.Cut(rest, " ")
			at, err := time.Parse(time.RFC3339Nano, stamp)
			if err != nil {
				t.Fatalf("agent log time in %q: %v", lines[seen], err)
			}
			return at
		}
		if time.Now().After(deadline) {
			t.Fatalf("no new %q in the agent's journal", substr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// startHostChanneld runs edge-channeld on the host, on every address, and
// returns its signalling URL on loopback (the container shares the host's
// network).
func startHostChanneld(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", ":0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command(goBuild(t, "github.com/edge-agent/edge-agent/cmd/edge-channeld"), "serve", "--insecure",
		"--listen", fmt.Sprintf(":%d", port), "--log-level", "warn")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	deadline := time.Now().Add(10 * time.Second)
	for {
		if conn, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			conn.Close()
			return fmt.Sprintf("ws://127.0.0.1:%d/ws", port)
		}
		if time.Now().After(deadline) {
			t.Fatal("edge-channeld does not listen")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
