package agent

import (
	"slices"
	"time"
)

// Status is everything the machine knows: the connection state and the
// timeline it counts from. It is a value; Step returns a new one.
type Status struct {
	State  State
	Reason Reason
	// Since is when State (or Reason) last changed.
	Since time.Time

	Channel string
	UID     uint32
	// Token is the token in use. It is a secret: documents leave it out.
	Token string
	// Peers are the uids present in the channel, sorted.
	Peers []uint32
	// Network is the type of the path in use.
	Network NetworkType

	// JoinStart is T0 of the current session: when the join was requested.
	JoinStart time.Time
	// EverJoined says the current session joined once, so that a later
	// success is a rejoin.
	EverJoined bool
	// LastData is the last data from the server the machine knows of.
	LastData time.Time
	// OutageStart is when the current outage began (the last data before
	// it, or the moment the path changed); zero when there is none.
	OutageStart time.Time
	// Lost says onConnectionLost was emitted for the current outage.
	Lost bool
	// Recovering says recovery attempts are under way.
	Recovering bool
	// Attempt is the number of the next recovery attempt in this outage.
	Attempt int
	// Suspended says the session's transport was closed because no usable
	// path exists; it resumes when one returns.
	Suspended bool
}

// NewStatus is the status of an agent that has not joined yet.
func NewStatus(now time.Time) Status {
	return Status{State: StateDisconnected, Reason: ReasonLeaveChannel, Since: now, Network: NetworkUnknown}
}

// joined reports whether the state is one in which the uid is in a channel.
func (s Status) joined() bool {
	return s.State == StateConnected || s.State == StateReconnecting
}

// active reports whether a session exists (joining, joined or recovering).
func (s Status) active() bool {
	return s.State == StateConnecting || s.joined()
}

// silenceBase is the moment silence is counted from: T0 before the first
// join, the last data after it.
func (s Status) silenceBase() time.Time {
	if !s.EverJoined {
		return s.JoinStart
	}
	return s.LastData
}

// hasPeer reports whether uid is present.
func (s Status) hasPeer(uid uint32) bool {
	_, ok := slices.BinarySearch(s.Peers, uid)
	return ok
}
