package main

import (
	"fmt"
	"github.com/edge-agent/edge-agent/rtc/rtctest"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/edge-agent/edge-agent/rtc"
	"github.com/edge-agent/edge-agent/rtc/signal"
)

// hostLab is a channel server and two watching peers on the host; the agent
// runs on the host too (no network games here, only process ends).
type hostLab struct {
	srv    *channeld
	native *rtctest.Native
	web    *rtctest.Web
	state  string
	args   []string
}

func newHostLab(t *testing.T, channel string) *hostLab {
	h := &hostLab{srv: startChanneld(t, "--insecure", "--loopback"), state: t.TempDir()}
	h.native = rtctest.WatchNative(t, h.srv.ws("127.0.0.1"), channel, 2)
	h.web = rtctest.WatchWeb(t, h.srv.ws("127.0.0.1"), channel, 3)
	h.args = []string{"--server", h.srv.ws("127.0.0.1"), "--app-id", "demo", "--channel", channel, "--uid", "1", "--netwatch=false"}
	return h
}

func (h *hostLab) start(t *testing.T) *agentProc { return startAgent(t, nil, h.state, h.args...) }

// splitAt returns the last packet received before t and the first after.
func splitAt(pks []rtc.Packet, t time.Time) (before, after rtc.Packet) {
	for _, p := range pks {
		if !p.At.After(t) {
			before = p
		} else if after.At.IsZero() {
			after = p
		}
	}
	return before, after
}

// lastVideo is the last video packet the native peer received.
func (h *hostLab) lastVideo() rtc.Packet {
	v := h.native.VideoSince(0)
	return v[len(v)-1]
}

// TestE2E_KillAndResume: SIGKILL without leave, then a new process on the
// same state directory at once. No peer sees anything; media continues on
// the same downstream track, starting with a keyframe. Then a kill that is
// not followed by a restart: web peers see the stream go at 10 s, native
// peers see DROPPED at 20 s.
func TestE2E_KillAndResume(t *testing.T) {
	h := newHostLab(t, "kill")
	a := h.start(t)
	a.await(0, "onJoinChannelSuccess", 10*time.Second)
	h.native.Await(0, "joined 1", 5*time.Second)
	h.native.AwaitVideo(0, 30, 10*time.Second)
	nFrom, wFrom := h.native.Mark(), h.web.Mark()

	for i := range 3 {
		v := h.native.VideoMark()
		a.signal(syscall.SIGKILL)
		killed := time.Now()
		a.wait(5 * time.Second)
		restarted := time.Now()
		a = h.start(t)
		cb, _ := a.await(0, "onJoinChannelSuccess", 10*time.Second)
		// The old process is dead and reaped before the new one starts; the
		// new one sends nothing before its PeerConnection is up. So the
		// split between them is the restart.
		before, after := splitAt(h.native.AwaitVideo(v-1, 30, 5*time.Second), restarted)
		t.Logf("kill %d: → rejoined %s, → media at the peer %s", i+1, cb.At.Sub(killed).Round(time.Millisecond), after.At.Sub(killed).Round(time.Millisecond))
		if after.Track != before.Track || after.SSRC != before.SSRC {
			t.Errorf("after the restart media came on %s/%d, was %s/%d: want the same track", after.Track, after.SSRC, before.Track, before.SSRC)
		}
		if after.Seq != before.Seq+1 {
			t.Errorf("sequence numbers jump from %d to %d across the restart", before.Seq, after.Seq)
		}
		if !after.FrameStart || !after.Keyframe {
			t.Errorf("the first packet after the restart is not the start of a keyframe")
		}
	}
	h.native.AwaitVideo(h.native.VideoMark(), 30, 5*time.Second)
	h.native.None(nFrom)
	h.web.None(wFrom)

	last := h.lastVideo()
	a.signal(syscall.SIGKILL)
	ev := h.web.Await(wFrom, "stream-removed 1", 15*time.Second)
	onTime(t, "kill+10s web stream-removed", ev.At, last.At.Add(10*time.Second))
	ev = h.native.Await(nFrom, "offline 1 DROPPED", 25*time.Second)
	onTime(t, "kill+20s native onUserOffline(DROPPED)", ev.At, last.At.Add(20*time.Second))

	// Back later: a fresh session, which the peers see join again.
	nFrom, wFrom = h.native.Mark(), h.web.Mark()
	a.wait(time.Second)
	a = h.start(t)
	a.await(0, "onJoinChannelSuccess", 10*time.Second)
	h.native.Await(nFrom, "joined 1", 5*time.Second)
	h.web.Await(wFrom, "stream-added 1", 5*time.Second)
}

