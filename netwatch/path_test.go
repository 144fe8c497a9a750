package netwatch

import (
	"slices"
	"testing"
)

func TestSnapshotPath_Selection(t *testing.T) {
	loUp := Interface{Index: 1, Name: "lo", Loopback: true, Up: true, Carrier: true,
		Oper: OperUnknown, Addrs: nil, Type: NetworkUnknown}
	tests := []struct {
		name       string
		snap       Snapshot
		wantName   string
		wantFamily int
		wantAddrs  []string
	}{
		{name: "lowest metric wins", snap: twoPaths, wantName: "eth0", wantFamily: 4,
			wantAddrs: []string{"192.168.1.10"}},
		{name: "no routes, no path", snap: snap([]Interface{eth0, wlan0})},
		{
			name:     "IPv4 preferred over an IPv6 route with a lower metric",
			snap:     snap([]Interface{eth0v6, wlan0}, route6(2, "fe80::1", 1), route4(3, "10.0.0.1", 600)),
			wantName: "wlan0", wantFamily: 4, wantAddrs: []string{"10.0.0.5"},
		},
		{
			name:     "IPv6 used when no IPv4 path is usable",
			snap:     snap([]Interface{eth0v6}, route6(2, "fe80::1", 1024)),
			wantName: "eth0", wantFamily: 6, wantAddrs: []string{"2001:db8::10"},
		},
		{
			name: "routes unknown: the first usable non-loopback interface",
			snap: Snapshot{RoutesUnknown: true, Interfaces: []Interface{loUp,
				with(eth0, func(i *Interface) { i.Carrier = false }), wlan0}},
			wantName: "wlan0", wantFamily: 4, wantAddrs: []string{"10.0.0.5"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.snap.Path()
			var addrs []string
			for _, a := range p.Addrs {
				addrs = append(addrs, a.String())
			}
			if p.Name != tt.wantName || p.Family != tt.wantFamily || !slices.Equal(addrs, tt.wantAddrs) {
				t.Errorf("Path() = %s family %d addrs %v, want %s family %d addrs %v",
					p.Name, p.Family, addrs, tt.wantName, tt.wantFamily, tt.wantAddrs)
			}
			if p.Valid() != (tt.wantName != "") {
				t.Errorf("Valid() = %v", p.Valid())
			}
		})
	}
}

func TestSnapshotWithout_DropsInterfacesAndTheirRoutes(t *testing.T) {
	s := twoPaths.without(func(i Interface) bool { return i.Name == "eth0" })
	if len(s.Interfaces) != 1 || s.Interfaces[0].Name != "wlan0" {
		t.Fatalf("interfaces = %+v, want only wlan0", s.Interfaces)
	}
	if len(s.Routes) != 1 || s.Routes[0].LinkIndex != 3 {
		t.Fatalf("routes = %+v, want only the route via wlan0", s.Routes)
	}
	if got := s.Path().Name; got != "wlan0" {
		t.Errorf("path = %q, want wlan0", got)
	}
	if len(twoPaths.Interfaces) != 2 || len(twoPaths.Routes) != 2 {
		t.Errorf("without changed its receiver")
	}
}

func TestSnapshotNormalize_SortsAndDeduplicates(t *testing.T) {
	s := Snapshot{
		Interfaces: []Interface{wlan0, with(eth0, func(i *Interface) {
			i.Addrs = append(i.Addrs, pfx("192.168.1.2/24"), pfx("192.168.1.10/24"))
		})},
		Routes: []Route{route4(3, "10.0.0.1", 600), route4(2, "192.168.1.1", 100), route4(3, "10.0.0.1", 600)},
	}
	s.normalize()
	if s.Interfaces[0].Name != "eth0" || len(s.Interfaces[0].Addrs) != 2 ||
		s.Interfaces[0].Addrs[0] != pfx("192.168.1.2/24") {
		t.Errorf("interfaces not sorted/deduplicated: %+v", s.Interfaces)
	}
	if len(s.Routes) != 2 || s.Routes[0].Metric != 100 {
		t.Errorf("routes not sorted/deduplicated: %+v", s.Routes)
	}
}
