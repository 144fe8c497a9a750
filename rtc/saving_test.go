package rtc

import (
	"errors"
	"log/slog"
	"testing"
	"time"
)

// bareSession is a Session with no loop, connection or media: enough for
// the state file and the attempt's bookkeeping, driven by the test itself
// as the loop would.
func bareSession(t *testing.T, report func(Event)) *Session {
	t.Helper()
	st := validState()
	s := &Session{
		cfg: Config{StateDir: t.TempDir(), AppID: st.AppID, Report: report},
		url: st.Server, log: slog.New(slog.DiscardHandler), q: newQueue(),
	}
	s.st.channel, s.st.uid, s.st.session, s.st.secret = st.Channel, st.UID, st.Session, st.ResumeSecret
	t.Cleanup(s.wg.Wait)
	return s
}

func TestSaveSession_LaterUsesOfTheFileComeAfterTheWrite(t *testing.T) {
	tests := []struct {
		name  string
		after func(*Session) error
	}{
		{"a load finds the session", func(s *Session) error {
			if r := s.savedSession(); r == nil || r.Session != s.st.session {
				return errors.New("the saved session is not found")
			}
			return nil
		}},
		{"a remove leaves no file", func(s *Session) error {
			s.removeState()
			s.wg.Wait()
			if _, err := loadState(s.cfg.StateDir); !errors.Is(err, errNoState) {
				return errors.New("the state file is back after its removal")
			}
			return nil
		}},
		{"a second save wins", func(s *Session) error {
			s.st.session = "second-session"
			s.saveSession()
			s.wg.Wait()
			if st, err := loadState(s.cfg.StateDir); err != nil || st.Session != "second-session" {
				return errors.New("the first write overtook the second")
			}
			return nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := bareSession(t, func(Event) {})
			s.saveSession()
			if err := tt.after(s); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestCompleteJoin_NeedsConnectionAndState(t *testing.T) {
	tests := []struct {
		name                       string
		kind                       attemptKind
		joined, connected, writing bool
		want                       bool
	}{
		{"connected and saved", attemptJoin, true, true, false, true},
		{"resume, connected and saved", attemptResume, true, true, false, true},
		{"state still being written", attemptJoin, true, true, true, false},
		{"not connected yet", attemptJoin, true, false, false, false},
		{"not joined on this connection", attemptJoin, false, true, false, false},
		{"ICE restart (ends on its own terms)", attemptICERestart, true, true, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []Event
			s := bareSession(t, func(e Event) { got = append(got, e) })
			a := &attempt{kind: tt.kind, started: time.Now(), timer: time.NewTimer(time.Hour), connected: tt.connected}
			t.Cleanup(func() { a.timer.Stop() })
			s.st.att, s.st.joined = a, tt.joined
			if tt.writing {
				s.st.saving = make(chan struct{})
			}
			s.completeJoin()
			if done := len(got) == 1; done != tt.want {
				t.Fatalf("reported %v, want Joined: %t", got, tt.want)
			}
		})
	}
}

func TestCompleteJoin_WhenTheWriteEndsAfterTheConnection(t *testing.T) {
	var got []Event
	s := bareSession(t, func(e Event) { got = append(got, e) })
	s.st.att = &attempt{kind: attemptJoin, started: time.Now(), timer: time.NewTimer(time.Hour), connected: true}
	s.st.joined = true
	done := make(chan struct{})
	s.st.saving = done
	s.completeJoin()
	if len(got) != 0 {
		t.Fatalf("reported %v while the state was being written", got)
	}
	s.onSaved(done)
	if len(got) != 1 {
		t.Fatalf("reported %v after the write, want Joined", got)
	}
	if _, ok := got[0].(Joined); !ok {
		t.Fatalf("reported %v, want Joined", got[0])
	}
}
