package rtc

import (
	"fmt"

	"github.com/edge-agent/edge-agent/rtc/signal"
)

// onMessage handles one message from the server on connection c.
func (s *Session) onMessage(c *wsConn, b signal.Body) {
	if c != s.st.conn {
		return // A connection already dropped.
	}
	switch m := b.(type) {
	case *signal.Hello:
		s.onHello(c, m)
	case *signal.Joined:
		s.onJoined(m)
	case *signal.PeerJoined:
		s.st.peers[m.UID] = struct{}{}
		s.notify(PeerJoined{UID: m.UID})
	case *signal.PeerOffline:
		delete(s.st.peers, m.UID)
		s.notify(PeerOffline{UID: m.UID, Reason: m.Reason.Code()})
	case *signal.Heartbeat: // Its arrival was all it had to say (LastData).
	case *signal.Offer:
		s.onOffer(m)
	case *signal.Candidate:
		s.onCandidate(m)
	case *signal.TokenRenewed:
		s.notify(TokenAccepted{})
	case *signal.TokenWillExpire:
		s.notify(TokenWillExpire{})
	case *signal.Kicked:
		s.log.Warn("kicked by the server", "message", m.Message)
		s.refuse(signal.ReasonBannedByServer, m.Message)
	case *signal.ErrorMsg:
		s.onError(m)
	default:
		s.log.Warn("signalling: ignored a message only clients send", "type", b.Type())
	}
}

// onHello sends the join that waited for the connection's nonce.
func (s *Session) onHello(c *wsConn, m *signal.Hello) {
	c.nonce = m.Nonce
	s.setHeartbeat(m.HeartbeatMS)
	if r := s.st.resume; r != nil && !s.st.joined {
		s.sendJoin(r, m.Nonce)
	}
}

// onJoined takes the session the server gave. The attempt succeeds when
// the PeerConnection that the next offer sets up is connected.
func (s *Session) onJoined(m *signal.Joined) {
	r := s.st.resume
	kept := m.Resumed && r != nil && r.Session == m.Session && r.ResumeSecret == m.ResumeSecret
	s.st.session, s.st.secret = m.Session, m.ResumeSecret
	s.st.joined, s.st.resume, s.st.newPC, s.st.resumed = true, nil, true, m.Resumed
	if a := s.st.att; a != nil {
		a.connected = false // The PeerConnection that counts is the next offer's.
	}
	s.setHeartbeat(m.HeartbeatMS)
	s.st.peers = make(map[uint32]struct{}, len(m.Peers))
	for _, p := range m.Peers {
		s.st.peers[p.UID] = struct{}{}
	}
	s.log.Info("joined", "session", m.Session, "resumed", m.Resumed, "peers", len(m.Peers))
	if !kept {
		s.saveSession() // A resumed session's file already says all this.
	}
}

// onError handles a refusal.
func (s *Session) onError(m *signal.ErrorMsg) {
	if m.Code == signal.CodeResumeRejected && !s.st.joined {
		s.log.Warn("resume rejected; joining afresh", "message", m.Message)
		s.forgetSession()
		s.st.resume = nil
		s.sendJoin(nil, "")
		return
	}
	if !m.Fatal {
		s.log.Warn("the server refused a message", "code", m.Code, "ref", m.Ref, "message", m.Message)
		return
	}
	if reason, ok := m.Code.Reason(); ok {
		s.refuse(reason, m.Message)
		return
	}
	s.dropTransport(false)
	s.lost(fmt.Errorf("server error %s: %s", m.Code, m.Message))
}

// onConnLost handles the end of connection c.
func (s *Session) onConnLost(c *wsConn, err error) {
	if c != s.st.conn {
		return
	}
	closeConn(c, false, 0)
	s.st.conn, s.st.joined = nil, false
	if s.st.att != nil {
		s.fail(err)
		return
	}
	if s.st.active {
		s.report(Down{Err: err})
	}
}

// notify reports news from the server. During a join or resume it waits
// for the attempt's outcome, so that the agent hears of the session before
// its news: peer events are then folded into Joined.Peers (and dropped if
// the attempt fails), token events follow the outcome.
func (s *Session) notify(e Event) {
	if a := s.st.att; a == nil || a.kind == attemptICERestart {
		s.report(e)
		return
	}
	switch e.(type) {
	case PeerJoined, PeerOffline:
	default:
		s.st.held = append(s.st.held, e)
	}
}
