package netwatch

import (
	"slices"
)

// Delta is a change between two snapshots and what it means for the path in
// use. It is a plain value computed by [Diff]; the monitor adds TimeJumped.
type Delta struct {
	// Old is the snapshot the change is measured from: the one the last
	// delivered Delta carried as New (or the first snapshot read).
	Old Snapshot
	// New is the snapshot after the change.
	New Snapshot

	// LinksChanged: an interface appeared or disappeared, or changed its
	// name, kind, admin state, carrier or operational state.
	LinksChanged bool
	// AddrsChanged: the usable addresses of some interface changed.
	AddrsChanged bool
	// RoutesChanged: the set of default routes changed (including metrics),
	// or the route to the target did.
	RoutesChanged bool
	// ChangedInterfaces are the names of the interfaces that appeared,
	// disappeared or changed (link or addresses), sorted.
	ChangedInterfaces []string
	// TimeJumped: the wall clock jumped against the monotonic clock (a
	// suspend and resume, or a clock step): connections may be dead even if
	// nothing else changed.
	TimeJumped bool

	// OldPath is the path in use in Old (zero when there was none).
	OldPath Path
	// Path is the path in use in New (zero when there is none).
	Path Path
	// Usable: a usable path exists in New.
	Usable bool
	// PathChanged: the path moved to another interface, family or gateway,
	// or appeared, or disappeared.
	PathChanged bool
	// AddrChanged: there was a path and there still is one, and its
	// addresses differ (failover to another interface, renumbering, the
	// session's address removed while another remains...).
	AddrChanged bool
	// PathLost: there was a usable path and there is none.
	PathLost bool
	// PathRestored: there was no usable path and there is one.
	PathRestored bool
	// Type is the network type of Path (DISCONNECTED when there is none).
	Type NetworkType
	// TypeChanged: Type differs from the type of OldPath.
	TypeChanged bool
}

// Changed reports whether d reports any change at all. The monitor never
// delivers a Delta for which Changed is false.
func (d Delta) Changed() bool {
	return d.LinksChanged || d.AddrsChanged || d.RoutesChanged || d.TimeJumped ||
		d.PathChanged || d.AddrChanged || d.TypeChanged
}

// Diff compares two snapshots. It is pure: no clock, no I/O.
func Diff(old, new Snapshot) Delta {
	d := Delta{Old: old, New: new}
	d.diffInterfaces()
	d.RoutesChanged = !slices.Equal(old.Routes, new.Routes) || old.RoutesUnknown != new.RoutesUnknown ||
		!old.sameTargetRoute(new)
	d.diffPath()
	return d
}

// diffInterfaces fills the link and address fields.
func (d *Delta) diffInterfaces() {
	var names []string
	for _, o := range d.Old.Interfaces {
		n, ok := d.New.Interface(o.Index)
		switch {
		case !ok:
			d.LinksChanged = true
			d.AddrsChanged = d.AddrsChanged || len(o.Addrs) > 0
			names = append(names, o.Name)
		case !o.Equal(n):
			d.LinksChanged = d.LinksChanged || !o.sameLink(n)
			d.AddrsChanged = d.AddrsChanged || !slices.Equal(o.Addrs, n.Addrs)
			names = append(names, n.Name)
		}
	}
	for _, n := range d.New.Interfaces {
		if _, ok := d.Old.Interface(n.Index); !ok {
			d.LinksChanged = true
			d.AddrsChanged = d.AddrsChanged || len(n.Addrs) > 0
			names = append(names, n.Name)
		}
	}
	slices.Sort(names)
	d.ChangedInterfaces = slices.Compact(names)
}

// diffPath fills the path fields: decide what the change means for the
// session from the two paths alone.
func (d *Delta) diffPath() {
	d.OldPath, d.Path = d.Old.Path(), d.New.Path()
	was, is := d.OldPath.Valid(), d.Path.Valid()
	d.Usable = is
	d.PathLost = was && !is
	d.PathRestored = !was && is
	d.PathChanged = was != is || (is && !d.OldPath.sameRoute(d.Path))
	d.AddrChanged = was && is && !slices.Equal(d.OldPath.Addrs, d.Path.Addrs)
	d.Type = d.Path.NetworkType()
	d.TypeChanged = d.Type != d.OldPath.NetworkType()
}
