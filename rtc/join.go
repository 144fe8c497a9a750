package rtc

import (
	"errors"
	"time"

	"github.com/edge-agent/edge-agent/rtc/signal"
	"github.com/gorilla/websocket"
)

// leaveWait bounds how long Stop(true) waits for the leave to be written.
const leaveWait = 500 * time.Millisecond

// join starts a join (Session.Join).
func (s *Session) join(channel string, uid uint32, token string, fresh bool) {
	s.beginAttempt(attemptJoin)
	s.dropTransport(false)
	s.st.active, s.st.channel, s.st.uid, s.st.token = true, channel, uid, token
	s.st.session, s.st.secret = "", ""
	s.st.peers = map[uint32]struct{}{}
	if reason, msg := localRefusal(s.cfg.AppID, channel, uid, token); reason != 0 {
		s.refuse(reason, msg)
		return
	}
	var resume *resumeState
	if fresh {
		s.removeState()
	} else {
		resume = s.savedSession()
	}
	s.connect(resume)
}

// reconnect makes one recovery attempt (Session.Reconnect).
func (s *Session) reconnect(n int, iceRestart bool) {
	if !s.st.active {
		s.report(AttemptFailed{Err: errors.New("reconnect: no session (join first)")})
		return
	}
	s.log.Info("reconnect", "attempt", n, "ice_restart", iceRestart)
	if iceRestart && s.st.conn != nil && s.st.joined && s.st.pc != nil {
		s.beginAttempt(attemptICERestart)
		s.send(&signal.RestartICE{})
		return
	}
	s.beginAttempt(attemptResume)
	s.dropTransport(false)
	s.connect(s.heldSession())
}

// stop ends the transport (Session.Stop); a running attempt ends silently.
func (s *Session) stop(leave bool) {
	if a := s.st.att; a != nil {
		a.timer.Stop()
		s.st.att, s.st.held = nil, nil
	}
	if c := s.st.conn; leave && c != nil && s.st.joined {
		s.send(&signal.Leave{})
		closeConn(c, true, leaveWait)
		s.st.conn = nil
	} else if r := s.heldSession(); leave && s.st.active && r != nil {
		s.dropTransport(false)
		if err := s.leaveAnew(r); err != nil {
			s.log.Warn("could not leave: peers will see the session dropped", "err", err)
		}
	}
	s.dropTransport(true)
	if leave {
		s.forgetSession()
	}
	s.st.active = false
}

// renewToken keeps token for later attempts and sends it now if joined.
func (s *Session) renewToken(token string) {
	s.st.token = token
	if s.st.conn != nil && s.st.joined {
		s.send(&signal.RenewToken{Token: token})
	}
}

// connect opens a signalling connection that will join, resuming resume
// if it is not nil.
func (s *Session) connect(resume *resumeState) {
	s.st.resume = resume
	s.st.joined = false
	s.st.conn = s.dial()
}

// onDialed continues an attempt when its dial has ended.
func (s *Session) onDialed(c *wsConn, ws *websocket.Conn, err error) {
	if c != s.st.conn {
		if ws != nil {
			ws.Close()
		}
		return
	}
	if err != nil {
		s.lost(err)
		return
	}
	s.startConn(c, ws)
	if s.st.resume == nil {
		s.sendJoin(nil, "") // A fresh join need not wait for hello.
	}
}

// sendJoin sends the join, with a resume proof made with nonce if resume
// is not nil.
func (s *Session) sendJoin(resume *resumeState, nonce string) {
	j := &signal.Join{AppID: s.cfg.AppID, Channel: s.st.channel, UID: s.st.uid, Token: s.st.token, Kind: signal.KindNative}
	if resume != nil {
		claim := signal.ResumeClaim{AppID: resume.AppID, Channel: resume.Channel, UID: resume.UID, Session: resume.Session, Nonce: nonce}
		j.Resume = &signal.Resume{Session: resume.Session, Proof: claim.Proof(resume.ResumeSecret)}
	}
	s.send(j)
	s.preparePeer() // joined, then the offer, take a round trip and more.
}

// dropTransport closes the signalling connection and the PeerConnections
// (waiting for them when wait is set) and pauses the media.
func (s *Session) dropTransport(wait bool) {
	if c := s.st.conn; c != nil {
		closeConn(c, false, 0)
	}
	s.st.conn, s.st.joined, s.st.resume = nil, false, nil
	if p := s.st.pc; p != nil {
		s.closePeer(p, wait)
	}
	s.st.pc = nil
	if p := s.st.spare; p != nil {
		s.closePeer(p, wait)
	}
	s.st.spare = nil
	if s.src != nil {
		s.src.SetLive(false)
	}
}

// localRefusal returns the reason (and a message) for which the server
// would refuse this join, or 0: such a join is refused without asking.
func localRefusal(appID, channel string, uid uint32, token string) (int, string) {
	switch {
	case !signal.ValidName(appID):
		return signal.ReasonInvalidAppID, "app id must be 1-64 characters of [A-Za-z0-9_-]"
	case !signal.ValidName(channel):
		return signal.ReasonInvalidChannelName, "channel name must be 1-64 characters of [A-Za-z0-9_-]"
	case uid == 0:
		return signal.ReasonRejectedByServer, "uid 0 is invalid"
	}
	j := signal.Join{AppID: appID, Channel: channel, UID: uid, Token: token, Kind: signal.KindNative}
	if err := j.Validate(); err != nil {
		return signal.ReasonInvalidToken, err.Error()
	}
	return 0, ""
}
