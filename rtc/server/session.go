package server

import (
	"sync/atomic"
	"time"

	"github.com/edge-agent/edge-agent/rtc/signal"
)

// session is one join of one uid, from join to leave or drop; it survives
// resumes (SPEC §0). Fields after "guarded" belong to ch.mu.
type session struct {
	ch     *channel
	id     string
	uid    uint32
	kind   signal.Kind
	secret string // resume secret
	joined time.Time

	// last is the time of the last data from the client (Unix ns): any
	// signalling message, RTP or RTCP. Written at packet rate, so it is an
	// atomic read by the silence timer, not an event per packet.
	last atomic.Int64
	// stale is set while some peers do not see the session (web peers after
	// their limit): the next data must tell them, which takes the lock.
	stale atomic.Bool

	// guarded by ch.mu
	conn          *conn // nil while no connection is attached
	peer          *peer // nil without media or while detached before media
	ended         bool
	webVisible    bool // web peers see the session
	presenceSince time.Time
	silence       *time.Timer
	token         tokenTimers
}

func newSession(ch *channel, j *signal.Join, now time.Time) *session {
	s := &session{
		ch: ch, id: signal.NewID(16), uid: j.UID, kind: j.Kind,
		secret: signal.NewID(32), joined: now,
		webVisible: true, presenceSince: now,
	}
	s.last.Store(now.UnixNano())
	return s
}

// touch records data from the client.
func (s *session) touch() {
	s.last.Store(time.Now().UnixNano())
	if s.stale.Load() {
		s.ch.revive(s)
	}
}

func (s *session) lastData() time.Time { return time.Unix(0, s.last.Load()) }

// visibleTo reports whether viewers of kind k see s. Native viewers see
// every session until it ends; web viewers lose it at their shorter limit.
func (s *session) visibleTo(k signal.Kind) bool {
	return k == signal.KindNative || s.webVisible
}

func (s *session) presence() string {
	if s.webVisible {
		return "present"
	}
	return "web-offline"
}
