package agent

import (
	"slices"
	"time"
)

// Machine is the connection state machine of SPEC §1–§2. It is pure: Step
// has no side effects and reads no clock; everything it wants done comes
// back as actions.
type Machine struct {
	timers  Timers
	backoff Backoff
}

// NewMachine returns a machine with the given timers and backoff; a nil
// backoff means DefaultBackoff.
func NewMachine(t Timers, b Backoff) Machine {
	if b == nil {
		b = DefaultBackoff
	}
	return Machine{timers: t, backoff: b}
}

// Timers returns the machine's timers.
func (m Machine) Timers() Timers { return m.timers }

// Step computes the status after in happened at now, and the actions to
// carry out. It never changes st (Peers is copied before it changes).
func (m Machine) Step(st Status, in Input, now time.Time) (Status, []Action) {
	s := &step{m: m, st: st, now: now}
	switch in := in.(type) {
	case JoinRequested:
		s.join(in)
	case LeaveRequested:
		s.leave()
	case RejoinRequested:
		s.rejoinRequested()
	case TokenChanged:
		s.tokenChanged(in.Token)
	case Joined:
		s.joined(in.Peers)
	case AttemptFailed:
		s.attemptFailed()
	case SessionDown:
		s.sessionDown()
	case Refused:
		s.refused(in.Reason)
	case TokenAccepted:
		s.tokenAccepted()
	case TokenWillExpire:
		s.tokenWillExpire()
	case PeerJoined:
		s.peerJoined(in.UID)
	case PeerOffline:
		s.peerOffline(in.UID, in.Reason)
	case NetworkChanged:
		s.network(in)
	case TimerFired:
		s.timer(in)
	}
	return s.st, s.acts
}

// step is one Step in progress: the status being built and the actions
// decided so far.
type step struct {
	m    Machine
	st   Status
	now  time.Time
	acts []Action
}

func (s *step) do(a ...Action) { s.acts = append(s.acts, a...) }

// emit delivers a callback stamped with the device's channel and uid.
func (s *step) emit(e Event) {
	e.At, e.Channel, e.UID = s.now, s.st.Channel, s.st.UID
	s.do(Emit{Event: e})
}

// setState is the only writer of the connection state. A change to the same
// state and reason is a no-op; RENEW_TOKEN is reported with the state
// unchanged, as the SDK does.
func (s *step) setState(state State, reason Reason) {
	if state == s.st.State && reason == s.st.Reason && reason != ReasonRenewToken {
		return
	}
	s.st.State, s.st.Reason, s.st.Since = state, reason, s.now
	s.emit(Event{Kind: OnConnectionStateChanged, State: state, Reason: reason})
}

// armSilence arms the silence timer at the next threshold not yet passed.
func (s *step) armSilence() {
	base, t := s.st.silenceBase(), s.m.timers
	var next time.Duration
	switch {
	case s.st.State == StateConnected && !s.st.Recovering:
		next = t.suspect()
	case s.st.State == StateConnected:
		next = t.Interrupted
	case !s.st.Lost:
		next = t.Lost
	default:
		next = t.failAt()
	}
	s.do(ArmTimer{ID: TimerSilence, At: base.Add(next)})
}

// stopTimers cancels every timer of a session.
func (s *step) stopTimers() {
	s.do(CancelTimer{ID: TimerSilence}, CancelTimer{ID: TimerRetry}, CancelTimer{ID: TimerFailedRetry})
}

// endOutage forgets the outage bookkeeping.
func (s *step) endOutage() {
	s.st.OutageStart, s.st.Lost, s.st.Recovering, s.st.Attempt = time.Time{}, false, false, 0
	s.st.Suspended = false
}

// setPeers replaces the peer list with a sorted copy of uids.
func (s *step) setPeers(uids []uint32) {
	p := slices.Clone(uids)
	slices.Sort(p)
	s.st.Peers = slices.Compact(p)
}
