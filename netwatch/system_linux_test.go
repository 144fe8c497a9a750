package netwatch

import (
	"net"
	"net/netip"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
)

// onePathSetup is the device namespace with one veth path, watched.
func onePathSetup(t *testing.T, opts Options) (*vethPath, *Monitor) {
	t.Helper()
	requireSystem(t)
	dut, peer := newNS(t, "dut"), newNS(t, "peer")
	p := addPath(t, dut, peer, 0, 100)
	m := startIn(t, dut, opts, nil)
	snap := m.Snapshot()
	if path := snap.Path(); path.Name != p.dev || path.Type != NetworkLAN {
		t.Fatalf("first snapshot: path %q type %v, want %s LAN; snapshot %+v", path.Name, path.Type, p.dev, snap)
	}
	return p, m
}

func TestSystem_CarrierLostAndBack(t *testing.T) {
	p, m := onePathSetup(t, Options{})
	p.peerDown(t)
	d := waitFor(t, m, "path lost", lost)
	if !d.PathLost || !d.TypeChanged || d.OldPath.Name != p.dev {
		t.Errorf("carrier lost: Delta %+v", flagsOf(d))
	}
	if it, _ := d.New.Interface(p.dut.link(t, p.dev).Attrs().Index); it.Carrier {
		t.Errorf("carrier lost: %s still has carrier in the snapshot: %+v", p.dev, it)
	}
	p.peerUp(t)
	d = waitFor(t, m, "path back", usableVia(p.dev))
	if !d.PathRestored || !d.TypeChanged {
		t.Errorf("carrier back: Delta %+v", flagsOf(d))
	}
}

func TestSystem_LinkSetDown(t *testing.T) {
	p, m := onePathSetup(t, Options{})
	p.devDown(t)
	d := waitFor(t, m, "path lost", lost)
	if !d.PathLost || !d.LinksChanged {
		t.Errorf("link down: Delta %+v", flagsOf(d))
	}
	p.devUp(t)
	p.addRoute(t) // the kernel removed it with the link
	waitFor(t, m, "path back", usableVia(p.dev))
}

func TestSystem_AddressRemoved(t *testing.T) {
	p, m := onePathSetup(t, Options{})
	mustDo(t, "delete address", p.dut.h.AddrDel(p.dut.link(t, p.dev), &netlink.Addr{IPNet: p.addr}))
	d := waitFor(t, m, "path lost", lost)
	if !d.PathLost || !d.AddrsChanged {
		t.Errorf("address removed: Delta %+v", flagsOf(d))
	}
}

func TestSystem_DefaultRouteRemoved(t *testing.T) {
	p, m := onePathSetup(t, Options{})
	p.delRoute(t)
	d := waitFor(t, m, "path lost", lost)
	if !d.PathLost || !d.RoutesChanged || d.LinksChanged {
		t.Errorf("route removed: Delta %+v", flagsOf(d))
	}
	p.addRoute(t)
	waitFor(t, m, "path back", usableVia(p.dev))
}

func TestSystem_Failover(t *testing.T) {
	requireSystem(t)
	dut, peer := newNS(t, "dut"), newNS(t, "peer")
	primary := addPath(t, dut, peer, 0, 100)
	backup := addPath(t, dut, peer, 1, 200)
	m := startIn(t, dut, Options{}, nil)
	if got := m.Snapshot().Path().Name; got != primary.dev {
		t.Fatalf("first path %q, want %s", got, primary.dev)
	}

	primary.peerDown(t)
	d := waitFor(t, m, "path moved to the backup", usableVia(backup.dev))
	wantAddr := netip.MustParseAddr(backup.addr.IP.String())
	if !d.PathChanged || !d.AddrChanged || d.PathLost || !slices.Equal(d.Path.Addrs, []netip.Addr{wantAddr}) {
		t.Errorf("failover: Delta %+v, path addrs %v", flagsOf(d), d.Path.Addrs)
	}
	if d.Path.Metric != 200 || d.TypeChanged {
		t.Errorf("failover: metric %d type changed %v, want 200 and false", d.Path.Metric, d.TypeChanged)
	}

	primary.peerUp(t)
	d = waitFor(t, m, "path back to the primary", usableVia(primary.dev))
	if !d.PathChanged || !d.AddrChanged {
		t.Errorf("failback: Delta %+v", flagsOf(d))
	}
}

