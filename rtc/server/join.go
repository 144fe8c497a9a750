package server

import (
	"fmt"
	"time"

	"github.com/edge-agent/edge-agent/rtc/signal"
)

// join handles a join request on a connection that has not joined yet.
// Refusals of the join itself are fatal; a failed resume proof is not.
func (c *conn) join(j *signal.Join) {
	if !c.srv.limiter.allow(c.ip, time.Now()) {
		c.fail(&signal.Error{Code: signal.CodeRejected, Ref: signal.TypeJoin, Detail: "join rate exceeded"})
		return
	}
	expiry, err := c.srv.checkToken(j.Token, j.AppID, j.Channel, j.UID)
	if err != nil {
		c.fail(&signal.Error{Code: signal.TokenCode(err), Ref: signal.TypeJoin, Detail: err.Error()})
		return
	}
	ch := c.srv.lockLive(channelKey{app: j.AppID, name: j.Channel})
	s, refusal := ch.admit(c, j, expiry)
	if s != nil {
		c.sess, c.peer = s, s.peer
		c.joined.Store(true)
	}
	ch.mu.Unlock()
	switch {
	case refusal == nil:
	case refusal.Code == signal.CodeResumeRejected:
		c.refuse(refusal)
	default:
		c.fail(refusal)
	}
}

// checkToken verifies a token and returns its expiry (zero when the server
// is insecure).
func (s *Server) checkToken(token, appID, channel string, uid uint32) (time.Time, error) {
	if s.opts.Insecure {
		return time.Time{}, nil
	}
	t, err := s.opts.Apps.Verify(token, appID, channel, uid, time.Now())
	if err != nil {
		return time.Time{}, fmt.Errorf("token: %w", err)
	}
	return t.Expiry, nil
}

// admit resumes or creates the session of join j on connection c (under
// ch.mu). It returns the session, or the refusal to send.
func (ch *channel) admit(c *conn, j *signal.Join, expiry time.Time) (*session, *signal.Error) {
	if j.Resume != nil {
		if s := ch.sessions[j.UID]; s != nil && s.id == j.Resume.Session {
			if err := c.checkResume(s, j); err != nil {
				return nil, err
			}
			ch.setToken(s, expiry)
			ch.reattach(s, c)
			ch.armToken(s)
			return s, nil
		}
	}
	old := ch.sessions[j.UID]
	if old == nil && len(ch.sessions) >= ch.srv.opts.MaxUsers {
		return nil, &signal.Error{Code: signal.CodeRejected, Ref: signal.TypeJoin,
			Detail: fmt.Sprintf("channel full (%d users)", ch.srv.opts.MaxUsers)}
	}
	if old != nil {
		ch.end(old, signal.OfflineQuit, &signal.ErrorMsg{Code: signal.CodeRejected, Fatal: true,
			Message: fmt.Sprintf("replaced by a newer join of uid %d", j.UID)})
	}
	s := newSession(ch, j, time.Now())
	ch.setToken(s, expiry)
	ch.add(s, c)
	ch.armToken(s)
	return s, nil
}

// checkResume verifies the resume proof against this connection's nonce,
// which it uses up.
func (c *conn) checkResume(s *session, j *signal.Join) *signal.Error {
	refuse := func(why string) *signal.Error {
		return &signal.Error{Code: signal.CodeResumeRejected, Ref: signal.TypeJoin, Detail: why}
	}
	if c.nonceUsed {
		return refuse("this connection's nonce is used up; reconnect to resume")
	}
	c.nonceUsed = true
	claim := signal.ResumeClaim{AppID: j.AppID, Channel: j.Channel, UID: j.UID, Session: s.id, Nonce: c.nonce}
	if !claim.Verify(s.secret, j.Resume.Proof) {
		return refuse("resume proof does not verify")
	}
	if j.Kind != s.kind {
		return refuse(fmt.Sprintf("session is %s, not %s", s.kind, j.Kind))
	}
	return nil
}
