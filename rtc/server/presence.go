package server

import (
	"time"

	"github.com/edge-agent/edge-agent/rtc/signal"
)

// Presence (SPEC §2–§4): the server decides, from each session's silence,
// who sees whom. Web viewers lose a silent session at WebOfflineAfter and
// get it back if data returns; at OfflineAfter the session ends and native
// viewers (and web viewers who still saw it) are told DROPPED. Everything
// here runs under ch.mu.

// add makes s present: it answers c with joined and tells the others.
func (ch *channel) add(s *session, c *conn) {
	ch.sessions[s.uid] = s
	ch.cancelDestroy()
	s.conn = c
	s.silence = time.AfterFunc(ch.webLimit(), func() { ch.checkSilence(s) })
	ch.srv.metrics.joins.inc("fresh")
	c.send(ch.joinedFor(s, false))
	ch.others(s, func(v *session) { ch.tell(v, &signal.PeerJoined{UID: s.uid, Kind: s.kind}) })
	ch.startPeer(s, c)
	ch.srv.log.Info("joined", "app", ch.key.app, "channel", ch.key.name, "uid", s.uid, "kind", s.kind, "session", s.id)
}

// reattach moves s onto connection c (a resume): invisible to everyone who
// still saw s; web viewers who had lost it get peer-joined.
func (ch *channel) reattach(s *session, c *conn) {
	if old := s.conn; old != nil && old != c {
		old.close()
	}
	s.conn = c
	s.last.Store(time.Now().UnixNano())
	ch.reviveLocked(s)
	ch.srv.metrics.joins.inc("resumed")
	c.send(ch.joinedFor(s, true))
	ch.stopPeer(s)
	ch.startPeer(s, c)
	ch.srv.log.Info("resumed", "app", ch.key.app, "channel", ch.key.name, "uid", s.uid, "session", s.id)
}

func (ch *channel) joinedFor(s *session, resumed bool) *signal.Joined {
	return &signal.Joined{
		Session: s.id, ResumeSecret: s.secret, Peers: ch.peersFor(s), Resumed: resumed,
		HeartbeatMS: ch.srv.opts.Heartbeat.Milliseconds(), TokenExpiry: s.token.unix(),
	}
}

// detach forgets connection c of s: its WebSocket closed without leave.
// That is silence, nothing more.
func (ch *channel) detach(s *session, c *conn) {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if s.conn == c {
		s.conn = nil
	}
}

// leave ends s at once: everyone who saw it is told QUIT.
func (ch *channel) leave(s *session, c *conn) {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if s.ended || s.conn != c {
		return
	}
	ch.end(s, signal.OfflineQuit, nil)
}

// end removes s, tells those who saw it why, and ends its connection with
// final (or a plain close when final is nil).
func (ch *channel) end(s *session, reason signal.OfflineReason, final signal.Body) {
	s.ended = true
	s.stale.Store(false)
	delete(ch.sessions, s.uid)
	s.stopTimers()
	ch.others(s, func(v *session) {
		if s.visibleTo(v.kind) {
			ch.tell(v, &signal.PeerOffline{UID: s.uid, Reason: reason})
		}
	})
	if c := s.conn; c != nil {
		if final != nil {
			c.sendFinal(final)
		} else {
			c.closeAfterFlush()
		}
	}
	ch.stopPeer(s)
	ch.removePublisher(s.uid)
	ch.srv.metrics.sessionsEnded.inc(string(reason))
	ch.srv.log.Info("left", "app", ch.key.app, "channel", ch.key.name, "uid", s.uid, "reason", reason)
	if len(ch.sessions) == 0 {
		ch.emptySince = time.Now()
		ch.armDestroy()
	}
}

// checkSilence is the silence timer: it applies the limits reached and
// re-arms itself for the next one. It re-reads the time of the last data,
// so a timer that fires late or twice does no harm.
func (ch *channel) checkSilence(s *session) {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if s.ended {
		return
	}
	now := time.Now()
	silent := now.Sub(s.lastData())
	if silent >= ch.srv.opts.OfflineAfter {
		ch.end(s, signal.OfflineDropped, nil)
		return
	}
	if s.webVisible && silent >= ch.webLimit() {
		ch.hide(s, now)
	}
	ch.armSilence(s, now)
}

// webLimit is the silence after which web viewers lose a session: never
// later than the session's end.
func (ch *channel) webLimit() time.Duration {
	return min(ch.srv.opts.WebOfflineAfter, ch.srv.opts.OfflineAfter)
}

func (ch *channel) armSilence(s *session, now time.Time) {
	limit := ch.srv.opts.OfflineAfter
	if s.webVisible {
		limit = ch.webLimit()
	}
	s.silence.Reset(s.lastData().Add(limit).Sub(now))
}

// hide takes s away from web viewers.
func (ch *channel) hide(s *session, now time.Time) {
	s.webVisible = false
	s.presenceSince = now
	s.stale.Store(true)
	ch.others(s, func(v *session) {
		if v.kind == signal.KindWeb {
			ch.tell(v, &signal.PeerOffline{UID: s.uid, Reason: signal.OfflineDropped})
		}
	})
	ch.srv.log.Info("silent for web peers", "app", ch.key.app, "channel", ch.key.name, "uid", s.uid)
}

// revive is touch's slow path: data arrived from a session some viewers do
// not see.
func (ch *channel) revive(s *session) {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if !s.ended {
		ch.reviveLocked(s)
	}
}

func (ch *channel) reviveLocked(s *session) {
	now := time.Now()
	if !s.webVisible {
		s.webVisible = true
		s.presenceSince = now
		s.stale.Store(false)
		ch.others(s, func(v *session) {
			if v.kind == signal.KindWeb {
				ch.tell(v, &signal.PeerJoined{UID: s.uid, Kind: s.kind})
			}
		})
		ch.srv.log.Info("back for web peers", "app", ch.key.app, "channel", ch.key.name, "uid", s.uid)
	}
	ch.armSilence(s, now)
}

// tell sends b to viewer v if it has a connection; a detached viewer learns
// the current peers from joined when it resumes.
func (ch *channel) tell(v *session, b signal.Body) {
	if v.conn != nil {
		v.conn.send(b)
	}
}
