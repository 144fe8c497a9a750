package rtc

import (
	"errors"
	"time"
)

// This file connects the loop to the resume state: what a Join resumes,
// and when the state file is written and deleted.

// savedSession returns the session the state directory holds for this
// server, app, channel and uid, or nil. Anything wrong with the file means
// a fresh join: it is logged and the file removed, never fatal.
func (s *Session) savedSession() *resumeState {
	if s.cfg.StateDir == "" {
		return nil
	}
	s.waitSaved()
	st, err := loadState(s.cfg.StateDir)
	switch {
	case errors.Is(err, errNoState):
		return nil
	case err != nil:
		s.log.Warn("resume state unusable; joining afresh", "dir", s.cfg.StateDir, "err", err)
		s.removeState()
		return nil
	case !st.matches(s.url, s.cfg.AppID, s.st.channel, s.st.uid):
		s.log.Info("resume state is for another session; joining afresh",
			"server", st.Server, "app_id", st.AppID, "channel", st.Channel, "uid", st.UID)
		return nil
	}
	return &st
}

// heldSession returns the session to resume: the one this process holds,
// else the saved one.
func (s *Session) heldSession() *resumeState {
	if s.st.session == "" {
		return s.savedSession()
	}
	return &resumeState{
		Version: stateVersion, Server: s.url, AppID: s.cfg.AppID, Channel: s.st.channel,
		UID: s.st.uid, Session: s.st.session, ResumeSecret: s.st.secret,
	}
}

// saveSession writes the current session to the state directory on a
// goroutine of its own, and onSaved follows on the loop. The write ends
// with two fsyncs, which take milliseconds on an idle disk and tens of them
// on a busy one or an SD card: on the loop they would hold up the offer
// that follows joined. The attempt reports Joined only once the write has
// ended (completeJoin), so a joined session survives a kill. A failure is
// logged: the session works, only a restart will not resume it.
func (s *Session) saveSession() {
	if s.cfg.StateDir == "" {
		return
	}
	s.waitSaved() // Writes happen in order.
	st := resumeState{
		Version: stateVersion, Server: s.url, AppID: s.cfg.AppID, Channel: s.st.channel,
		UID: s.st.uid, Session: s.st.session, ResumeSecret: s.st.secret, SavedAt: time.Now().UTC(),
	}
	done := make(chan struct{})
	s.st.saving = done
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if err := saveState(s.cfg.StateDir, st); err != nil {
			s.log.Error("a restart will not resume this session", "err", err)
		}
		close(done)
		s.q.push(func() { s.onSaved(done) })
	}()
}

// waitSaved returns when the state write under way, if any, has ended:
// every other use of the state file comes after it. Only joins, leaves and
// refusals wait here, for at most one write.
func (s *Session) waitSaved() {
	if s.st.saving != nil {
		<-s.st.saving
		s.st.saving = nil
	}
}

// onSaved notes the end of the state write done, which may complete the
// attempt.
func (s *Session) onSaved(done chan struct{}) {
	if s.st.saving == done {
		s.st.saving = nil
	}
	s.completeJoin()
}

// forgetSession drops the session this process holds and its saved state.
func (s *Session) forgetSession() {
	s.st.session, s.st.secret = "", ""
	s.removeState()
}

// removeState deletes the state file, logging a failure.
func (s *Session) removeState() {
	if s.cfg.StateDir == "" {
		return
	}
	s.waitSaved()
	if err := removeState(s.cfg.StateDir); err != nil {
		s.log.Warn("resume state", "err", err)
	}
}
