//go:build !linux

package netwatch

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
)

// pollSource reads interfaces from the standard library where there is no
// netlink. It sees no routes (Snapshot.RoutesUnknown), no carrier other
// than the running flag, and classifies by name only. It exists so that
// the agent builds and runs on a developer's machine.
type pollSource struct{}

func newSource(opts Options, _ *slog.Logger) (source, error) {
	if opts.Namespace != "" {
		return nil, errors.New("network namespaces are supported on Linux only")
	}
	return pollSource{}, nil
}

func (pollSource) watch(func(error)) (watcher, error) { return nil, errWatchUnsupported }

func (pollSource) close() error { return nil }

func (pollSource) read() (Snapshot, error) {
	ifs, err := net.Interfaces()
	if err != nil {
		return Snapshot{}, fmt.Errorf("list interfaces: %w", err)
	}
	snap := Snapshot{RoutesUnknown: true}
	for _, ni := range ifs {
		it, err := fromNetInterface(ni)
		if err != nil {
			return Snapshot{}, err
		}
		snap.Interfaces = append(snap.Interfaces, it)
	}
	snap.normalize()
	return snap, nil
}

func fromNetInterface(ni net.Interface) (Interface, error) {
	running := ni.Flags&net.FlagRunning != 0
	it := Interface{
		Index:    ni.Index,
		Name:     ni.Name,
		Loopback: ni.Flags&net.FlagLoopback != 0,
		Up:       ni.Flags&net.FlagUp != 0,
		Carrier:  running,
		Oper:     OperDown,
	}
	if running {
		it.Oper = OperUp
	}
	it.Type = classify(linkFacts{Name: ni.Name, Loopback: it.Loopback})
	addrs, err := ni.Addrs()
	if err != nil {
		return Interface{}, fmt.Errorf("list addresses of %s: %w", ni.Name, err)
	}
	for _, a := range addrs {
		if p, ok := globalPrefix(a); ok {
			it.Addrs = append(it.Addrs, p)
		}
	}
	return it, nil
}

// globalPrefix converts an address usable beyond its link.
func globalPrefix(a net.Addr) (netip.Prefix, bool) {
	ipn, ok := a.(*net.IPNet)
	if !ok {
		return netip.Prefix{}, false
	}
	ip, ok := netip.AddrFromSlice(ipn.IP)
	if !ok || !ip.Unmap().IsGlobalUnicast() {
		return netip.Prefix{}, false
	}
	ones, _ := ipn.Mask.Size()
	return netip.PrefixFrom(ip.Unmap(), ones), true
}
