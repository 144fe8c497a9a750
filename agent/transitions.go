package agent

// transition is one legal change of the connection state, with its reason.
type transition struct {
	from, to State
	reason   Reason
}

// legal lists every change of state the machine may make, and the reason it
// gives; anything else is a bug. It is SPEC §1–§2 as one table.
var legal = func() map[transition]bool {
	t := map[transition]bool{}
	add := func(from []State, to State, reasons ...Reason) {
		for _, f := range from {
			for _, r := range reasons {
				t[transition{f, to, r}] = true
			}
		}
	}
	inSession := []State{StateConnecting, StateConnected, StateReconnecting}
	add([]State{StateDisconnected, StateFailed}, StateConnecting, ReasonConnecting)
	add([]State{StateConnecting, StateReconnecting}, StateConnected, ReasonJoinSuccess)
	add([]State{StateConnected}, StateReconnecting, ReasonInterrupted, ReasonClientIPAddressChanged)
	add(append(inSession, StateFailed), StateDisconnected, ReasonLeaveChannel)
	add([]State{StateConnecting, StateReconnecting}, StateFailed, ReasonJoinFailed)
	add(inSession, StateFailed, ReasonBannedByServer, ReasonInvalidAppID, ReasonInvalidChannelName,
		ReasonInvalidToken, ReasonTokenExpired, ReasonRejectedByServer)
	for _, s := range inSession {
		add([]State{s}, s, ReasonRenewToken) // The state is unchanged.
	}
	return t
}()

// LegalTransition reports whether the machine may go from one state to
// another with the given reason (SPEC §1–§2).
func LegalTransition(from, to State, reason Reason) bool {
	return legal[transition{from, to, reason}]
}
