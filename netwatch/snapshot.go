package netwatch

import (
	"cmp"
	"net/netip"
	"slices"
	"time"
)

// Snapshot is the kernel's view of the network at one moment: every
// interface not ignored by [Options.Ignore], the default routes of the
// main table and, with an [Options.Target], the kernel's route to the
// target. A Snapshot is a value: the monitor never changes one after
// handing it out, and its slices are shared between the copies handed out,
// so callers must not modify them either.
type Snapshot struct {
	// At is when the snapshot was read. [Diff] ignores it.
	At time.Time
	// Interfaces are the interfaces, sorted by index.
	Interfaces []Interface
	// Routes are the unicast default routes (0.0.0.0/0 and ::/0) of the main
	// table, one per next hop, sorted by family, metric, interface and gateway.
	Routes []Route
	// RoutesUnknown is set where the platform gives no routing table (systems
	// other than Linux): the path in use is then the first usable interface.
	RoutesUnknown bool
	// Target is the address whose route decides the path in use
	// ([Options.Target]). It is the zero Addr without a target, where
	// routes are unknown, and when the target is an address of this device
	// (the server runs here: no link carries the session, so the default
	// routes decide, as without a target).
	Target netip.Addr
	// TargetRoute is the route the kernel uses to reach Target (as "ip
	// route get" answers): the outgoing interface, the gateway (zero when
	// the target is on the link), the metric of the routing entry that
	// matched. It is the zero Route when Target is zero or unreachable (no
	// route, or an unreachable, prohibit or blackhole route).
	TargetRoute Route
}

// Interface is one network interface.
type Interface struct {
	// Index is the kernel's interface index (ifindex), never 0.
	Index int
	// Name is the interface name ("eth0", "wlan0").
	Name string
	// Kind is the netlink link kind ("device" for a physical device, "veth",
	// "bridge", "wireguard"...); empty when the platform does not say.
	Kind string
	// Type is the network type of the interface (see the package doc).
	Type NetworkType
	// Loopback is set for a loopback interface.
	Loopback bool
	// Up is the administrative state (IFF_UP: "ip link set up").
	Up bool
	// Carrier is the physical link (IFF_LOWER_UP: a cable, an association).
	Carrier bool
	// Oper is the operational state.
	Oper OperState
	// Addrs are the interface's addresses usable beyond the link: global
	// (or site) scope, not tentative and not failed duplicate address
	// detection; sorted. Link-local and host addresses are left out.
	Addrs []netip.Prefix
}

// Route is one next hop of a default route.
type Route struct {
	// Family is 4 or 6.
	Family int
	// LinkIndex is the index of the outgoing interface.
	LinkIndex int
	// Gateway is the next hop; the zero Addr for a direct route (ppp).
	Gateway netip.Addr
	// Src is the preferred source address, when the route sets one.
	Src netip.Addr
	// Metric is the route's priority; lower is preferred.
	Metric int
	// Table is the routing table (254, main, on Linux).
	Table int
}

// Usable reports whether the interface can carry traffic beyond the link
// for family (4 or 6): up, with carrier, operationally up (or not reporting a
// state), and with an address of that family.
func (i Interface) Usable(family int) bool {
	if !i.Up || !i.Carrier || !i.Oper.passesPackets() {
		return false
	}
	return len(i.addrsOf(family)) > 0
}

// addrsOf returns the interface's addresses of family (4 or 6).
func (i Interface) addrsOf(family int) []netip.Addr {
	var out []netip.Addr
	for _, p := range i.Addrs {
		if familyOf(p.Addr()) == family {
			out = append(out, p.Addr())
		}
	}
	return out
}

// Interface returns the interface with index, and whether there is one.
func (s Snapshot) Interface(index int) (Interface, bool) {
	i, ok := slices.BinarySearchFunc(s.Interfaces, index, func(it Interface, idx int) int {
		return cmp.Compare(it.Index, idx)
	})
	if !ok {
		return Interface{}, false
	}
	return s.Interfaces[i], true
}

// Equal reports whether a and b describe the same network, ignoring At.
func (s Snapshot) Equal(o Snapshot) bool {
	return s.RoutesUnknown == o.RoutesUnknown &&
		slices.EqualFunc(s.Interfaces, o.Interfaces, Interface.Equal) &&
		slices.Equal(s.Routes, o.Routes) && s.sameTargetRoute(o)
}

// sameTargetRoute reports whether s and o have the same target and route
// to it.
func (s Snapshot) sameTargetRoute(o Snapshot) bool {
	return s.Target == o.Target && s.TargetRoute == o.TargetRoute
}

// Equal reports whether i and o are the same interface in the same state.
func (i Interface) Equal(o Interface) bool {
	return i.sameLink(o) && slices.Equal(i.Addrs, o.Addrs)
}

// sameLink reports whether i and o agree on everything but addresses.
func (i Interface) sameLink(o Interface) bool {
	return i.Index == o.Index && i.Name == o.Name && i.Kind == o.Kind &&
		i.Type == o.Type && i.Loopback == o.Loopback && i.Up == o.Up &&
		i.Carrier == o.Carrier && i.Oper == o.Oper
}

// normalize sorts the snapshot's slices into their documented order, so
// that snapshots read at different times compare equal when nothing changed.
func (s *Snapshot) normalize() {
	slices.SortFunc(s.Interfaces, func(a, b Interface) int { return cmp.Compare(a.Index, b.Index) })
	for i := range s.Interfaces {
		slices.SortFunc(s.Interfaces[i].Addrs, comparePrefix)
		s.Interfaces[i].Addrs = slices.Compact(s.Interfaces[i].Addrs)
	}
	slices.SortFunc(s.Routes, compareRoute)
	s.Routes = slices.Compact(s.Routes)
}

func comparePrefix(a, b netip.Prefix) int {
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c
	}
	return cmp.Compare(a.Bits(), b.Bits())
}

func compareRoute(a, b Route) int {
	return cmp.Or(
		cmp.Compare(a.Family, b.Family),
		cmp.Compare(a.Metric, b.Metric),
		cmp.Compare(a.LinkIndex, b.LinkIndex),
		a.Gateway.Compare(b.Gateway),
		a.Src.Compare(b.Src),
		cmp.Compare(a.Table, b.Table),
	)
}

// familyOf returns 4 or 6 for a valid address, 0 otherwise.
func familyOf(a netip.Addr) int {
	switch {
	case a.Is4() || a.Is4In6():
		return 4
	case a.Is6():
		return 6
	}
	return 0
}

// without returns s without the interfaces ignore selects, nor their
// default routes. The route to the target is kept as the kernel gave it:
// when it leaves through an ignored interface, there is no path.
func (s Snapshot) without(ignore func(Interface) bool) Snapshot {
	out := s
	out.Interfaces = nil
	dropped := map[int]bool{}
	for _, it := range s.Interfaces {
		if ignore(it) {
			dropped[it.Index] = true
			continue
		}
		out.Interfaces = append(out.Interfaces, it)
	}
	out.Routes = nil
	for _, r := range s.Routes {
		if !dropped[r.LinkIndex] {
			out.Routes = append(out.Routes, r)
		}
	}
	return out
}
