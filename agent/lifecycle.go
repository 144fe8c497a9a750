package agent

// This file holds the session's life: join, leave, refusal, failure and the
// daemon's policy in FAILED.

// join starts a session, leaving the current one first if it is another.
func (s *step) join(in JoinRequested) {
	if s.st.State != StateDisconnected && s.st.State != StateFailed {
		if in.Channel == s.st.Channel && in.UID == s.st.UID {
			return // Already in (or joining) that channel.
		}
		s.leave()
	}
	fresh := s.st.State == StateFailed
	s.st.Channel, s.st.UID, s.st.Token = in.Channel, in.UID, in.Token
	s.startJoin(fresh)
}

// startJoin enters CONNECTING: T0 is now. Fresh asks for a new session (the
// server ended the last one: FAILED); otherwise the session may resume the
// one it holds, which is how a restarted daemon stays invisible to peers.
func (s *step) startJoin(fresh bool) {
	s.stopTimers()
	s.st.Peers, s.st.EverJoined, s.st.JoinStart, s.st.LastData = nil, false, s.now, s.now
	s.endOutage()
	s.st.Recovering, s.st.Attempt = true, 1 // The join is attempt 0.
	s.setState(StateConnecting, ReasonConnecting)
	s.do(StartJoin{Channel: s.st.Channel, UID: s.st.UID, Token: s.st.Token, Fresh: fresh})
	s.armSilence()
}

// leave ends the session and tells peers (QUIT).
func (s *step) leave() {
	if s.st.State == StateDisconnected {
		return
	}
	s.stopTimers()
	s.do(StopSession{Leave: true})
	s.st.Peers = nil
	s.endOutage()
	s.setState(StateDisconnected, ReasonLeaveChannel)
	s.emit(Event{Kind: OnLeaveChannel})
}

// fail ends the session in FAILED and arms the daemon's own retry: a kiosk
// never gives up for good.
func (s *step) fail(reason Reason) {
	s.stopTimers()
	s.do(StopSession{Leave: false})
	s.st.Peers = nil
	s.endOutage()
	s.setState(StateFailed, reason)
	s.do(ArmTimer{ID: TimerFailedRetry, At: s.now.Add(s.m.timers.RetryAfterFailed)})
}

// refused handles a refusal by the server. Anything that is not a refusal
// reason is ignored: the session validated it, this is a second guard.
func (s *step) refused(reason Reason) {
	if !s.st.active() || !reason.IsRefusal() {
		return
	}
	s.fail(reason)
}

// rejoinRequested is the console's "rejoin": in FAILED a new session at
// once, in a session a full rejoin now.
func (s *step) rejoinRequested() {
	switch {
	case s.st.State == StateFailed:
		s.startJoin(true)
	case s.st.active():
		s.st.Attempt = max(s.st.Attempt, 1) // Skip the ICE restart: asked for a rejoin.
		s.attemptNow()
	}
}

// tokenChanged takes a new token: in FAILED it is a reason to try again at
// once; in a session the server is asked to renew.
func (s *step) tokenChanged(token string) {
	if token == "" || token == s.st.Token {
		return
	}
	s.st.Token = token
	switch {
	case s.st.State == StateFailed:
		s.startJoin(true)
	case s.st.active():
		s.do(RenewToken{Token: token})
	}
}

// tokenAccepted reports RENEW_TOKEN with the state unchanged.
func (s *step) tokenAccepted() {
	if s.st.active() {
		s.setState(s.st.State, ReasonRenewToken)
	}
}

// tokenWillExpire reports onTokenPrivilegeWillExpire.
func (s *step) tokenWillExpire() {
	if s.st.active() {
		s.emit(Event{Kind: OnTokenPrivilegeWillExpire, Token: s.st.Token})
	}
}
