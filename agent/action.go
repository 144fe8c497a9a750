package agent

import (
	"fmt"
	"time"
)

// Action is something the machine wants done. The loop carries actions out
// in the order given.
type Action interface{ action() }

// TimerID names one of the machine's timers. Arming a timer replaces its
// previous deadline.
type TimerID int

// The machine's timers.
const (
	// TimerSilence fires at the next silence threshold (suspect,
	// interrupted, lost, failed), counted from the last data.
	TimerSilence TimerID = iota + 1
	// TimerRetry fires when the next recovery attempt is due.
	TimerRetry
	// TimerFailedRetry fires in FAILED when the daemon joins again by itself.
	TimerFailedRetry
)

var timerNames = map[TimerID]string{
	TimerSilence:     "silence",
	TimerRetry:       "retry",
	TimerFailedRetry: "failed-retry",
}

// String names the timer.
func (id TimerID) String() string {
	if n, ok := timerNames[id]; ok {
		return n
	}
	return fmt.Sprintf("TimerID(%d)", int(id))
}

// Emit delivers a callback to the observers.
type Emit struct{ Event Event }

// ArmTimer sets timer ID to fire at At.
type ArmTimer struct {
	ID TimerID
	At time.Time
}

// CancelTimer stops timer ID; a fire already on its way is dropped.
type CancelTimer struct{ ID TimerID }

// StartJoin asks the session to join. Fresh means that a new session is
// wanted (after FAILED: the server ended the old one), so whatever resume
// state the session holds is discarded. Otherwise the session may resume the
// session it holds (a restarted daemon; a leave has already discarded it).
type StartJoin struct {
	Channel string
	UID     uint32
	Token   string
	Fresh   bool
}

// RecoveryStep is how an attempt tries to get the session back.
type RecoveryStep int

// The steps of recovery, in the order of escalation.
const (
	// StepICERestart keeps the session and restarts ICE over the current
	// signalling connection (or a resumed one if it is gone).
	StepICERestart RecoveryStep = iota + 1
	// StepRejoin resumes the session over a new signalling connection and a
	// new PeerConnection.
	StepRejoin
)

// String names the step.
func (s RecoveryStep) String() string {
	switch s {
	case StepICERestart:
		return "ice-restart"
	case StepRejoin:
		return "rejoin"
	}
	return fmt.Sprintf("RecoveryStep(%d)", int(s))
}

// Reconnect asks the session for one recovery attempt. Attempt counts from 0
// within one outage.
type Reconnect struct {
	Attempt int
	Step    RecoveryStep
}

// StopSession ends the session. Leave says whether peers are told (a leave)
// or not (FAILED: the server already ended it, or will by silence).
type StopSession struct{ Leave bool }

// RenewToken hands a new token to the session.
type RenewToken struct{ Token string }

func (Emit) action()        {}
func (ArmTimer) action()    {}
func (CancelTimer) action() {}
func (StartJoin) action()   {}
func (Reconnect) action()   {}
func (StopSession) action() {}
func (RenewToken) action()  {}
