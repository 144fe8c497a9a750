package agent

import "time"

// Input is something that happened, fed to the machine. The session, the
// network monitor, the console and the loop's own timers produce inputs.
type Input interface{ input() }

// JoinRequested asks to join a channel (the daemon's start, or a console
// command). Joining the channel already joined does nothing; joining another
// leaves the current one first.
type JoinRequested struct {
	Channel string
	UID     uint32
	Token   string
}

// LeaveRequested asks to leave the channel (SIGTERM, or a console command).
type LeaveRequested struct{}

// RejoinRequested asks for a full rejoin now (console command): at once in
// FAILED, and as an immediate recovery attempt otherwise.
type RejoinRequested struct{}

// TokenChanged carries a new token (token file changed, or a console
// command). In FAILED it retries at once; otherwise the session renews it.
type TokenChanged struct{ Token string }

// Joined says the session carries data again: a join, a resume or an ICE
// restart completed. Peers lists the uids present in the channel.
type Joined struct{ Peers []uint32 }

// AttemptFailed says a join or recovery attempt ended without success and
// without a refusal (unreachable server, timeout, broken transport).
type AttemptFailed struct{ Err error }

// SessionDown says the session noticed its transport broke (signalling
// closed, ICE failed). Recovery starts at once, silently: the state callbacks
// still follow the silence timers.
type SessionDown struct{ Err error }

// Refused says the server refused the session; Reason is one of the refusal
// reasons of SPEC §1 (see Reason.IsRefusal).
type Refused struct {
	Reason  Reason
	Message string
}

// TokenAccepted says the server accepted a renewed token.
type TokenAccepted struct{}

// TokenWillExpire says the server warned that the token expires soon.
type TokenWillExpire struct{}

// PeerJoined says a peer joined the channel (or came back after being
// offline, as the server decides).
type PeerJoined struct{ UID uint32 }

// PeerOffline says a peer left or dropped.
type PeerOffline struct {
	UID    uint32
	Reason OfflineReason
}

// NetworkChanged reports the kernel's view of the path in use. Type is
// NetworkDisconnected when no usable path exists. PathChanged says the
// address or default route of the path in use changed (or the wall clock
// jumped), which invalidates the session's transport.
type NetworkChanged struct {
	Type        NetworkType
	PathChanged bool
}

// TimerFired is a timer of the machine's that came due. LastData is the time
// of the last data from the server, read by the loop when the timer fired.
type TimerFired struct {
	ID       TimerID
	LastData time.Time
}

func (JoinRequested) input()   {}
func (LeaveRequested) input()  {}
func (RejoinRequested) input() {}
func (TokenChanged) input()    {}
func (Joined) input()          {}
func (AttemptFailed) input()   {}
func (SessionDown) input()     {}
func (Refused) input()         {}
func (TokenAccepted) input()   {}
func (TokenWillExpire) input() {}
func (PeerJoined) input()      {}
func (PeerOffline) input()     {}
func (NetworkChanged) input()  {}
func (TimerFired) input()      {}
