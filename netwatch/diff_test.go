package netwatch

import (
	"net/netip"
	"strings"
	"testing"
	"time"
)

// flags is the part of a Delta the table tests check.
type flags struct {
	Links, Addrs, Routes             bool
	Usable, PathChanged, AddrChanged bool
	Lost, Restored, TypeChanged      bool
	Path                             string // name of the path in use
	Type                             NetworkType
	Changed                          string // ChangedInterfaces, joined by ","
}

func flagsOf(d Delta) flags {
	return flags{
		Links: d.LinksChanged, Addrs: d.AddrsChanged, Routes: d.RoutesChanged,
		Usable: d.Usable, PathChanged: d.PathChanged, AddrChanged: d.AddrChanged,
		Lost: d.PathLost, Restored: d.PathRestored, TypeChanged: d.TypeChanged,
		Path: d.Path.Name, Type: d.Type, Changed: strings.Join(d.ChangedInterfaces, ","),
	}
}

func equalFlags(a, b flags) bool { return a == b }

func TestDiff_LinkEvents(t *testing.T) {
	one := snap([]Interface{eth0}, route4(2, "192.168.1.1", 100))
	tests := []struct {
		name     string
		old, new Snapshot
		want     flags
	}{
		{
			name: "no change", old: one, new: one,
			want: flags{Usable: true, Path: "eth0", Type: NetworkLAN},
		},
		{
			name: "carrier lost on the only path",
			old:  one,
			new: snap([]Interface{with(eth0, func(i *Interface) { i.Carrier = false; i.Oper = OperDown })},
				route4(2, "192.168.1.1", 100)),
			want: flags{Links: true, PathChanged: true, Lost: true, TypeChanged: true,
				Type: NetworkDisconnected, Changed: "eth0"},
		},
		{
			name: "link set down removes the link and its routes",
			old:  one,
			new:  snap([]Interface{with(eth0, func(i *Interface) { i.Up, i.Carrier, i.Oper = false, false, OperDown })}),
			want: flags{Links: true, Routes: true, PathChanged: true, Lost: true, TypeChanged: true,
				Type: NetworkDisconnected, Changed: "eth0"},
		},
		{
			name: "address removed",
			old:  one,
			new:  snap([]Interface{with(eth0, func(i *Interface) { i.Addrs = nil })}, route4(2, "192.168.1.1", 100)),
			want: flags{Addrs: true, PathChanged: true, Lost: true, TypeChanged: true,
				Type: NetworkDisconnected, Changed: "eth0"},
		},
		{
			name: "default route removed",
			old:  one,
			new:  snap([]Interface{eth0}),
			want: flags{Routes: true, PathChanged: true, Lost: true, TypeChanged: true,
				Type: NetworkDisconnected},
		},
		{
			name: "carrier back",
			old: snap([]Interface{with(eth0, func(i *Interface) { i.Carrier = false; i.Oper = OperDown })},
				route4(2, "192.168.1.1", 100)),
			new: one,
			want: flags{Links: true, Usable: true, PathChanged: true, Restored: true, TypeChanged: true,
				Path: "eth0", Type: NetworkLAN, Changed: "eth0"},
		},
		{
			name: "wifi dormant (associating) is not usable",
			old:  snap([]Interface{wlan0}, route4(3, "10.0.0.1", 600)),
			new: snap([]Interface{with(wlan0, func(i *Interface) { i.Oper = OperDormant })},
				route4(3, "10.0.0.1", 600)),
			want: flags{Links: true, PathChanged: true, Lost: true, TypeChanged: true,
				Type: NetworkDisconnected, Changed: "wlan0"},
		},
		{
			name: "ppp with unknown oper state is usable",
			old:  snap(nil),
			new: snap([]Interface{{Index: 9, Name: "ppp0", Kind: "ppp", Type: NetworkMobile3G,
				Up: true, Carrier: true, Oper: OperUnknown, Addrs: []netip.Prefix{pfx("100.70.1.1/32")}}},
				Route{Family: 4, LinkIndex: 9, Metric: 0, Table: 254}),
			want: flags{Links: true, Addrs: true, Routes: true, Usable: true, PathChanged: true,
				Restored: true, TypeChanged: true, Path: "ppp0", Type: NetworkMobile3G, Changed: "ppp0"},
		},
	}
	runDiffTable(t, tests)
}

