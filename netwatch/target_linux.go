package netwatch

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// addTarget records in snap the kernel's route to the source's target, if
// it has one. A target that is an address of this device (a local route) is
// left out: no link carries the session, so the default routes decide.
func (s *netlinkSource) addTarget(snap *Snapshot) error {
	if !s.target.IsValid() {
		return nil
	}
	r, local, err := s.routeTo(s.target)
	if err != nil || local {
		return err
	}
	snap.Target, snap.TargetRoute = s.target, r
	return nil
}

// routeTo asks the kernel which route it uses to reach dst, as "ip route
// get fibmatch" does: the routing entry that matches (its metric, gateway,
// interface). For a multipath entry, a second question gives the next hop
// the kernel picks for dst ("ip route get" without fibmatch). The zero
// Route, without error, means dst is unreachable; local reports a route to
// an address of this device.
func (s *netlinkSource) routeTo(dst netip.Addr) (r Route, local bool, err error) {
	fib, ok, err := s.getRoute(dst, true)
	if err != nil || !ok {
		return Route{}, false, err
	}
	if fib.Type == unix.RTN_LOCAL {
		return Route{}, true, nil
	}
	r = Route{Family: familyOf(dst), LinkIndex: fib.LinkIndex, Gateway: toAddr(fib.Gw),
		Src: toAddr(fib.Src), Metric: fib.Priority, Table: fib.Table}
	if len(fib.MultiPath) == 0 {
		return r, false, nil
	}
	hop, ok, err := s.getRoute(dst, false)
	if err != nil || !ok {
		return Route{}, false, err
	}
	r.LinkIndex, r.Gateway = hop.LinkIndex, toAddr(hop.Gw)
	return r, false, nil
}

// getRoute sends one RTM_GETROUTE for dst on the source's handle (so in the
// monitored namespace). ok is false, without error, when the kernel says
// dst is unreachable.
func (s *netlinkSource) getRoute(dst netip.Addr, fibMatch bool) (r netlink.Route, ok bool, err error) {
	routes, err := s.handle.RouteGetWithOptions(dst.AsSlice(), &netlink.RouteGetOptions{FIBMatch: fibMatch})
	switch {
	case isUnreachable(err):
		return netlink.Route{}, false, nil
	case err != nil:
		return netlink.Route{}, false, fmt.Errorf("netlink route get %s: %w", dst, err)
	case len(routes) == 0:
		return netlink.Route{}, false, fmt.Errorf("netlink route get %s: empty answer", dst)
	}
	return routes[0], true, nil
}

// isUnreachable reports whether a route lookup failed because the kernel
// has no usable route: ENETUNREACH when no route matches, EHOSTUNREACH for
// an unreachable route, EACCES for a prohibit route, EINVAL for a
// blackhole route (the request itself, built by the library from a valid
// address, is not what EINVAL refers to).
func isUnreachable(err error) bool {
	for _, errno := range []unix.Errno{unix.ENETUNREACH, unix.EHOSTUNREACH, unix.EACCES, unix.EINVAL} {
		if errors.Is(err, errno) {
			return true
		}
	}
	return false
}
