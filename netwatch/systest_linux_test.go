package netwatch

import (
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

// Helpers of the system tests: real namespaces, real veth pairs, the real
// netlink source. They need root and iproute2's ip (for named namespaces).

// requireSystem skips tb when it cannot run here, or fails it when
// EDGE_REQUIRE_SYSTEM_TESTS=1 says it must run.
func requireSystem(tb testing.TB) {
	tb.Helper()
	why := ""
	if os.Geteuid() != 0 {
		why = "needs root (network namespaces)"
	} else if _, err := exec.LookPath("ip"); err != nil {
		why = "needs ip (Debian package iproute2): " + err.Error()
	}
	if why == "" {
		return
	}
	if os.Getenv("EDGE_REQUIRE_SYSTEM_TESTS") == "1" {
		tb.Fatalf("system test cannot run: %s (EDGE_REQUIRE_SYSTEM_TESTS=1)", why)
	}
	tb.Skipf("system test skipped: %s", why)
}

var nsSeq atomic.Int64

// testNS is a named network namespace, deleted at cleanup.
type testNS struct {
	name string
	path string
	ns   netns.NsHandle
	h    *netlink.Handle
}

// newNS creates a namespace with a name unique to this process and test.
func newNS(tb testing.TB, role string) *testNS {
	tb.Helper()
	name := fmt.Sprintf("nwt%d-%d-%s", os.Getpid(), nsSeq.Add(1), role)
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		tb.Fatalf("ip netns add %s: %v: %s", name, err, out)
	}
	tb.Cleanup(func() {
		if out, err := exec.Command("ip", "netns", "del", name).CombinedOutput(); err != nil {
			tb.Errorf("ip netns del %s: %v: %s", name, err, out)
		}
	})
	ns, err := netns.GetFromName(name)
	if err != nil {
		tb.Fatalf("open namespace %s: %v", name, err)
	}
	tb.Cleanup(func() { ns.Close() })
	h, err := netlink.NewHandleAt(ns)
	if err != nil {
		tb.Fatalf("netlink handle in %s: %v", name, err)
	}
	tb.Cleanup(h.Close)
	return &testNS{name: name, path: filepath.Join("/run/netns", name), ns: ns, h: h}
}

// link returns the link named name in the namespace.
func (n *testNS) link(tb testing.TB, name string) netlink.Link {
	tb.Helper()
	l, err := n.h.LinkByName(name)
	if err != nil {
		tb.Fatalf("%s: link %s: %v", n.name, name, err)
	}
	return l
}

// vethPath is one path out of the device's namespace: dev (in dut) with
// 10.99.N.2/24, its peer (in peer) with 10.99.N.1/24, and a default route
// via 10.99.N.1 with a metric.
type vethPath struct {
	dut, peer     *testNS
	dev, peerDev  string
	addr, gateway *net.IPNet
	metric        int
}

// addPath creates the veth pair, addresses, links up, and the default route.
func addPath(tb testing.TB, dut, peer *testNS, n, metric int) *vethPath {
	tb.Helper()
	p := &vethPath{dut: dut, peer: peer, dev: fmt.Sprintf("eth%d", n), peerDev: fmt.Sprintf("p%d", n),
		addr:    &net.IPNet{IP: net.IPv4(10, 99, byte(n), 2), Mask: net.CIDRMask(24, 32)},
		gateway: &net.IPNet{IP: net.IPv4(10, 99, byte(n), 1), Mask: net.CIDRMask(24, 32)},
		metric:  metric}
	// The device gets index 100+n so that it differs from its peer's (2, 3
	// ... in the fresh peer namespace). The kernel's linkwatch treats a
	// carrier change of a stacked device (ifindex != iflink) as urgent;
	// otherwise it delays carrier-off notifications until 1 s after the
	// previous link event, as it does for a physical NIC that flaps. Equal
	// indexes would measure that kernel rate limit, not the monitor.
	veth := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: p.dev, Index: 100 + n}, PeerName: p.peerDev,
		PeerNamespace: netlink.NsFd(peer.ns)}
	if err := dut.h.LinkAdd(veth); err != nil {
		tb.Fatalf("add veth %s/%s: %v", p.dev, p.peerDev, err)
	}
	mustDo(tb, "address dev", dut.h.AddrAdd(dut.link(tb, p.dev), &netlink.Addr{IPNet: p.addr}))
	mustDo(tb, "address peer", peer.h.AddrAdd(peer.link(tb, p.peerDev), &netlink.Addr{IPNet: p.gateway}))
	mustDo(tb, "dev up", dut.h.LinkSetUp(dut.link(tb, p.dev)))
	mustDo(tb, "peer up", peer.h.LinkSetUp(peer.link(tb, p.peerDev)))
	p.addRoute(tb)
	return p
}

