package rtc

import "fmt"

// Event is what a Session reports through Config.Report: one of Joined,
// AttemptFailed, Down, Refused, TokenAccepted, TokenWillExpire, PeerJoined
// and PeerOffline.
type Event interface{ event() }

// Joined ends an attempt successfully: the session is joined and its
// PeerConnection connected (after an ICE restart: connected again). Peers are
// the uids present in the channel, as the server said; peers that came or
// went during a join or resume are folded in (no PeerJoined or PeerOffline
// is reported for them before Joined). A join or resume needs a server
// with media: against one that never offers (rtc/server's SignallingOnly)
// it times out. Resumed says the
// server spliced this session into the one it held (peers saw nothing); it
// is false for a fresh session, even when a resume was asked for.
type Joined struct {
	Peers   []uint32
	Resumed bool
}

// AttemptFailed ends an attempt without success and without a refusal: the
// server was unreachable, the attempt timed out, or its transport broke.
type AttemptFailed struct{ Err error }

// Down says the transport of a joined session broke outside any attempt:
// the WebSocket closed or ICE failed. The session does nothing about it by
// itself; the caller decides (Reconnect).
type Down struct{ Err error }

// Refused says the server refused the session or ended it. Reason is the
// connection-state reason of SPEC §1: 3 (BANNED_BY_SERVER) for a kick, 6–10
// for the join refusals (see signal.Code.Reason). The resume state is
// discarded.
type Refused struct {
	Reason  int
	Message string
}

// TokenAccepted says the server accepted a token given to RenewToken.
type TokenAccepted struct{}

// TokenWillExpire says the server warned that the session's token expires
// soon (30 s by default).
type TokenWillExpire struct{}

// PeerJoined says a user became present in the channel.
type PeerJoined struct{ UID uint32 }

// PeerOffline says a user is gone. Reason is SPEC §1's peer offline reason:
// 0 QUIT (it left, or the server ended its session), 1 DROPPED (silence).
type PeerOffline struct {
	UID    uint32
	Reason int
}

// Peer offline reasons of SPEC §1.
const (
	OfflineQuit    = 0
	OfflineDropped = 1
)

func (Joined) event()          {}
func (AttemptFailed) event()   {}
func (Down) event()            {}
func (Refused) event()         {}
func (TokenAccepted) event()   {}
func (TokenWillExpire) event() {}
func (PeerJoined) event()      {}
func (PeerOffline) event()     {}

// String describes the event for logs.
func (e Joined) String() string {
	return fmt.Sprintf("joined (resumed %t, peers %v)", e.Resumed, e.Peers)
}

// String describes the event for logs.
func (e AttemptFailed) String() string { return fmt.Sprintf("attempt failed: %v", e.Err) }

// String describes the event for logs.
func (e Down) String() string { return fmt.Sprintf("down: %v", e.Err) }

// String describes the event for logs.
func (e Refused) String() string { return fmt.Sprintf("refused (reason %d): %s", e.Reason, e.Message) }

// String describes the event for logs.
func (e PeerJoined) String() string { return fmt.Sprintf("peer %d joined", e.UID) }

// String describes the event for logs.
func (e PeerOffline) String() string {
	return fmt.Sprintf("peer %d offline (reason %d)", e.UID, e.Reason)
}