func TestDiff_Failover(t *testing.T) {
	ethDown := with(eth0, func(i *Interface) { i.Carrier = false; i.Oper = OperDown })
	eth1 := upIf(5, "eth1", NetworkLAN, "172.16.0.2/24")
	tests := []struct {
		name     string
		old, new Snapshot
		want     flags
	}{
		{
			name: "ethernet lost, wifi remains",
			old:  twoPaths,
			new: snap([]Interface{ethDown, wlan0},
				route4(2, "192.168.1.1", 100), route4(3, "10.0.0.1", 600)),
			want: flags{Links: true, Usable: true, PathChanged: true, AddrChanged: true, TypeChanged: true,
				Path: "wlan0", Type: NetworkWiFi, Changed: "eth0"},
		},
		{
			name: "ethernet back takes over from wifi",
			old: snap([]Interface{ethDown, wlan0},
				route4(2, "192.168.1.1", 100), route4(3, "10.0.0.1", 600)),
			new: twoPaths,
			want: flags{Links: true, Usable: true, PathChanged: true, AddrChanged: true, TypeChanged: true,
				Path: "eth0", Type: NetworkLAN, Changed: "eth0"},
		},
		{
			name: "failover between two wired paths keeps the type",
			old:  snap([]Interface{eth0, eth1}, route4(2, "192.168.1.1", 100), route4(5, "172.16.0.1", 200)),
			new:  snap([]Interface{ethDown, eth1}, route4(2, "192.168.1.1", 100), route4(5, "172.16.0.1", 200)),
			want: flags{Links: true, Usable: true, PathChanged: true, AddrChanged: true,
				Path: "eth1", Type: NetworkLAN, Changed: "eth0"},
		},
		{
			name: "a backup path dies: nothing changes for the session",
			old:  twoPaths,
			new: snap([]Interface{eth0, with(wlan0, func(i *Interface) { i.Carrier = false })},
				route4(2, "192.168.1.1", 100), route4(3, "10.0.0.1", 600)),
			want: flags{Links: true, Usable: true, Path: "eth0", Type: NetworkLAN, Changed: "wlan0"},
		},
		{
			name: "metrics swapped: the path moves",
			old:  twoPaths,
			new:  snap([]Interface{eth0, wlan0}, route4(2, "192.168.1.1", 700), route4(3, "10.0.0.1", 600)),
			want: flags{Routes: true, Usable: true, PathChanged: true, AddrChanged: true, TypeChanged: true,
				Path: "wlan0", Type: NetworkWiFi},
		},
		{
			name: "mobile backup when both others are gone",
			old:  snap([]Interface{eth0, wwan0}, route4(2, "192.168.1.1", 100), route4(4, "100.64.1.1", 700)),
			new:  snap([]Interface{ethDown, wwan0}, route4(2, "192.168.1.1", 100), route4(4, "100.64.1.1", 700)),
			want: flags{Links: true, Usable: true, PathChanged: true, AddrChanged: true, TypeChanged: true,
				Path: "wwan0", Type: NetworkMobile4G, Changed: "eth0"},
		},
	}
	runDiffTable(t, tests)
}