func (p *vethPath) route(tb testing.TB) *netlink.Route {
	return &netlink.Route{LinkIndex: p.dut.link(tb, p.dev).Attrs().Index, Gw: p.gateway.IP, Priority: p.metric}
}

func (p *vethPath) addRoute(tb testing.TB) {
	tb.Helper()
	mustDo(tb, "default route via "+p.dev, p.dut.h.RouteAdd(p.route(tb)))
}

func (p *vethPath) delRoute(tb testing.TB) {
	tb.Helper()
	mustDo(tb, "delete default route via "+p.dev, p.dut.h.RouteDel(p.route(tb)))
}

// peerDown takes the far end down: the device loses carrier (a cable pulled).
func (p *vethPath) peerDown(tb testing.TB) {
	mustDo(tb, "peer down", p.peer.h.LinkSetDown(p.peer.link(tb, p.peerDev)))
}

func (p *vethPath) peerUp(tb testing.TB) {
	mustDo(tb, "peer up", p.peer.h.LinkSetUp(p.peer.link(tb, p.peerDev)))
}

func (p *vethPath) devDown(tb testing.TB) {
	mustDo(tb, "dev down", p.dut.h.LinkSetDown(p.dut.link(tb, p.dev)))
}

func (p *vethPath) devUp(tb testing.TB) {
	mustDo(tb, "dev up", p.dut.h.LinkSetUp(p.dut.link(tb, p.dev)))
}

func mustDo(tb testing.TB, what string, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatalf("%s: %v", what, err)
	}
}

// startIn starts a monitor on the real netlink source of ns. SysRoot is an
// empty directory: the host's /sys does not show the namespace's links.
func startIn(tb testing.TB, ns *testNS, opts Options, wrap func(source) source) *Monitor {
	tb.Helper()
	opts.Namespace, opts.SysRoot = ns.path, tb.TempDir()
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(tbWriter{tb}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	m := New(opts)
	if wrap != nil {
		m.newSource = func(o Options, l *slog.Logger) (source, error) {
			s, err := newSource(o, l)
			if err != nil {
				return nil, err
			}
			return wrap(s), nil
		}
	}
	if err := m.Start(); err != nil {
		tb.Fatalf("Start: %v", err)
	}
	tb.Cleanup(func() {
		if err := m.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return m
}

type tbWriter struct{ tb testing.TB }

func (w tbWriter) Write(p []byte) (int, error) {
	w.tb.Log(string(p))
	return len(p), nil
}

// waitFor returns the first Delta satisfying ok, skipping intermediate
// ones, failing tb after waitTimeout.
func waitFor(tb testing.TB, m *Monitor, what string, ok func(Delta) bool) Delta {
	tb.Helper()
	deadline := time.NewTimer(waitTimeout)
	defer deadline.Stop()
	for {
		select {
		case d, open := <-m.Deltas():
			if !open {
				tb.Fatalf("waiting for %s: Deltas closed", what)
			}
			if ok(d) {
				return d
			}
			tb.Logf("waiting for %s: skipping Delta %+v", what, flagsOf(d))
		case <-deadline.C:
			tb.Fatalf("no Delta with %s within %v", what, waitTimeout)
		}
	}
}

// The predicates the system tests and benchmarks wait for.

func lost(d Delta) bool { return !d.Usable && d.Type == NetworkDisconnected }

func usableVia(dev string) func(Delta) bool {
	return func(d Delta) bool { return d.Usable && d.Path.Name == dev && d.Type == NetworkLAN }
}
