package netwatch

import (
	"testing"
)

// Pure tests of the path with a target: hand-built snapshots whose
// TargetRoute is what the kernel would have answered.

// server is the target of these tests: on eth0's subnet (192.168.1.0/24).
const server = "192.168.1.20"

// toTarget returns s following target over r; a zero r means unreachable.
func toTarget(s Snapshot, target string, r Route) Snapshot {
	s.Target, s.TargetRoute = ip(target), r
	return s
}

// onLink is the connected route of interface index: no gateway.
func onLink(index int) Route {
	return Route{Family: 4, LinkIndex: index, Metric: 0, Table: 254}
}

func TestSnapshotPath_Target(t *testing.T) {
	eth1 := upIf(5, "eth1", NetworkLAN, "172.16.0.2/24")
	tests := []struct {
		name        string
		snap        Snapshot
		wantName    string
		wantGateway string // "" for none
		wantMetric  int
	}{
		{name: "on-link target, no default route",
			snap: toTarget(snap([]Interface{eth0}), server, onLink(2)), wantName: "eth0"},
		{name: "target via a specific route, default route on another interface",
			snap: toTarget(snap([]Interface{eth1, wlan0}, route4(3, "10.0.0.1", 600)),
				"10.50.0.9", route4(5, "172.16.0.1", 20)),
			wantName: "eth1", wantGateway: "172.16.0.1", wantMetric: 20},
		{name: "target via the default route",
			snap:     toTarget(twoPaths, "203.0.113.7", route4(2, "192.168.1.1", 100)),
			wantName: "eth0", wantGateway: "192.168.1.1", wantMetric: 100},
		{name: "target unreachable although a default route is usable",
			snap: toTarget(twoPaths, "203.0.113.7", Route{})},
		{name: "target route through an interface without carrier",
			snap: toTarget(snap([]Interface{with(eth0, func(i *Interface) { i.Carrier = false })}), server, onLink(2))},
		{name: "target route through an interface without an address of the family",
			snap: toTarget(snap([]Interface{with(eth0, func(i *Interface) { i.Addrs = nil })}), server, onLink(2))},
		{name: "target route through an ignored (absent) interface",
			snap: toTarget(snap([]Interface{wlan0}, route4(3, "10.0.0.1", 600)), server, onLink(2))},
		{name: "routes unknown: the target is not followed",
			snap:     Snapshot{RoutesUnknown: true, Target: ip(server), Interfaces: []Interface{wlan0}},
			wantName: "wlan0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.snap.Path()
			gw := ""
			if p.Gateway.IsValid() {
				gw = p.Gateway.String()
			}
			if p.Name != tt.wantName || gw != tt.wantGateway || p.Metric != tt.wantMetric {
				t.Errorf("Path() = %q via %q metric %d, want %q via %q metric %d",
					p.Name, gw, p.Metric, tt.wantName, tt.wantGateway, tt.wantMetric)
			}
			if p.Valid() && (p.Family != 4 || len(p.Addrs) == 0) {
				t.Errorf("Path() = %+v, want family 4 with the interface's addresses", p)
			}
		})
	}
}

func TestDiff_Target(t *testing.T) {
	wlanOnly := snap([]Interface{eth0, wlan0}, route4(3, "10.0.0.1", 600))
	onEth := toTarget(wlanOnly, server, onLink(2))
	ethDown := with(eth0, func(i *Interface) { i.Carrier = false; i.Oper = OperDown })
	tests := []struct {
		name     string
		old, new Snapshot
		want     flags
	}{
		{
			name: "on-link target appears with no default route",
			old:  toTarget(snap(nil), server, Route{}),
			new:  toTarget(snap([]Interface{eth0}), server, onLink(2)),
			want: flags{Links: true, Addrs: true, Routes: true, Usable: true, PathChanged: true,
				Restored: true, TypeChanged: true, Path: "eth0", Type: NetworkLAN, Changed: "eth0"},
		},
		{
			name: "target route lost (address removed)",
			old:  toTarget(snap([]Interface{eth0}), server, onLink(2)),
			new:  toTarget(snap([]Interface{with(eth0, func(i *Interface) { i.Addrs = nil })}), server, Route{}),
			want: flags{Addrs: true, Routes: true, PathChanged: true, Lost: true, TypeChanged: true,
				Type: NetworkDisconnected, Changed: "eth0"},
		},
		{
			name: "carrier lost under the target route",
			old:  toTarget(snap([]Interface{eth0}), server, onLink(2)),
			new:  toTarget(snap([]Interface{ethDown}), server, onLink(2)),
			want: flags{Links: true, PathChanged: true, Lost: true, TypeChanged: true,
				Type: NetworkDisconnected, Changed: "eth0"},
		},
		{
			name: "the default route goes, the target stays on the link: nothing for the session",
			old:  toTarget(twoPaths, server, onLink(2)),
			new:  toTarget(snap([]Interface{eth0, wlan0}, route4(3, "10.0.0.1", 600)), server, onLink(2)),
			want: flags{Routes: true, Usable: true, Path: "eth0", Type: NetworkLAN},
		},
		{
			name: "target route fails over from ethernet to wifi",
			old:  onEth,
			new:  toTarget(snap([]Interface{ethDown, wlan0}, route4(3, "10.0.0.1", 600)), server, route4(3, "10.0.0.1", 600)),
			want: flags{Links: true, Routes: true, Usable: true, PathChanged: true, AddrChanged: true,
				TypeChanged: true, Path: "wlan0", Type: NetworkWiFi, Changed: "eth0"},
		},
		{
			name: "target route fails back to ethernet",
			old:  toTarget(wlanOnly, server, route4(3, "10.0.0.1", 600)),
			new:  onEth,
			want: flags{Routes: true, Usable: true, PathChanged: true, AddrChanged: true,
				TypeChanged: true, Path: "eth0", Type: NetworkLAN},
		},
		{
			name: "metric of the target route changed, same route",
			old:  toTarget(wlanOnly, "10.50.0.9", route4(3, "10.0.0.1", 600)),
			new:  toTarget(wlanOnly, "10.50.0.9", route4(3, "10.0.0.1", 50)),
			want: flags{Routes: true, Usable: true, Path: "wlan0", Type: NetworkWiFi},
		},
	}
	runDiffTable(t, tests)
}

func TestSnapshotEqual_Target(t *testing.T) {
	a := toTarget(twoPaths, server, onLink(2))
	tests := []struct {
		name string
		b    Snapshot
		want bool
	}{
		{name: "same", b: toTarget(twoPaths, server, onLink(2)), want: true},
		{name: "other route", b: toTarget(twoPaths, server, route4(2, "192.168.1.1", 100))},
		{name: "unreachable", b: toTarget(twoPaths, server, Route{})},
		{name: "no target", b: twoPaths},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := a.Equal(tt.b); got != tt.want {
				t.Errorf("Equal = %v, want %v", got, tt.want)
			}
		})
	}
}
