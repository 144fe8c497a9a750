package main

import (
	"github.com/edge-agent/edge-agent/rtc/rtctest"
	"testing"
	"time"

	"github.com/edge-agent/edge-agent/packaging/systest/netlab"
)

// lab is one end-to-end setup: a channel server on the host, a native and a
// web peer watching, and the agent in a network namespace behind a veth
// link that the test can cut. The agent reaches the server at an address
// behind the link's default route (netlab.ServerAddr), as a server
// elsewhere on the network is: the agent follows the route to its server,
// so removing the default route is a loss of the session's path only when
// the server is not on the link itself.
type lab struct {
	srv    *channeld
	link   *netlab.Link
	ns     *netlab.NS
	native *rtctest.Native
	web    *rtctest.Web
	agent  *agentProc
}

// newLab starts everything and waits until the agent is joined, the peers
// saw it, and its video reaches the native peer.
func newLab(t testing.TB, channel string, agentArgs ...string) *lab {
	netlab.Require(t)
	l := &lab{srv: startChanneld(t, "--insecure")}
	l.ns = netlab.NewNS(t, "agent")
	l.link = netlab.Connect(t, l.ns, "eth0", 100)
	l.native = rtctest.WatchNative(t, l.srv.ws("127.0.0.1"), channel, 2)
	l.web = rtctest.WatchWeb(t, l.srv.ws("127.0.0.1"), channel, 3)
	args := append([]string{"--server", l.srv.ws(netlab.ServerAddr(t)), "--app-id", "demo", "--channel", channel, "--uid", "1"}, agentArgs...)
	l.agent = startAgent(t, l.ns, t.TempDir(), args...)
	start, _ := l.agent.await(0, "onConnectionStateChanged(CONNECTING, CONNECTING)", 10*time.Second)
	joined, _ := l.agent.await(0, "onJoinChannelSuccess", 10*time.Second)
	t.Logf("T0 → T1 (join requested → onJoinChannelSuccess): %s", joined.At.Sub(start.At))
	seen := l.native.Await(0, "joined 1", 5*time.Second)
	l.web.Await(0, "stream-added 1", 5*time.Second)
	t.Logf("T0 → T2 (join requested → native peer's onUserJoined): %s", seen.At.Sub(start.At))
	l.native.AwaitVideo(0, 30, 10*time.Second)
	return l
}

// cut silences the agent's network and returns the time of the last video
// packet the native peer received before: the server's last data from the
// agent, give or take the forwarding on loopback.
func (l *lab) cut(t testing.TB) time.Time {
	l.link.Cut(t)
	cutAt := time.Now()
	var last time.Time
	for _, p := range l.native.VideoSince(0) {
		if p.At.Before(cutAt) && p.At.After(last) {
			last = p.At
		}
	}
	t.Logf("cut at %s; the native peer's last video from the agent at %s", cutAt.Format("15:04:05.000"), last.Format("15:04:05.000"))
	return last
}