func TestDiff_AddressesAndRoutes(t *testing.T) {
	one := snap([]Interface{eth0}, route4(2, "192.168.1.1", 100))
	tests := []struct {
		name     string
		old, new Snapshot
		want     flags
	}{
		{
			name: "renumbered on the same interface",
			old:  one,
			new: snap([]Interface{with(eth0, func(i *Interface) { i.Addrs[0] = pfx("192.168.1.77/24") })},
				route4(2, "192.168.1.1", 100)),
			want: flags{Addrs: true, Usable: true, AddrChanged: true, Path: "eth0", Type: NetworkLAN,
				Changed: "eth0"},
		},
		{
			name: "new gateway, same address",
			old:  one,
			new:  snap([]Interface{eth0}, route4(2, "192.168.1.254", 100)),
			want: flags{Routes: true, Usable: true, PathChanged: true, Path: "eth0", Type: NetworkLAN},
		},
		{
			name: "metric changed, same route",
			old:  one,
			new:  snap([]Interface{eth0}, route4(2, "192.168.1.1", 50)),
			want: flags{Routes: true, Usable: true, Path: "eth0", Type: NetworkLAN},
		},
		{
			name: "an IPv6 address on the path does not change the IPv4 path",
			old:  one,
			new: snap([]Interface{with(eth0, func(i *Interface) { i.Addrs = append(i.Addrs, pfx("2001:db8::1/64")) })},
				route4(2, "192.168.1.1", 100)),
			want: flags{Addrs: true, Usable: true, Path: "eth0", Type: NetworkLAN, Changed: "eth0"},
		},
		{
			name: "IPv4 lost, IPv6 remains: the path changes family and address",
			old: snap([]Interface{with(eth0, func(i *Interface) { i.Addrs = append(i.Addrs, pfx("2001:db8::10/64")) })},
				route4(2, "192.168.1.1", 100), route6(2, "fe80::1", 1024)),
			new: snap([]Interface{eth0v6}, route6(2, "fe80::1", 1024)),
			want: flags{Addrs: true, Routes: true, Usable: true, PathChanged: true, AddrChanged: true,
				Path: "eth0", Type: NetworkLAN, Changed: "eth0"},
		},
		{
			name: "a default route through an interface without an IPv4 address is not usable",
			old:  snap(nil),
			new:  snap([]Interface{eth0v6}, route4(2, "192.168.1.1", 100)),
			want: flags{Links: true, Addrs: true, Routes: true, Type: NetworkDisconnected,
				Changed: "eth0"},
		},
		{
			name: "a route through an unknown interface is not usable",
			old:  snap(nil),
			new:  snap(nil, route4(42, "192.168.1.1", 100)),
			want: flags{Routes: true, Type: NetworkDisconnected},
		},
		{
			name: "an unrelated interface appears",
			old:  one,
			new: snap([]Interface{eth0, upIf(7, "docker0", NetworkLAN, "172.17.0.1/16")},
				route4(2, "192.168.1.1", 100)),
			want: flags{Links: true, Addrs: true, Usable: true, Path: "eth0", Type: NetworkLAN,
				Changed: "docker0"},
		},
		{
			name: "an interface disappears, reported by its old name",
			old:  snap([]Interface{eth0, upIf(7, "docker0", NetworkLAN)}, route4(2, "192.168.1.1", 100)),
			new:  one,
			want: flags{Links: true, Usable: true, Path: "eth0", Type: NetworkLAN, Changed: "docker0"},
		},
	}
	runDiffTable(t, tests)
}

func runDiffTable(t *testing.T, tests []struct {
	name     string
	old, new Snapshot
	want     flags
}) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Diff(tt.old, tt.new)
			if got := flagsOf(d); !equalFlags(got, tt.want) {
				t.Errorf("Diff:\n got %+v\nwant %+v", got, tt.want)
			}
			wantChanged := !equalFlags(tt.want, flagsOf(Diff(tt.old, tt.old)))
			if d.Changed() != wantChanged {
				t.Errorf("Changed() = %v, want %v", d.Changed(), wantChanged)
			}
		})
	}
}

func TestDiff_IgnoresTimestampsAndKeepsSnapshots(t *testing.T) {
	a, b := twoPaths, twoPaths
	a.At, b.At = time.Unix(1, 0), time.Unix(2, 0)
	d := Diff(a, b)
	if d.Changed() {
		t.Fatalf("Diff of snapshots differing only in At reports a change: %+v", flagsOf(d))
	}
	if !d.Old.At.Equal(a.At) || !d.New.At.Equal(b.At) {
		t.Errorf("Diff does not carry Old and New")
	}
}

func TestDiff_TimeJumpAloneIsAChange(t *testing.T) {
	d := Diff(twoPaths, twoPaths)
	d.TimeJumped = true
	if !d.Changed() {
		t.Errorf("a Delta with only TimeJumped set reports no change")
	}
}
