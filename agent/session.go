package agent

import "time"

// Session is what the agent drives: the RTC session (package rtc implements
// it). Every method must return quickly: the work happens on the session's
// own goroutine, and its outcome comes back to the agent as an Input through
// Agent.Post (Joined, AttemptFailed, Refused, SessionDown, peers' news).
type Session interface {
	// Join starts a join: a resume of the session the session holds, unless
	// Fresh says a new session is wanted.
	Join(StartJoin)
	// Reconnect makes one recovery attempt.
	Reconnect(Reconnect)
	// Stop ends the session; with Leave the peers are told at once (QUIT).
	// It returns when the leave was sent or could not be.
	Stop(StopSession)
	// RenewToken hands the server a new token.
	RenewToken(token string)
	// LastData returns the time of the last data from the server.
	LastData() time.Time
}
