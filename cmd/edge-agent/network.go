package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"time"

	"github.com/edge-agent/edge-agent/agent"
	"github.com/edge-agent/edge-agent/netwatch"
)

// linkDoc is one interface in the state document.
type linkDoc struct {
	Name    string   `json:"name"`
	Type    string   `json:"type"`
	Up      bool     `json:"up"`
	Carrier bool     `json:"carrier"`
	Oper    string   `json:"oper"`
	Addrs   []string `json:"addrs"`
	InUse   bool     `json:"in_use,omitempty"`
}

// linksDoc renders the kernel's view for the state document.
func linksDoc(s netwatch.Snapshot) []linkDoc {
	path := s.Path()
	out := make([]linkDoc, 0, len(s.Interfaces))
	for _, it := range s.Interfaces {
		addrs := make([]string, len(it.Addrs))
		for i, a := range it.Addrs {
			addrs[i] = a.String()
		}
		out = append(out, linkDoc{Name: it.Name, Type: it.Type.String(), Up: it.Up, Carrier: it.Carrier,
			Oper: it.Oper.String(), Addrs: addrs, InUse: path.Valid() && path.Index == it.Index})
	}
	return out
}

// resolveTimeout bounds one lookup of the channel server's name. A working
// resolver answers within milliseconds, a slow one within a few hundred;
// one that has not answered in 2 s is taken as absent (no network yet), and
// the monitor starts following the default routes. The daemon is ready and
// the agent joining meanwhile; only the monitor waits.
const resolveTimeout = 2 * time.Second

// resolveRetry is the wait between lookups of the server's name when the
// one at start failed (no network at boot). Meanwhile the default routes
// decide the path; a kiosk on an isolated LAN, which has none, is seen as
// DISCONNECTED and makes no attempts until the name resolves, so the retry
// must be short next to a boot: 5 s, one DNS query per 5 s at most.
const resolveRetry = 5 * time.Second

// startNetwatch starts the monitor and feeds the agent from it. The monitor
// follows the route to the channel server (netwatch.Options.Target), so
// that a server on the LAN is reachable without a default route. When the
// server's name does not resolve at start, the monitor follows the default
// routes, and is replaced by one that follows the server once the name
// resolves. The name is not looked up again after that. Without netlink (or
// with it switched off) the agent still follows the silence timers of SPEC
// §2; it only loses the head start.
func startNetwatch(a *agent.Agent, server string, pollOnly bool, log *slog.Logger) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	f := &netFollower{a: a, server: server, log: log, ctx: ctx, done: make(chan struct{}),
		opts: netwatch.Options{Logger: log, PollOnly: pollOnly}}
	target, err := f.resolve()
	if err != nil {
		log.Warn("cannot resolve the channel server; following the default routes until it resolves",
			"err", err, "retry_every", resolveRetry)
	}
	m := f.start(target)
	if m == nil {
		cancel()
		return func() {}
	}
	go f.run(m, err != nil)
	return func() { cancel(); <-f.done }
}

// netFollower runs the monitor that feeds the agent.
type netFollower struct {
	a      *agent.Agent
	server string
	log    *slog.Logger
	opts   netwatch.Options
	ctx    context.Context // cancelled by stop
	done   chan struct{}   // closed when run returns
}

// start starts a monitor following target (none when zero); nil if the
// network cannot be read at all.
func (f *netFollower) start(target netip.Addr) *netwatch.Monitor {
	opts := f.opts
	opts.Target = target
	m := netwatch.New(opts)
	if err := m.Start(); err != nil {
		f.log.Warn("network monitor unavailable; following the silence timers only", "err", err)
		return nil
	}
	return m
}

// run feeds the agent from m until stopped; with retarget, it replaces m by
// a monitor following the server once its name resolves.
func (f *netFollower) run(m *netwatch.Monitor, retarget bool) {
	defer close(f.done)
	followed := f.follow(m)
	if retarget {
		if next := f.retarget(); next != nil {
			m.Close()
			<-followed
			m, followed = next, f.follow(next)
		}
	}
	<-f.ctx.Done()
	m.Close()
	<-followed
}

// follow feeds the agent from m until m closes; the channel closes then.
func (f *netFollower) follow(m *netwatch.Monitor) <-chan struct{} {
	done := make(chan struct{})
	go func() { f.a.FollowNetwork(m); close(done) }()
	return done
}

// retarget looks the server's name up every resolveRetry until it
// resolves, and returns a monitor following it; nil when stopped first, or
// when that monitor cannot start.
func (f *netFollower) retarget() *netwatch.Monitor {
	t := time.NewTicker(resolveRetry)
	defer t.Stop()
	for {
		select {
		case <-f.ctx.Done():
			return nil
		case <-t.C:
		}
		target, err := f.resolve()
		if err != nil {
			f.log.Debug("channel server still unresolved", "err", err)
			continue
		}
		f.log.Info("channel server resolved; following its route", "target", target)
		return f.start(target)
	}
}

// resolve returns the channel server's address, within resolveTimeout.
func (f *netFollower) resolve() (netip.Addr, error) {
	ctx, cancel := context.WithTimeout(f.ctx, resolveTimeout)
	defer cancel()
	return serverAddr(ctx, f.server, net.DefaultResolver.LookupNetIP)
}

// lookupFunc resolves a host name, as net.Resolver.LookupNetIP does.
type lookupFunc func(ctx context.Context, network, host string) ([]netip.Addr, error)

// serverAddr returns the address of the host of the server URL: an IP
// literal as it is, a name looked up with lookup, whose first address is
// the one the dialer tries first (the resolver sorts them by RFC 6724).
func serverAddr(ctx context.Context, server string, lookup lookupFunc) (netip.Addr, error) {
	u, err := url.Parse(server)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("server URL: %w", err)
	}
	host := u.Hostname()
	if a, err := netip.ParseAddr(host); err == nil {
		return a.WithZone(""), nil
	}
	addrs, err := lookup(ctx, "ip", host)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("resolve %s: %w", host, err)
	}
	if len(addrs) == 0 {
		return netip.Addr{}, fmt.Errorf("resolve %s: no address", host)
	}
	return addrs[0].Unmap(), nil
}