func TestSystem_PollOnly(t *testing.T) {
	p, m := onePathSetup(t, Options{PollOnly: true, PollInterval: 20 * time.Millisecond})
	p.peerDown(t)
	waitFor(t, m, "path lost", lost)
	p.peerUp(t)
	waitFor(t, m, "path back", usableVia(p.dev))
}

// gatedSource holds back the first subscription's notifications until the
// gate opens, so that the kernel's socket buffer overflows (ENOBUFS).
type gatedSource struct {
	source
	gate    chan struct{}
	watches atomic.Int32
	watched chan int32
}

func (g *gatedSource) watch(notify func(error)) (watcher, error) {
	w, err := g.source.watch(func(err error) {
		<-g.gate
		notify(err)
	})
	if err == nil {
		g.watched <- g.watches.Add(1)
	}
	return w, err
}

func TestSystem_OverflowResubscribesAndResyncs(t *testing.T) {
	requireSystem(t)
	dut, peer := newNS(t, "dut"), newNS(t, "peer")
	p := addPath(t, dut, peer, 0, 100)
	gs := &gatedSource{gate: make(chan struct{}), watched: make(chan int32, 10)}
	m := startIn(t, dut, Options{}, func(s source) source {
		s.(*netlinkSource).rcvbuf = 1 // the kernel's minimum: a few messages
		gs.source = s
		return gs
	})
	if n := recv(t, gs.watched, "first subscription"); n != 1 {
		t.Fatalf("subscription %d, want 1", n)
	}

	// A burst while nobody reads: addresses (and their local routes).
	link := dut.link(t, p.dev)
	const burst = 300
	for i := range burst {
		a := &net.IPNet{IP: net.IPv4(10, 98, byte(i/250), byte(1+i%250)), Mask: net.CIDRMask(32, 32)}
		mustDo(t, "burst address", dut.h.AddrAdd(link, &netlink.Addr{IPNet: a}))
	}
	close(gs.gate)

	if n := recv(t, gs.watched, "resubscription after the overflow"); n != 2 {
		t.Fatalf("subscription %d, want 2", n)
	}
	d := waitFor(t, m, "all burst addresses", func(d Delta) bool { return len(d.Path.Addrs) == burst+1 })
	if !d.AddrChanged || !d.Usable {
		t.Errorf("resync: Delta %+v", flagsOf(d))
	}
	p.peerDown(t) // the new subscription works
	waitFor(t, m, "path lost", lost)
}

// An IPv6-only path is usable once duplicate address detection has
// finished: a tentative address does not count.
func TestSystem_IPv6PathAfterDAD(t *testing.T) {
	requireSystem(t)
	dut, peer := newNS(t, "dut"), newNS(t, "peer")
	p := addPath(t, dut, peer, 0, 100)
	p.delRoute(t)
	mustDo(t, "delete v4 address", dut.h.AddrDel(dut.link(t, p.dev), &netlink.Addr{IPNet: p.addr}))
	m := startIn(t, dut, Options{}, nil)
	if m.Snapshot().Path().Valid() {
		t.Fatalf("path before IPv6 is configured: %+v", m.Snapshot().Path())
	}

	gw := &net.IPNet{IP: net.ParseIP("2001:db8:99::1"), Mask: net.CIDRMask(64, 128)}
	mine := &net.IPNet{IP: net.ParseIP("2001:db8:99::2"), Mask: net.CIDRMask(64, 128)}
	mustDo(t, "peer v6 address", peer.h.AddrAdd(peer.link(t, p.peerDev), &netlink.Addr{IPNet: gw}))
	mustDo(t, "v6 address (tentative)", dut.h.AddrAdd(dut.link(t, p.dev), &netlink.Addr{IPNet: mine}))
	mustDo(t, "v6 default route", dut.h.RouteAdd(&netlink.Route{
		LinkIndex: dut.link(t, p.dev).Attrs().Index, Gw: gw.IP, Priority: 1024}))
	added := time.Now()

	d := waitFor(t, m, "IPv6 path usable", usableVia(p.dev))
	want := netip.MustParseAddr("2001:db8:99::2")
	if d.Path.Family != 6 || !slices.Equal(d.Path.Addrs, []netip.Addr{want}) || !d.PathRestored {
		t.Errorf("IPv6 path: %+v, Delta %+v", d.Path, flagsOf(d))
	}
	t.Logf("usable %v after the address was added (duplicate address detection)", time.Since(added))
}
