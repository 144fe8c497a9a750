package server

import (
	"time"

	"github.com/edge-agent/edge-agent/rtc/signal"
)

// tokenTimers track a session's token: a warning TokenWarning before its
// expiry and the end of the session at expiry, unless renewed. Guarded by
// ch.mu.
type tokenTimers struct {
	expiry time.Time // zero: no expiry (insecure server)
	warn   *time.Timer
	expire *time.Timer
}

func (t *tokenTimers) unix() int64 {
	if t.expiry.IsZero() {
		return 0
	}
	return t.expiry.Unix()
}

func (t *tokenTimers) stop() {
	if t.warn != nil {
		t.warn.Stop()
	}
	if t.expire != nil {
		t.expire.Stop()
	}
	t.warn, t.expire = nil, nil
}

func (s *session) stopTimers() {
	if s.silence != nil {
		s.silence.Stop()
	}
	s.token.stop()
}

// setToken records a new expiry; armToken starts its timers once joined or
// token-renewed has been queued, so that a warning always comes after them.
func (ch *channel) setToken(s *session, expiry time.Time) {
	s.token.stop()
	s.token.expiry = expiry
}

func (ch *channel) armToken(s *session) {
	expiry := s.token.expiry
	if expiry.IsZero() {
		return
	}
	now := time.Now()
	if warnAt := expiry.Add(-ch.srv.opts.TokenWarning); warnAt.After(now) {
		s.token.warn = time.AfterFunc(warnAt.Sub(now), func() { ch.warnToken(s, expiry) })
	} else {
		ch.tell(s, &signal.TokenWillExpire{TokenExpiry: expiry.Unix()})
	}
	s.token.expire = time.AfterFunc(expiry.Sub(now), func() { ch.expireToken(s, expiry) })
}

func (ch *channel) warnToken(s *session, expiry time.Time) {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if !s.ended && s.token.expiry.Equal(expiry) {
		ch.tell(s, &signal.TokenWillExpire{TokenExpiry: expiry.Unix()})
	}
}

func (ch *channel) expireToken(s *session, expiry time.Time) {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if !s.ended && s.token.expiry.Equal(expiry) {
		ch.end(s, signal.OfflineQuit, &signal.ErrorMsg{Code: signal.CodeTokenExpired, Fatal: true,
			Message: "the token expired and was not renewed"})
	}
}

// renew handles renew-token: a valid token for the same app, channel and
// uid replaces the session's; a bad one changes nothing.
func (c *conn) renew(m *signal.RenewToken) {
	s := c.sess
	expiry, err := c.srv.checkToken(m.Token, s.ch.key.app, s.ch.key.name, s.uid)
	if err != nil {
		c.refuse(&signal.Error{Code: signal.TokenCode(err), Ref: signal.TypeRenewToken, Detail: err.Error()})
		return
	}
	ch := s.ch
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if s.ended {
		return
	}
	ch.setToken(s, expiry)
	ch.tell(s, &signal.TokenRenewed{TokenExpiry: s.token.unix()})
	ch.armToken(s)
	ch.srv.log.Info("token renewed", "app", ch.key.app, "channel", ch.key.name, "uid", s.uid,
		"expiry", expiry)
}
