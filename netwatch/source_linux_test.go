package netwatch

import (
	"net"
	"testing"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// TestNetlinkSource_HostNamespaceUnprivileged reads and subscribes in the
// process's own namespace: it needs no root, which is the point.
func TestNetlinkSource_HostNamespaceUnprivileged(t *testing.T) {
	m := New(Options{Ignore: func(Interface) bool { return false }})
	if err := m.Start(); err != nil {
		t.Fatalf("Start in the host namespace: %v", err)
	}
	defer func() {
		if err := m.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	}()
	snap := m.Snapshot()
	var lo *Interface
	for i := range snap.Interfaces {
		if snap.Interfaces[i].Loopback {
			lo = &snap.Interfaces[i]
		}
	}
	if lo == nil || lo.Name != "lo" || !lo.Up || lo.Type != NetworkUnknown {
		t.Errorf("loopback not found as expected in %+v", snap.Interfaces)
	}
	for _, r := range snap.Routes {
		if r.Family != 4 && r.Family != 6 || r.Table != 254 {
			t.Errorf("unexpected route %+v", r)
		}
	}
	t.Logf("host path: %+v", snap.Path())
}

func TestDefaultRoutes_KeepsOnlyUnicastDefaults(t *testing.T) {
	// The pure part of the conversion, with netlink's own types.
	tests := []struct {
		name string
		fam  int
		dst  string
		typ  int
		want int
	}{
		{name: "v4 default, no Dst", fam: 2, typ: 1, want: 1},
		{name: "v4 default as 0.0.0.0/0", fam: 2, dst: "0.0.0.0/0", typ: 1, want: 1},
		{name: "v4 subnet", fam: 2, dst: "10.0.0.0/8", typ: 1, want: 0},
		{name: "v6 default", fam: 10, dst: "::/0", typ: 1, want: 1},
		{name: "unreachable default", fam: 2, typ: 7, want: 0},
		{name: "mpls", fam: 28, typ: 1, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := len(defaultRoutes([]netlink.Route{testRoute(t, tt.fam, tt.dst, tt.typ)})); got != tt.want {
				t.Errorf("kept %d routes, want %d", got, tt.want)
			}
		})
	}
}

func testRoute(t *testing.T, family int, dst string, typ int) netlink.Route {
	t.Helper()
	r := netlink.Route{Family: family, Type: typ, LinkIndex: 2, Table: 254}
	if dst != "" {
		_, n, err := net.ParseCIDR(dst)
		if err != nil {
			t.Fatal(err)
		}
		r.Dst = n
	}
	return r
}

func TestDefaultRoutes_ExpandsMultipath(t *testing.T) {
	r := netlink.Route{Family: 2, Type: 1, Table: 254, Priority: 10, MultiPath: []*netlink.NexthopInfo{
		{LinkIndex: 2, Gw: net.IPv4(10, 0, 0, 1)}, {LinkIndex: 3, Gw: net.IPv4(10, 0, 1, 1)}}}
	got := defaultRoutes([]netlink.Route{r})
	if len(got) != 2 || got[0].LinkIndex != 2 || got[1].Gateway != ip("10.0.1.1") || got[1].Metric != 10 {
		t.Errorf("multipath expanded to %+v", got)
	}
}

func TestUsablePrefix(t *testing.T) {
	cidr := func(s string) *net.IPNet {
		a, n, err := net.ParseCIDR(s)
		if err != nil {
			t.Fatal(err)
		}
		n.IP = a
		return n
	}
	tests := []struct {
		name string
		addr netlink.Addr
		want string // "" when not usable
	}{
		{name: "global v4", addr: netlink.Addr{IPNet: cidr("192.0.2.5/24")}, want: "192.0.2.5/24"},
		{name: "global v4 as 16 bytes", addr: netlink.Addr{IPNet: &net.IPNet{IP: net.ParseIP("192.0.2.5"),
			Mask: net.CIDRMask(24, 32)}}, want: "192.0.2.5/24"},
		{name: "global v6", addr: netlink.Addr{IPNet: cidr("2001:db8::5/64")}, want: "2001:db8::5/64"},
		{name: "link-local v6", addr: netlink.Addr{IPNet: cidr("fe80::1/64"), Scope: unix.RT_SCOPE_LINK}},
		{name: "host scope", addr: netlink.Addr{IPNet: cidr("127.0.0.1/8"), Scope: unix.RT_SCOPE_HOST}},
		{name: "tentative (DAD running)", addr: netlink.Addr{IPNet: cidr("2001:db8::6/64"), Flags: unix.IFA_F_TENTATIVE}},
		{name: "DAD failed", addr: netlink.Addr{IPNet: cidr("2001:db8::7/64"), Flags: unix.IFA_F_DADFAILED}},
		{name: "deprecated is still usable", addr: netlink.Addr{IPNet: cidr("2001:db8::8/64"), Flags: unix.IFA_F_DEPRECATED},
			want: "2001:db8::8/64"},
		{name: "no address", addr: netlink.Addr{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ok := usablePrefix(tt.addr)
			got := ""
			if ok {
				got = p.String()
			}
			if got != tt.want {
				t.Errorf("usablePrefix = %q, want %q", got, tt.want)
			}
		})
	}
}
