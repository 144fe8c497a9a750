package main

import (
	"github.com/edge-agent/edge-agent/rtc/rtctest"
	"testing"
	"time"

	"github.com/edge-agent/edge-agent/packaging/systest/netlab"
)

// TestE2E_CarrierLost: the cable is pulled. The agent says
// onNetworkTypeChanged(DISCONNECTED) at once and makes no attempt while no
// link is usable; the silence timers still say INTERRUPTED at 4 s. When the
// cable is back it rejoins at once, without waiting for a backoff step.
func TestE2E_CarrierLost(t *testing.T) {
	l := newLab(t, "carrier")
	pullAndPlugCable(t, l.agent, l.link, l.native)
}

// TestE2E_IsolatedLAN: a kiosk on a LAN with no default route, its channel
// server on the link. The agent follows the route to the server (the link's
// connected route), so it joins and says onNetworkTypeChanged(LAN); a cable
// pull still says DISCONNECTED, and it rejoins when the cable is back.
func TestE2E_IsolatedLAN(t *testing.T) {
	netlab.Require(t)
	srv := startChanneld(t, "--insecure")
	ns := netlab.NewNS(t, "isolated")
	link := netlab.Connect(t, ns, "eth0", 100)
	link.DelRoute(t) // Only the connected route to 10.201.N.0/24 remains.
	native := rtctest.WatchNative(t, srv.ws("127.0.0.1"), "isolated", 2)
	a := startAgent(t, ns, t.TempDir(), "--server", srv.ws(link.HostIP), "--app-id", "demo", "--channel", "isolated", "--uid", "1")
	a.await(0, "onNetworkTypeChanged(LAN)", 10*time.Second)
	a.await(0, "onJoinChannelSuccess", 10*time.Second)
	native.AwaitVideo(0, 30, 10*time.Second)
	for _, c := range a.callbacks() {
		if c.Event == "onNetworkTypeChanged(DISCONNECTED)" {
			t.Errorf("onNetworkTypeChanged(DISCONNECTED) with the server on the link")
		}
	}
	pullAndPlugCable(t, a, link, native)
}

// pullAndPlugCable pulls the cable of a joined agent's link for 6 s, past
// INTERRUPTED: onNetworkTypeChanged(DISCONNECTED) at once, no recovery
// attempt while no link is usable, then back on the LAN, a rejoin and media
// at the peer once the cable is plugged.
func pullAndPlugCable(t *testing.T, a *agentProc, link *netlab.Link, native *rtctest.Native) {
	t.Helper()
	from := len(a.callbacks())
	link.PullCable(t)
	pulled := time.Now()
	cb, i := a.await(from, "onNetworkTypeChanged(DISCONNECTED)", 2*time.Second)
	t.Logf("cable pulled → onNetworkTypeChanged(DISCONNECTED): %s", cb.At.Sub(pulled).Round(time.Millisecond))
	a.await(i, "onConnectionStateChanged(RECONNECTING, INTERRUPTED)", 6*time.Second)
	time.Sleep(time.Until(pulled.Add(6 * time.Second))) // The cable stays out 6 s.
	if n := a.attemptsBetween(cb.At, time.Now()); n > 0 {
		t.Errorf("%d recovery attempts with no usable link, want none", n)
	}
	link.PlugCable(t)
	plugged := time.Now()
	cb, _ = a.await(i, "onNetworkTypeChanged(LAN)", 2*time.Second)
	t.Logf("cable back → onNetworkTypeChanged(LAN): %s", cb.At.Sub(plugged).Round(time.Millisecond))
	cb, _ = a.await(i, "onConnectionStateChanged(CONNECTED, JOIN_SUCCESS)", 3*time.Second)
	a.await(i, "onRejoinChannelSuccess", time.Second)
	t.Logf("cable back → rejoined: %s", cb.At.Sub(plugged).Round(time.Millisecond))
	v := native.VideoMark()
	got := native.AwaitVideo(v, 1, 3*time.Second)
	t.Logf("cable back → media at the peer: %s", got[0].At.Sub(plugged).Round(time.Millisecond))
}

// TestE2E_FlapsAreSilent: each way a link can go (down, address removed,
// default route removed), for 1.5 s: onNetworkTypeChanged both ways at once,
// no connection-state callback, and the media comes back.
func TestE2E_FlapsAreSilent(t *testing.T) {
	l := newLab(t, "flaps")
	flaps := []struct {
		name       string
		down, back func(testing.TB)
	}{
		{"link set down", l.link.SetDown, l.link.SetUp},
		{"address removed", l.link.DelAddr, func(tb testing.TB) { l.link.AddAddr(tb); l.link.AddRoute(tb) }},
		{"default route removed", l.link.DelRoute, l.link.AddRoute},
		{"carrier lost", l.link.PullCable, l.link.PlugCable},
	}
	for _, f := range flaps {
		from := len(l.agent.callbacks())
		f.down(t)
		down := time.Now()
		cb, _ := l.agent.await(from, "onNetworkTypeChanged(DISCONNECTED)", 2*time.Second)
		t.Logf("%s → onNetworkTypeChanged(DISCONNECTED): %s", f.name, cb.At.Sub(down).Round(time.Millisecond))
		time.Sleep(time.Until(down.Add(1500 * time.Millisecond))) // The flap lasts 1.5 s.
		v := l.native.VideoMark()
		f.back(t)
		back := time.Now()
		l.agent.await(from, "onNetworkTypeChanged(LAN)", 2*time.Second)
		got := l.native.AwaitVideo(v, 10, 5*time.Second)
		t.Logf("%s, back → media at the peer: %s", f.name, got[0].At.Sub(back).Round(time.Millisecond))
		for _, c := range l.agent.callbacks()[from:] {
			if c.Event[:len("onConnection")] == "onConnection" {
				t.Errorf("%s for 1.5 s: %s, want no connection-state callback", f.name, c.Event)
			}
		}
	}
	l.native.None(0 + len(l.native.Seen(0)))
}

