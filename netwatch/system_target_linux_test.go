package netwatch

import (
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// System tests of the path with a target: the kernel's own route lookups in
// a real namespace.

// addrOf converts a test address.
func addrOf(ipn *net.IPNet) netip.Addr {
	a, _ := netip.AddrFromSlice(ipn.IP.To4())
	return a
}

// isolatedLAN is a device with one link and no default route: the server
// (the peer's address) is on the link.
func isolatedLAN(t *testing.T) (*vethPath, netip.Addr) {
	t.Helper()
	requireSystem(t)
	dut, peer := newNS(t, "dut"), newNS(t, "peer")
	p := addPath(t, dut, peer, 0, 100)
	p.delRoute(t)
	return p, addrOf(p.gateway)
}

func TestSystem_TargetOnLinkWithoutDefaultRoute(t *testing.T) {
	p, server := isolatedLAN(t)
	m := startIn(t, p.dut, Options{Target: server}, nil)
	snap := m.Snapshot()
	path := snap.Path()
	if path.Name != p.dev || path.NetworkType() != NetworkLAN || path.Gateway.IsValid() || snap.Target != server {
		t.Fatalf("first snapshot: path %+v target %v, want %s LAN on-link to %v", path, snap.Target, p.dev, server)
	}
	if len(snap.Routes) != 0 {
		t.Fatalf("default routes %+v, want none", snap.Routes)
	}

	mustDo(t, "delete address", p.dut.h.AddrDel(p.dut.link(t, p.dev), &netlink.Addr{IPNet: p.addr}))
	d := waitFor(t, m, "path lost", lost)
	if !d.PathLost || !d.RoutesChanged || d.New.TargetRoute != (Route{}) {
		t.Errorf("address removed: Delta %+v, target route %+v", flagsOf(d), d.New.TargetRoute)
	}
	mustDo(t, "add address", p.dut.h.AddrAdd(p.dut.link(t, p.dev), &netlink.Addr{IPNet: p.addr}))
	d = waitFor(t, m, "path back", usableVia(p.dev))
	if !d.PathRestored {
		t.Errorf("address back: Delta %+v", flagsOf(d))
	}
}

// Without a target the same device has no path: that is what the target
// fixes.
func TestSystem_NoTargetNoDefaultRouteIsDisconnected(t *testing.T) {
	p, _ := isolatedLAN(t)
	m := startIn(t, p.dut, Options{}, nil)
	if path := m.Snapshot().Path(); path.Valid() {
		t.Fatalf("path %+v without a default route nor a target, want none", path)
	}
}

func TestSystem_TargetCarrierLostAndBack(t *testing.T) {
	p, server := isolatedLAN(t)
	m := startIn(t, p.dut, Options{Target: server}, nil)
	p.peerDown(t)
	waitFor(t, m, "path lost", lost)
	p.peerUp(t)
	waitFor(t, m, "path back", usableVia(p.dev))
}

// specificRoute routes 10.50.0.0/16 via p's gateway with metric.
func specificRoute(t *testing.T, p *vethPath, metric int) *netlink.Route {
	return &netlink.Route{Dst: &net.IPNet{IP: net.IPv4(10, 50, 0, 0), Mask: net.CIDRMask(16, 32)},
		LinkIndex: p.dut.link(t, p.dev).Attrs().Index, Gw: p.gateway.IP, Priority: metric}
}

// The target is behind a specific route on eth1 while the default route is
// on eth0; the specific route goes, and the path moves to the default route.
func TestSystem_TargetViaSpecificRoute(t *testing.T) {
	requireSystem(t)
	dut, peer := newNS(t, "dut"), newNS(t, "peer")
	def := addPath(t, dut, peer, 0, 100)
	lan := addPath(t, dut, peer, 1, 200)
	lan.delRoute(t)
	r := specificRoute(t, lan, 10)
	mustDo(t, "specific route", dut.h.RouteAdd(r))
	m := startIn(t, dut, Options{Target: netip.MustParseAddr("10.50.0.9")}, nil)
	path := m.Snapshot().Path()
	if path.Name != lan.dev || path.Gateway != addrOf(lan.gateway) || path.Metric != 10 {
		t.Fatalf("first path %+v, want %s via %v metric 10", path, lan.dev, lan.gateway.IP)
	}

	mustDo(t, "delete specific route", dut.h.RouteDel(r))
	d := waitFor(t, m, "path on the default route", usableVia(def.dev))
	if !d.PathChanged || !d.AddrChanged || d.Path.Metric != 100 || d.Path.Gateway != addrOf(def.gateway) {
		t.Errorf("route removed: Delta %+v, path %+v", flagsOf(d), d.Path)
	}
}

// A multipath route: the path is the next hop the kernel picks.
func TestSystem_TargetViaMultipathRoute(t *testing.T) {
	requireSystem(t)
	dut, peer := newNS(t, "dut"), newNS(t, "peer")
	a, b := addPath(t, dut, peer, 0, 100), addPath(t, dut, peer, 1, 200)
	a.delRoute(t)
	b.delRoute(t)
	r := specificRoute(t, a, 30)
	r.LinkIndex, r.Gw = 0, nil
	for _, p := range []*vethPath{a, b} {
		r.MultiPath = append(r.MultiPath, &netlink.NexthopInfo{LinkIndex: dut.link(t, p.dev).Attrs().Index, Gw: p.gateway.IP})
	}
	mustDo(t, "multipath route", dut.h.RouteAdd(r))
	m := startIn(t, dut, Options{Target: netip.MustParseAddr("10.50.0.9")}, nil)
	path := m.Snapshot().Path()
	viaA := path.Name == a.dev && path.Gateway == addrOf(a.gateway)
	viaB := path.Name == b.dev && path.Gateway == addrOf(b.gateway)
	if !viaA && !viaB || path.Metric != 30 {
		t.Fatalf("path %+v, want one of the next hops with metric 30", path)
	}
}

// A target of the device's own (loopback, or one of its addresses) is not
// followed: the default routes decide.
func TestSystem_TargetLocalFollowsDefaultRoutes(t *testing.T) {
	for _, target := range []string{"127.0.0.1", "10.99.0.2"} {
		t.Run(target, func(t *testing.T) {
			requireSystem(t)
			dut, peer := newNS(t, "dut"), newNS(t, "peer")
			mustDo(t, "lo up", dut.h.LinkSetUp(dut.link(t, "lo")))
			p := addPath(t, dut, peer, 0, 100)
			m := startIn(t, dut, Options{Target: netip.MustParseAddr(target)}, nil)
			if snap := m.Snapshot(); snap.Target.IsValid() || snap.Path().Name != p.dev {
				t.Fatalf("target %s: followed %+v, path %+v; want the default route", target, snap.TargetRoute, snap.Path())
			}
			p.delRoute(t)
			waitFor(t, m, "path lost with the default route", lost)
		})
	}
}

func TestSystem_TargetPollOnly(t *testing.T) {
	p, server := isolatedLAN(t)
	m := startIn(t, p.dut, Options{Target: server, PollOnly: true, PollInterval: 20 * time.Millisecond}, nil)
	if !m.Snapshot().Path().Valid() {
		t.Fatalf("no path to the on-link target: %+v", m.Snapshot())
	}
	p.peerDown(t)
	waitFor(t, m, "path lost", lost)
	p.peerUp(t)
	waitFor(t, m, "path back", usableVia(p.dev))
}

// Routes that reject the target (the kernel answers with an error, not a
// route) mean no path, not a failed read.
func TestSystem_TargetRejectRoutes(t *testing.T) {
	for _, typ := range []struct {
		name string
		typ  int
	}{{"unreachable", unix.RTN_UNREACHABLE}, {"prohibit", unix.RTN_PROHIBIT}, {"blackhole", unix.RTN_BLACKHOLE}} {
		t.Run(typ.name, func(t *testing.T) {
			requireSystem(t)
			dut, peer := newNS(t, "dut"), newNS(t, "peer")
			p := addPath(t, dut, peer, 0, 100)
			mustDo(t, typ.name+" route", dut.h.RouteAdd(&netlink.Route{Type: typ.typ,
				Dst: &net.IPNet{IP: net.IPv4(10, 50, 0, 0), Mask: net.CIDRMask(16, 32)}}))
			m := startIn(t, dut, Options{Target: netip.MustParseAddr("10.50.0.9")}, nil)
			if snap := m.Snapshot(); snap.Path().Valid() || !snap.Target.IsValid() || snap.TargetRoute != (Route{}) {
				t.Fatalf("%s route: path %+v, target route %+v; want none", typ.name, snap.Path(), snap.TargetRoute)
			}
			mustDo(t, "default route gone", dut.h.RouteDel(p.route(t)))
			waitFor(t, m, "the route change re-read", func(d Delta) bool { return d.RoutesChanged && !d.Usable })
		})
	}
}
