package rtc

import (
	"errors"
	"fmt"
	"time"
)

// attemptKind is what an attempt does.
type attemptKind int

const (
	attemptJoin       attemptKind = iota + 1 // Join: fresh, or a resume of the saved session
	attemptResume                            // Reconnect: resume over a new connection
	attemptICERestart                        // Reconnect: ICE restart over the live connection
)

func (k attemptKind) String() string {
	switch k {
	case attemptJoin:
		return "join"
	case attemptResume:
		return "resume"
	case attemptICERestart:
		return "ice-restart"
	}
	return fmt.Sprintf("attemptKind(%d)", int(k))
}

// attempt is one join, resume or ICE restart, from its start to its single
// report.
type attempt struct {
	kind    attemptKind
	started time.Time
	timer   *time.Timer
	// Join or resume: the PeerConnection is connected; the attempt succeeds
	// once the session's state is saved too (completeJoin).
	connected bool
	// ICE restart: the offer with new credentials was applied, and ICE has
	// been seen checking since; connected after that is the success.
	restartApplied, checking bool
}

// completeJoin ends a join or resume as joined once both its
// PeerConnection is connected and the session's state file is written.
func (s *Session) completeJoin() {
	a := s.st.att
	if a == nil || a.kind == attemptICERestart || !a.connected || !s.st.joined || s.st.saving != nil {
		return
	}
	s.finish(Joined{Peers: s.st.peerList(), Resumed: s.st.resumed})
}

// errTimeout says an attempt ran out of time.
var errTimeout = errors.New("attempt timed out")

// beginAttempt starts an attempt of kind, ending (as failed) one that
// still runs.
func (s *Session) beginAttempt(kind attemptKind) {
	if s.st.att != nil {
		s.finish(AttemptFailed{Err: fmt.Errorf("%s: superseded by a %s", s.st.att.kind, kind)})
	}
	s.st.att = &attempt{kind: kind, started: time.Now(), timer: time.NewTimer(s.cfg.AttemptTimeout)}
	s.log.Info("attempt", "kind", kind, "channel", s.st.channel, "uid", s.st.uid)
}

// finish ends the running attempt with its report.
func (s *Session) finish(e Event) {
	a := s.st.att
	if a == nil {
		return
	}
	a.timer.Stop()
	s.st.att = nil
	s.log.Info("attempt done", "kind", a.kind, "elapsed", time.Since(a.started), "result", e)
	s.report(e)
	held := s.st.held
	s.st.held = nil
	for _, h := range held {
		s.report(h)
	}
}

// fail ends the running attempt as failed and drops its transport, so that
// nothing stale completes it later. An ICE restart keeps the transport: it
// may still carry media, and the next attempt resumes anyway.
func (s *Session) fail(err error) {
	a := s.st.att
	if a == nil {
		return
	}
	if a.kind != attemptICERestart {
		s.dropTransport(false)
	}
	s.finish(AttemptFailed{Err: fmt.Errorf("%s: %w", a.kind, err)})
}

// attemptTimer is the running attempt's timer channel, nil if none.
func (s *Session) attemptTimer() <-chan time.Time {
	if s.st.att == nil {
		return nil
	}
	return s.st.att.timer.C
}

func (s *Session) attemptTimedOut() { s.fail(errTimeout) }

// refuse ends the session as the server (or the local check of what the
// server would refuse) decided: the report, no transport, no resume state.
func (s *Session) refuse(reason int, msg string) {
	s.dropTransport(false)
	s.forgetSession()
	s.st.active = false // Over: only a new Join starts again.
	e := Refused{Reason: reason, Message: msg}
	if s.st.att != nil {
		s.finish(e)
		return
	}
	s.report(e)
}

// lost handles a broken transport: the attempt fails, or outside an
// attempt a joined session reports Down.
func (s *Session) lost(err error) {
	if s.st.att != nil {
		s.fail(err)
		return
	}
	s.report(Down{Err: err})
}
