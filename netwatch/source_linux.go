package netwatch

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// maxDumpAttempts bounds the retries of a dump the kernel reports as
// interrupted (NLM_F_DUMP_INTR: the table changed while it was dumped).
// The change that interrupted it also sends a notification, so giving up
// after a few attempts only delays the truth to the next read.
const maxDumpAttempts = 4

// netlinkSource reads snapshots with netlink dumps and subscribes to
// link, address and route notifications, in one network namespace.
type netlinkSource struct {
	ns      netns.NsHandle // closed (None) for the process's namespace
	handle  *netlink.Handle
	sysRoot string
	log     *slog.Logger
	rcvbuf  int        // subscription socket buffer size; see watchReceiveBuffer
	target  netip.Addr // Options.Target; the zero Addr when none

	// types caches each interface's classification by index: sysfs is
	// read once per interface, not on every snapshot. Only read() uses it,
	// and the monitor never reads concurrently.
	types map[int]cachedType
}

type cachedType struct {
	name string
	typ  NetworkType
}

// newSource opens a netlink handle in the namespace of opts.
func newSource(opts Options, log *slog.Logger) (source, error) {
	s := &netlinkSource{ns: netns.None(), sysRoot: opts.SysRoot, log: log,
		rcvbuf: watchReceiveBuffer, target: opts.Target, types: map[int]cachedType{}}
	var err error
	if opts.Namespace != "" {
		if s.ns, err = netns.GetFromPath(opts.Namespace); err != nil {
			return nil, fmt.Errorf("open namespace %s: %w", opts.Namespace, err)
		}
		s.handle, err = netlink.NewHandleAt(s.ns, unix.NETLINK_ROUTE)
	} else {
		s.handle, err = netlink.NewHandle(unix.NETLINK_ROUTE)
	}
	if err != nil {
		s.ns.Close()
		return nil, fmt.Errorf("netlink handle: %w", err)
	}
	return s, nil
}

func (s *netlinkSource) close() error {
	s.handle.Close()
	if s.ns.IsOpen() {
		if err := s.ns.Close(); err != nil {
			return fmt.Errorf("close namespace: %w", err)
		}
	}
	return nil
}

// read dumps links, addresses and routes, and asks for the route to the
// target, retrying interrupted dumps.
func (s *netlinkSource) read() (Snapshot, error) {
	var err error
	for range maxDumpAttempts {
		var snap Snapshot
		if snap, err = s.readOnce(); err == nil {
			return snap, nil
		}
		if !errors.Is(err, netlink.ErrDumpInterrupted) {
			break
		}
	}
	return Snapshot{}, err
}

func (s *netlinkSource) readOnce() (Snapshot, error) {
	links, err := s.handle.LinkList()
	if err != nil {
		return Snapshot{}, fmt.Errorf("netlink list links: %w", err)
	}
	addrs, err := s.handle.AddrList(nil, netlink.FAMILY_ALL)
	if err != nil {
		return Snapshot{}, fmt.Errorf("netlink list addresses: %w", err)
	}
	routes, err := s.handle.RouteListFiltered(netlink.FAMILY_ALL,
		&netlink.Route{Table: unix.RT_TABLE_MAIN}, netlink.RT_FILTER_TABLE)
	if err != nil {
		return Snapshot{}, fmt.Errorf("netlink list routes: %w", err)
	}
	snap := Snapshot{Interfaces: s.interfaces(links, addrs), Routes: defaultRoutes(routes)}
	if err := s.addTarget(&snap); err != nil {
		return Snapshot{}, err
	}
	snap.normalize()
	return snap, nil
}