// TestE2E_Failover: two paths into the device, the preferred one dies; the
// session moves to the other at once with CLIENT_IP_ADDRESS_CHANGED, and
// nobody sees it drop.
func TestE2E_Failover(t *testing.T) {
	netlab.Require(t)
	srv := startChanneld(t, "--insecure")
	addr := netlab.ServerAddr(t)
	ns := netlab.NewNS(t, "dual")
	eth := netlab.Connect(t, ns, "eth0", 100)
	netlab.Connect(t, ns, "eth1", 200)
	native := rtctest.WatchNative(t, srv.ws("127.0.0.1"), "failover", 2)
	a := startAgent(t, ns, t.TempDir(), "--server", srv.ws(addr), "--app-id", "demo", "--channel", "failover", "--uid", "1")
	a.await(0, "onJoinChannelSuccess", 10*time.Second)
	native.AwaitVideo(0, 30, 10*time.Second)
	nFrom, from := native.Mark(), len(a.callbacks())

	last := native.VideoSince(native.VideoMark() - 1)[0]
	eth.SetDown(t)
	down := time.Now()
	cb, i := a.await(from, "onConnectionStateChanged(RECONNECTING, CLIENT_IP_ADDRESS_CHANGED)", 2*time.Second)
	t.Logf("eth0 down → RECONNECTING(CLIENT_IP_ADDRESS_CHANGED): %s", cb.At.Sub(down).Round(time.Millisecond))
	cb, _ = a.await(i, "onConnectionStateChanged(CONNECTED, JOIN_SUCCESS)", 5*time.Second)
	a.await(i, "onRejoinChannelSuccess", time.Second)
	t.Logf("eth0 down → CONNECTED over eth1: %s", cb.At.Sub(down).Round(time.Millisecond))
	v := native.VideoMark()
	next := native.AwaitVideo(v, 1, 5*time.Second)[0]
	t.Logf("failover gap at the peer (last packet before → first after): %s", next.At.Sub(last.At).Round(time.Millisecond))
	if next.Track != last.Track || next.SSRC != last.SSRC {
		t.Errorf("media moved to %s/%d from %s/%d: want the same track", next.Track, next.SSRC, last.Track, last.SSRC)
	}
	for _, c := range a.callbacks()[from:] {
		if c.Event == "onConnectionLost()" {
			t.Errorf("onConnectionLost during a failover")
		}
	}
	native.None(nFrom)
	if st := a.status(); st["network_type"] != "LAN" {
		t.Errorf("network type %v after failover, want LAN", st["network_type"])
	}
}

// TestE2E_IsolatedLANServerResolvedLate: the same kiosk names its server,
// and the name does not resolve when the agent starts (as at boot, before
// the local DNS answers). The agent follows the default routes meanwhile —
// there are none, so DISCONNECTED — looks the name up again, and once it
// resolves follows the route to the server and joins.
func TestE2E_IsolatedLANServerResolvedLate(t *testing.T) {
	netlab.Require(t)
	srv := startChanneld(t, "--insecure")
	ns := netlab.NewNS(t, "late-dns")
	link := netlab.Connect(t, ns, "eth0", 100)
	link.DelRoute(t)
	ns.WriteEtc(t, "resolv.conf", "nameserver 127.0.0.1\n") // Nothing answers: refused at once.
	ns.WriteEtc(t, "hosts", "127.0.0.1 localhost\n")
	native := rtctest.WatchNative(t, srv.ws("127.0.0.1"), "late-dns", 2)
	a := startAgent(t, ns, t.TempDir(), "--server", srv.ws("channel.test"), "--app-id", "demo", "--channel", "late-dns", "--uid", "1")
	a.await(0, "onNetworkTypeChanged(DISCONNECTED)", 10*time.Second)
	ns.WriteEtc(t, "hosts", "127.0.0.1 localhost\n"+link.HostIP+" channel.test\n")
	named := time.Now()
	cb, _ := a.await(0, "onNetworkTypeChanged(LAN)", 3*resolveRetry)
	t.Logf("name resolvable → onNetworkTypeChanged(LAN): %s", cb.At.Sub(named).Round(time.Millisecond))
	a.await(0, "onJoinChannelSuccess", 5*time.Second)
	native.AwaitVideo(0, 30, 10*time.Second)
}
