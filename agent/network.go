package agent

import (
	"github.com/edge-agent/edge-agent/netwatch"
)

// FollowNetwork feeds the agent what the kernel says of the network (SPEC
// §5): the network type of the path in use and whether that path changed.
// It posts the monitor's current view first, then one input per Delta, and
// returns when the monitor's Deltas channel closes or the agent stops.
func (a *Agent) FollowNetwork(m *netwatch.Monitor) {
	snap := m.Snapshot()
	a.links.Store(&snap)
	if a.Post(NetworkChanged{Type: snap.Path().NetworkType()}) != nil {
		return
	}
	for d := range m.Deltas() {
		a.links.Store(&d.New)
		if a.Post(networkInput(d)) != nil {
			return
		}
	}
}

// networkInput is what a Delta means to the machine. The path changed, for
// the session, when it still has a path but a different one: another
// interface or gateway (failover), other addresses (renumbering), or a clock
// jump (after a suspend every connection may be dead). A path that was lost
// or restored is told by the type alone: DISCONNECTED, then a usable type.
func networkInput(d netwatch.Delta) NetworkChanged {
	moved := d.PathChanged && d.OldPath.Valid() && d.Path.Valid()
	return NetworkChanged{
		Type:        d.Type,
		PathChanged: d.Path.Valid() && (moved || d.AddrChanged || d.TimeJumped),
	}
}

// Links returns the last snapshot of the network the agent was told of
// (zero when no monitor runs).
func (a *Agent) Links() netwatch.Snapshot {
	if s := a.links.Load(); s != nil {
		return *s
	}
	return netwatch.Snapshot{}
}