// TestE2E_SeedTimeline plays SPEC §2 with real binaries and real timers: the
// agent's network goes silent (nftables drops, no link event) until after
// FAILED, then comes back. The 20 min of FAILED are shortened to 5 s by
// --failed-after; every other timer is the SDK's.
func TestE2E_SeedTimeline(t *testing.T) {
	l := newLab(t, "timeline", "--failed-after", "5s", "--retry-after-failed", "2s")
	from := len(l.agent.callbacks())
	nFrom, wFrom := l.native.Mark(), l.web.Mark()
	lastMedia := l.cut(t)

	cb, i := l.agent.await(from, "onConnectionStateChanged(RECONNECTING, INTERRUPTED)", 8*time.Second)
	lastData := l.agent.lastData()
	onTime(t, "T3+4s RECONNECTING(INTERRUPTED)", cb.At, lastData.Add(4*time.Second))
	cb, i = l.agent.await(i, "onConnectionLost()", 8*time.Second)
	onTime(t, "T3+10s onConnectionLost", cb.At, lastData.Add(10*time.Second))
	ev := l.web.Await(wFrom, "stream-removed 1", 12*time.Second)
	onTime(t, "T3+10s web stream-removed", ev.At, lastMedia.Add(10*time.Second))
	ev = l.native.Await(nFrom, "offline 1 DROPPED", 25*time.Second)
	onTime(t, "T6=T3+20s native onUserOffline(DROPPED)", ev.At, lastMedia.Add(20*time.Second))
	cb, i = l.agent.await(i, "onConnectionStateChanged(FAILED, JOIN_FAILED)", 10*time.Second)
	onTime(t, "T7=T6+failed-after FAILED(JOIN_FAILED)", cb.At, lastData.Add(25*time.Second))

	// FAILED: the daemon joins again by itself; the peers see it return.
	l.link.Heal(t)
	nFrom, wFrom = l.native.Mark(), l.web.Mark()
	cb, i = l.agent.await(i, "onConnectionStateChanged(CONNECTING, CONNECTING)", 5*time.Second)
	l.agent.await(i, "onConnectionStateChanged(CONNECTED, JOIN_SUCCESS)", 10*time.Second)
	l.agent.await(i, "onJoinChannelSuccess", time.Second)
	l.native.Await(nFrom, "joined 1", 5*time.Second)
	l.web.Await(wFrom, "stream-added 1", 5*time.Second)
}

// TestE2E_ShortOutageAndRejoin checks the two kinds of return: within 4 s
// nobody reports anything; after 13 s the agent rejoins, the native peer
// (20 s) saw nothing and the web peer (10 s) saw the stream go and come back,
// on the same track.
func TestE2E_ShortOutageAndRejoin(t *testing.T) {
	l := newLab(t, "rejoin")
	from := len(l.agent.callbacks())
	nFrom, wFrom := l.native.Mark(), l.web.Mark()

	l.cut(t)
	time.Sleep(2 * time.Second) // The outage itself, not a synchronisation.
	l.link.Heal(t)
	v := l.native.VideoMark()
	l.native.AwaitVideo(v, 30, 10*time.Second)
	time.Sleep(5 * time.Second) // Whatever was due would be late by now.
	if got := l.agent.callbacks()[from:]; len(got) > 0 {
		t.Errorf("a 2 s outage: the agent reported %v, want nothing", got)
	}
	l.native.None(nFrom)
	l.web.None(wFrom)

	from, v = len(l.agent.callbacks()), l.native.VideoMark()
	before := l.native.VideoSince(v - 1)[0]
	lastMedia := l.cut(t)
	_, i := l.agent.await(from, "onConnectionStateChanged(RECONNECTING, INTERRUPTED)", 8*time.Second)
	l.agent.await(i, "onConnectionLost()", 8*time.Second)
	ev := l.web.Await(wFrom, "stream-removed 1", 12*time.Second)
	onTime(t, "web stream-removed", ev.At, lastMedia.Add(10*time.Second))
	time.Sleep(time.Until(lastMedia.Add(13 * time.Second))) // The outage lasts 13 s.
	l.link.Heal(t)
	l.agent.await(i, "onConnectionStateChanged(CONNECTED, JOIN_SUCCESS)", 6*time.Second)
	l.agent.await(i, "onRejoinChannelSuccess", time.Second)
	l.web.Await(wFrom, "stream-added 1", 5*time.Second)
	after := l.native.AwaitVideo(l.native.VideoMark(), 10, 5*time.Second)[0]
	if after.Track != before.Track || after.SSRC != before.SSRC {
		t.Errorf("media came back on %s/%d, was %s/%d: want the same track", after.Track, after.SSRC, before.Track, before.SSRC)
	}
	time.Sleep(time.Until(lastMedia.Add(21 * time.Second))) // Past the native peer's 20 s.
	l.native.None(nFrom)
}
