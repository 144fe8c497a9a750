package agent

import "time"

// This file holds the recovery of a session: the silence timers of SPEC §2,
// the attempts and their escalation, and what the kernel says of the network
// (SPEC §5).

// timer handles a timer's fire.
func (s *step) timer(in TimerFired) {
	switch in.ID {
	case TimerSilence:
		if s.st.active() {
			s.silence(in.LastData)
		}
	case TimerRetry:
		if s.st.active() && s.st.Recovering {
			s.attemptNow()
		}
	case TimerFailedRetry:
		if s.st.State == StateFailed {
			s.startJoin(true)
		}
	}
}

// silence applies every threshold the silence has passed, in order, then
// arms the timer for the next one.
func (s *step) silence(lastData time.Time) {
	if lastData.After(s.st.LastData) {
		s.st.LastData = lastData
	}
	t, base := s.m.timers, s.st.silenceBase()
	silent := s.now.Sub(base)
	if s.st.State == StateConnected && silent >= t.suspect() && !s.st.Recovering {
		s.startRecovery() // Quietly: nothing is reported before 4 s.
	}
	if s.st.State == StateConnected && silent >= t.Interrupted {
		s.st.OutageStart = base
		s.setState(StateReconnecting, ReasonInterrupted)
	}
	if s.st.State != StateConnected && silent >= t.Lost && !s.st.Lost {
		s.st.Lost = true
		s.emit(Event{Kind: OnConnectionLost})
	}
	if s.st.State != StateConnected && silent >= t.failAt() {
		s.fail(ReasonJoinFailed)
		return
	}
	s.armSilence()
}

// startRecovery begins the attempts of an outage, unless they run already.
func (s *step) startRecovery() {
	if s.st.Recovering {
		return
	}
	s.st.Recovering, s.st.Attempt = true, 0
	s.attemptNow()
}

// attemptNow makes the next attempt at once, unless no usable path exists:
// then the attempt waits for the network to come back.
func (s *step) attemptNow() {
	s.st.Recovering = true
	s.do(CancelTimer{ID: TimerRetry})
	if s.st.Network == NetworkDisconnected {
		return // No wasted attempts while nothing is usable (SPEC §5).
	}
	n := s.st.Attempt
	s.st.Attempt++
	if !s.st.EverJoined {
		s.do(StartJoin{Channel: s.st.Channel, UID: s.st.UID, Token: s.st.Token})
		return
	}
	s.do(Reconnect{Attempt: n, Step: escalation(n)})
}

// escalation is the recovery plan: an ICE restart first (cheap, keeps the
// session), a full rejoin afterwards.
func escalation(attempt int) RecoveryStep {
	if attempt == 0 {
		return StepICERestart
	}
	return StepRejoin
}

// attemptFailed schedules the next attempt after the backoff.
func (s *step) attemptFailed() {
	if !s.st.active() || !s.st.Recovering || s.st.Network == NetworkDisconnected {
		return
	}
	wait := s.m.backoff(s.st.Attempt - 1)
	s.do(ArmTimer{ID: TimerRetry, At: s.now.Add(wait)})
}

// sessionDown starts recovering at once; the state callbacks still wait for
// the silence timers.
func (s *step) sessionDown() {
	if s.st.active() {
		s.startRecovery()
	}
}

// joined handles a join, resume or restart that completed.
func (s *step) joined(peers []uint32) {
	if !s.st.active() {
		return // A late success of a session already ended.
	}
	wasJoined, state := s.st.EverJoined, s.st.State
	outage := s.st.OutageStart
	s.st.EverJoined, s.st.LastData = true, s.now
	s.endOutage()
	s.do(CancelTimer{ID: TimerRetry})
	switch {
	case state == StateConnecting && !wasJoined:
		s.setState(StateConnected, ReasonJoinSuccess)
		s.emit(Event{Kind: OnJoinChannelSuccess, Elapsed: s.now.Sub(s.st.JoinStart)})
	case state == StateReconnecting:
		s.setState(StateConnected, ReasonJoinSuccess)
		s.emit(Event{Kind: OnRejoinChannelSuccess, Elapsed: s.now.Sub(outage)})
	}
	s.syncPeers(peers)
	s.armSilence()
}

// network applies what the kernel says of the path in use (SPEC §5).
func (s *step) network(in NetworkChanged) {
	was := s.st.Network
	if in.Type != was {
		s.st.Network = in.Type
		s.emit(Event{Kind: OnNetworkTypeChanged, Network: in.Type})
	}
	if !s.st.active() {
		return
	}
	switch {
	case in.Type == NetworkDisconnected:
		s.suspend()
	case was == NetworkDisconnected:
		s.pathBack()
	case in.PathChanged:
		s.pathChanged()
	}
}

// suspend closes the session's transport while no usable path exists,
// keeping what it needs to resume. Nothing is tried meanwhile, and nothing
// is sent either: packets sent into a dead link leave the kernel's neighbour
// entry of the gateway waiting on its one-second probe timer and the
// connection's TCP backing off, so the first packets after the link returns
// would wait up to a second. The peers see only silence, as they would.
func (s *step) suspend() {
	s.do(CancelTimer{ID: TimerRetry})
	if !s.st.Suspended {
		s.st.Suspended, s.st.Recovering = true, true
		s.do(StopSession{Leave: false})
	}
}

// pathBack acts the moment a usable path returns: no backoff wait. A
// suspended session resumes (a join that resumes what the session holds);
// otherwise the attempt is a resume over a new connection rather than an ICE
// restart over the old one, whose TCP may have backed off its
// retransmissions while the link was gone.
func (s *step) pathBack() {
	if s.st.Suspended {
		s.st.Suspended, s.st.Recovering = false, true
		s.st.Attempt = 1 // This join is the resume; later attempts rejoin.
		s.do(StartJoin{Channel: s.st.Channel, UID: s.st.UID, Token: s.st.Token})
		return
	}
	if s.st.State == StateConnecting && !s.st.EverJoined {
		s.attemptNow()
		return
	}
	s.st.Recovering, s.st.Attempt = true, 1 // Skip the ICE restart step.
	s.attemptNow()
}

// pathChanged moves the session to the new path at once. The signalling
// connection is bound to the old address, which is gone or no longer routed
// the same way, and TCP would take many seconds to say so; so rather than an
// ICE restart over it, the session resumes over a new connection with a new
// PeerConnection, whose ICE agent gathers on the new path (the server splices
// the media into the peers' tracks as for any resume).
func (s *step) pathChanged() {
	if s.st.State == StateConnected {
		s.st.OutageStart = s.now
		s.setState(StateReconnecting, ReasonClientIPAddressChanged)
		s.armSilence()
	}
	s.st.Recovering, s.st.Attempt = true, 1 // Skip the ICE restart step.
	s.attemptNow()
}
