package netwatch

import "net/netip"

// Path is the path in use: the interface of the preferred usable default
// route (see the package doc). The zero Path means there is none.
type Path struct {
	// Index is the interface index; 0 when there is no path.
	Index int
	// Name is the interface name.
	Name string
	// Type is the network type of the interface.
	Type NetworkType
	// Family is the family of the route, 4 or 6.
	Family int
	// Gateway is the route's next hop (zero for a direct route).
	Gateway netip.Addr
	// Metric is the route's metric.
	Metric int
	// Addrs are the interface's addresses of Family, sorted; the session's
	// local address is one of them.
	Addrs []netip.Addr
}

// Valid reports whether p is a path, i.e. whether a usable path exists.
func (p Path) Valid() bool { return p.Index != 0 }

// NetworkType is p's network type, DISCONNECTED when there is no path.
func (p Path) NetworkType() NetworkType {
	if !p.Valid() {
		return NetworkDisconnected
	}
	return p.Type
}

// sameRoute reports whether p and o leave through the same interface, family
// and gateway, whatever their metric or addresses.
func (p Path) sameRoute(o Path) bool {
	return p.Index == o.Index && p.Family == o.Family && p.Gateway == o.Gateway
}

// Path returns the path in use in s: the lowest-metric usable IPv4 default
// route, else the lowest-metric usable IPv6 one; the zero Path when none is
// usable.
func (s Snapshot) Path() Path {
	if s.RoutesUnknown {
		return s.firstUsableInterface()
	}
	for _, family := range []int{4, 6} {
		if p, ok := s.bestRoute(family); ok {
			return p
		}
	}
	return Path{}
}

// bestRoute returns the usable route of family with the lowest metric. Routes
// are sorted by family then metric, so the first usable one wins.
func (s Snapshot) bestRoute(family int) (Path, bool) {
	for _, r := range s.Routes {
		if r.Family != family {
			continue
		}
		it, ok := s.Interface(r.LinkIndex)
		if !ok || !it.Usable(family) {
			continue
		}
		return pathFor(it, family, r.Gateway, r.Metric), true
	}
	return Path{}, false
}

// firstUsableInterface is the path where routes are unknown: the first
// usable interface by index that is not loopback, IPv4 first.
func (s Snapshot) firstUsableInterface() Path {
	for _, family := range []int{4, 6} {
		for _, it := range s.Interfaces {
			if !it.Loopback && it.Usable(family) {
				return pathFor(it, family, netip.Addr{}, 0)
			}
		}
	}
	return Path{}
}

func pathFor(it Interface, family int, gw netip.Addr, metric int) Path {
	return Path{
		Index:   it.Index,
		Name:    it.Name,
		Type:    it.Type,
		Family:  family,
		Gateway: gw,
		Metric:  metric,
		Addrs:   it.addrsOf(family),
	}
}