// TestE2E_SIGTERMLeaves: systemctl stop, shutdown: the agent leaves and the
// peers see QUIT (web: peer-leave) at once.
func TestE2E_SIGTERMLeaves(t *testing.T) {
	h := newHostLab(t, "term")
	a := h.start(t)
	a.await(0, "onJoinChannelSuccess", 10*time.Second)
	h.native.Await(0, "joined 1", 5*time.Second)
	nFrom, wFrom := h.native.Mark(), h.web.Mark()
	a.signal(syscall.SIGTERM)
	sent := time.Now()
	ev := h.native.Await(nFrom, "offline 1 QUIT", 2*time.Second)
	wev := h.web.Await(wFrom, "peer-leave 1", 2*time.Second)
	t.Logf("SIGTERM → native QUIT %s, web peer-leave %s", ev.At.Sub(sent).Round(time.Millisecond), wev.At.Sub(sent).Round(time.Millisecond))
	a.wait(5 * time.Second)
	if code := a.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("exit status %d after SIGTERM, want 0", code)
	}
	if _, err := os.Stat(filepath.Join(h.state, rtc.StateFile)); !os.IsNotExist(err) {
		t.Errorf("the resume state survived a leave: %v", err)
	}
}

// TestE2E_EmptyChannelDestroyed: the server destroys a channel 10 s after
// its last user left; until then it is there as it was.
func TestE2E_EmptyChannelDestroyed(t *testing.T) {
	srv := startChanneld(t, "--insecure", "--loopback")
	a := startAgent(t, nil, t.TempDir(), "--server", srv.ws("127.0.0.1"), "--app-id", "demo", "--channel", "lonely", "--uid", "1", "--netwatch=false")
	a.await(0, "onJoinChannelSuccess", 10*time.Second)
	a.signal(syscall.SIGTERM)
	a.await(0, "onLeaveChannel()", 5*time.Second)
	left := time.Now()
	has := func() bool {
		for _, c := range srv.channels(t) {
			if c["name"] == "lonely" {
				return true
			}
		}
		return false
	}
	for time.Since(left) < 9500*time.Millisecond {
		if !has() {
			t.Fatalf("the channel was gone %s after its last user left, want 10 s", time.Since(left))
		}
		time.Sleep(100 * time.Millisecond)
	}
	poll(t, 2*time.Second, "the empty channel destroyed", func() bool { return !has() })
	t.Logf("channel destroyed %s after the last user left", time.Since(left).Round(10*time.Millisecond))
}

// TestE2E_Refusals: each refusal of the server leaves the agent in FAILED
// with the reason of SPEC §1.
func TestE2E_Refusals(t *testing.T) {
	const secret = "0123456789abcdef0123456789abcdef"
	apps := filepath.Join(t.TempDir(), "apps")
	admin := filepath.Join(t.TempDir(), "admin")
	os.WriteFile(apps, []byte("demo "+secret+"\n"), 0o600)
	os.WriteFile(admin, []byte("admin-token-for-tests\n"), 0o600)
	srv := startChanneld(t, "--apps", apps, "--loopback", "--max-users", "1", "--admin-token-file", admin)
	tok := func(channel string, uid uint32, expiry time.Time, key string) string {
		s, err := signal.MakeToken("demo", key, channel, uid, expiry)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	later := time.Now().Add(time.Hour)
	tests := []struct {
		name, app, channel, token, want string
	}{
		{"bad signature", "demo", "r1", tok("r1", 1, later, "another-secret-of-enough-length"), "INVALID_TOKEN"},
		{"token for another channel", "demo", "r1", tok("r2", 1, later, secret), "INVALID_TOKEN"},
		{"malformed token", "demo", "r1", "et1.garbage", "INVALID_TOKEN"},
		{"expired token", "demo", "r1", tok("r1", 1, time.Now().Add(-time.Minute), secret), "TOKEN_EXPIRED"},
		{"unknown app", "nosuchapp", "r1", tok("r1", 1, later, secret), "INVALID_APP_ID"},
		{"channel full", "demo", "full", tok("full", 1, later, secret), "REJECTED_BY_SERVER"},
	}
	occupant := startAgent(t, nil, t.TempDir(), "--server", srv.ws("127.0.0.1"), "--app-id", "demo", "--channel", "full",
		"--uid", "9", "--token", tok("full", 9, later, secret), "--netwatch=false", "--media", "none")
	occupant.await(0, "onJoinChannelSuccess", 10*time.Second)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := startAgent(t, nil, t.TempDir(), "--server", srv.ws("127.0.0.1"), "--app-id", tt.app, "--channel", tt.channel,
				"--uid", "1", "--token", tt.token, "--netwatch=false", "--media", "none")
			a.await(0, fmt.Sprintf("onConnectionStateChanged(FAILED, %s)", tt.want), 10*time.Second)
			if st := a.status(); st["state"] != "FAILED" || st["reason"] != tt.want {
				t.Errorf("status %v %v, want FAILED %s", st["state"], st["reason"], tt.want)
			}
		})
	}
	t.Run("kicked", func(t *testing.T) {
		req := fmt.Sprintf("curl -sf -X POST -H 'Authorization: Bearer admin-token-for-tests' %s", srv.url("127.0.0.1", "/api/v1/channels/full/users/9/kick"))
		if out, err := execShell(req); err != nil {
			t.Fatalf("kick: %v: %s", err, out)
		}
		occupant.await(0, "onConnectionStateChanged(FAILED, BANNED_BY_SERVER)", 5*time.Second)
	})
}
