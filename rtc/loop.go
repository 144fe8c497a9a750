package rtc

import (
	"slices"
	"time"

	"github.com/edge-agent/edge-agent/rtc/signal"
)

// maxHeartbeat is the longest gap between two heartbeats to the server
// (PROTOCOL.md: at most 500 ms); a server that asks for less gets less.
const maxHeartbeat = 500 * time.Millisecond

// loopState is everything the loop goroutine owns.
type loopState struct {
	// What the agent asked for; active between a Join and a Stop.
	active  bool
	channel string
	uid     uint32
	token   string

	// The session the server gave, and its transport.
	session, secret string              // empty before the first joined
	joined          bool                // joined on the current connection
	peers           map[uint32]struct{} // as the server told
	conn            *wsConn             // nil: no signalling connection
	resume          *resumeState        // a resume to send when hello arrives
	pc              *peer               // nil: no PeerConnection
	spare           *peer               // made for the next offer (preparePeer); nil: none
	newPC           bool                // the next offer is for a new PeerConnection
	resumed         bool                // the last joined resumed the session
	att             *attempt            // nil: no attempt running
	held            []Event             // news held until the attempt ends (notify)
	saving          chan struct{}       // closed when the state write under way ends; nil: none

	heartbeat time.Duration
	hb        *time.Ticker
	quit      bool // Close: end the loop
}

func (st *loopState) init() {
	st.peers = map[uint32]struct{}{}
	st.heartbeat = maxHeartbeat
	st.hb = time.NewTicker(maxHeartbeat)
}

// peerList returns the peers' uids, sorted.
func (st *loopState) peerList() []uint32 {
	uids := make([]uint32, 0, len(st.peers))
	for uid := range st.peers {
		uids = append(uids, uid)
	}
	slices.Sort(uids)
	return uids
}

// run is the session's goroutine: it runs submitted work, sends heartbeats
// and times attempts out, until Close.
func (s *Session) run() {
	defer close(s.done)
	defer s.st.hb.Stop()
	for !s.st.quit {
		select {
		case <-s.q.ready:
			for _, f := range s.q.take() {
				f()
			}
		case <-s.st.hb.C:
			s.sendHeartbeat()
		case <-s.attemptTimer():
			s.attemptTimedOut()
		}
	}
}

// sendHeartbeat keeps the server's silence timer of this session at zero.
func (s *Session) sendHeartbeat() {
	if s.st.conn != nil && s.st.conn.ws != nil {
		s.send(&signal.Heartbeat{})
	}
}

// setHeartbeat adopts the server's heartbeat interval, capped at
// maxHeartbeat.
func (s *Session) setHeartbeat(ms int64) {
	d := min(time.Duration(ms)*time.Millisecond, maxHeartbeat)
	if d > 0 && d != s.st.heartbeat {
		s.st.heartbeat = d
		s.st.hb.Reset(d)
	}
}

// report hands an event to the agent.
func (s *Session) report(e Event) {
	s.log.Debug("report", "event", e)
	s.cfg.Report(e)
}