// interfaces converts links and attaches their usable addresses.
func (s *netlinkSource) interfaces(links []netlink.Link, addrs []netlink.Addr) []Interface {
	byIndex := map[int][]netip.Prefix{}
	for _, a := range addrs {
		if p, ok := usablePrefix(a); ok {
			byIndex[a.LinkIndex] = append(byIndex[a.LinkIndex], p)
		}
	}
	out := make([]Interface, 0, len(links))
	seen := map[int]bool{}
	for _, l := range links {
		it := s.toInterface(l)
		it.Addrs = byIndex[it.Index]
		out = append(out, it)
		seen[it.Index] = true
	}
	for idx := range s.types {
		if !seen[idx] {
			delete(s.types, idx)
		}
	}
	return out
}

func (s *netlinkSource) toInterface(l netlink.Link) Interface {
	a := l.Attrs()
	it := Interface{
		Index:    a.Index,
		Name:     a.Name,
		Kind:     l.Type(),
		Loopback: a.Flags&net.FlagLoopback != 0,
		Up:       a.Flags&net.FlagUp != 0,
		Carrier:  a.RawFlags&unix.IFF_LOWER_UP != 0,
		Oper:     OperState(a.OperState),
	}
	it.Type = s.typeOf(it, a.EncapType)
	return it
}

// typeOf classifies an interface, reading sysfs once per index and name.
func (s *netlinkSource) typeOf(it Interface, encap string) NetworkType {
	if c, ok := s.types[it.Index]; ok && c.name == it.Name {
		return c.typ
	}
	f := linkFacts{Name: it.Name, Kind: it.Kind, Encap: encap, Loopback: it.Loopback}
	if !f.Loopback {
		if err := readSysfs(s.sysRoot, &f); err != nil {
			s.log.Debug("classify: sysfs incomplete", "interface", it.Name, "err", err)
		}
	}
	t := classify(f)
	s.types[it.Index] = cachedType{name: it.Name, typ: t}
	return t
}

// usablePrefix converts an address usable beyond its link: global or site
// scope, not tentative (duplicate address detection running), not failed.
func usablePrefix(a netlink.Addr) (netip.Prefix, bool) {
	if a.IPNet == nil || a.Scope >= unix.RT_SCOPE_LINK {
		return netip.Prefix{}, false
	}
	if a.Flags&(unix.IFA_F_TENTATIVE|unix.IFA_F_DADFAILED) != 0 {
		return netip.Prefix{}, false
	}
	ip, ok := netip.AddrFromSlice(a.IP)
	if !ok {
		return netip.Prefix{}, false
	}
	ones, _ := a.Mask.Size()
	return netip.PrefixFrom(ip.Unmap(), ones), true
}

// defaultRoutes keeps the unicast default routes, one Route per next hop.
func defaultRoutes(routes []netlink.Route) []Route {
	var out []Route
	for _, r := range routes {
		fam := routeFamily(r.Family)
		if fam == 0 || r.Type != unix.RTN_UNICAST || !isDefault(r.Dst) {
			continue
		}
		base := Route{Family: fam, Src: toAddr(r.Src), Metric: r.Priority, Table: r.Table}
		if len(r.MultiPath) == 0 {
			base.LinkIndex, base.Gateway = r.LinkIndex, toAddr(r.Gw)
			out = append(out, base)
			continue
		}
		for _, nh := range r.MultiPath {
			hop := base
			hop.LinkIndex, hop.Gateway = nh.LinkIndex, toAddr(nh.Gw)
			out = append(out, hop)
		}
	}
	return out
}

func routeFamily(f int) int {
	switch f {
	case unix.AF_INET:
		return 4
	case unix.AF_INET6:
		return 6
	}
	return 0
}

// isDefault reports whether dst is a default destination (absent or /0).
func isDefault(dst *net.IPNet) bool {
	if dst == nil {
		return true
	}
	ones, _ := dst.Mask.Size()
	return ones == 0
}

// toAddr converts an IP, the zero Addr for nil or invalid.
func toAddr(ip net.IP) netip.Addr {
	a, ok := netip.AddrFromSlice(ip)
	if !ok {
		return netip.Addr{}
	}
	return a.Unmap()
}
