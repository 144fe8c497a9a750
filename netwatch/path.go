package netwatch

import "net/netip"

// Path is the path in use: the interface of the kernel's route to the
// target, or of the preferred usable default route without a target (see
// the package doc). The zero Path means there is none.
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

// Path returns the path in use in s. With a target, it is the route to the
// target when its interface is usable. Without one, it is the lowest-metric
// usable IPv4 default route, else the lowest-metric usable IPv6 one. It is
// the zero Path when there is none.
func (s Snapshot) Path() Path {
	switch {
	case s.RoutesUnknown:
		return s.firstUsableInterface()
	case s.Target.IsValid():
		return s.targetPath()
	}
	for _, family := range []int{4, 6} {
		if p, ok := s.bestRoute(family); ok {
			return p
		}
	}
	return Path{}
}

// targetPath is the path of the route to the target: none when the target
// is unreachable or the route's interface is not usable. The kernel's
// answer is not second-guessed: a route through an interface without
// carrier is still the one the kernel uses (unless
// ignore_routes_with_linkdown is set, or a network manager removes it), so
// the session has no path until the route moves.
func (s Snapshot) targetPath() Path {
	r := s.TargetRoute
	it, ok := s.Interface(r.LinkIndex)
	if !ok || !it.Usable(r.Family) {
		return Path{}
	}
	return pathFor(it, r.Family, r.Gateway, r.Metric)
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
