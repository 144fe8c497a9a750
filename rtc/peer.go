package rtc

import (
	"fmt"
	"strings"

	"github.com/edge-agent/edge-agent/rtc/signal"
	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"
)

// peer is one PeerConnection of the session. The server offers; the
// session answers (PROTOCOL.md, "Negotiation").
type peer struct {
	pc        *webrtc.PeerConnection
	ufrag     string // the server's ICE username fragment in the last offer
	described bool   // an offer was applied
}

// newPeer creates a PeerConnection whose callbacks submit work to the loop.
// It gathers its ICE candidates at once, into a pool (of size 1, the only
// size pion supports) that the answer's SetLocalDescription hands out: made
// before the offer comes (preparePeer), it has them ready, and its first
// connectivity checks go out as the answer is applied.
func (s *Session) newPeer() (*peer, error) {
	pc, err := s.api.NewPeerConnection(webrtc.Configuration{ICECandidatePoolSize: 1})
	if err != nil {
		return nil, fmt.Errorf("new peer connection: %w", err)
	}
	p := &peer{pc: pc}
	pc.OnICECandidate(func(c *webrtc.ICECandidate) { s.q.push(func() { s.onLocalCandidate(p, c) }) })
	pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) { s.q.push(func() { s.onPeerState(p, st) }) })
	pc.OnICEConnectionStateChange(func(st webrtc.ICEConnectionState) { s.q.push(func() { s.onICEState(p, st) }) })
	pc.OnTrack(s.recv.start)
	return p, nil
}

// onOffer answers an offer: on a new PeerConnection after each joined, on
// the current one otherwise (tracks added or removed, ICE restart).
func (s *Session) onOffer(m *signal.Offer) {
	if !s.st.joined {
		s.log.Warn("signalling: offer before joined; ignored")
		return
	}
	fresh := s.st.newPC || s.st.pc == nil
	if fresh {
		if old := s.st.pc; old != nil {
			s.closePeer(old, false)
		}
		p, err := s.takePeer()
		if err != nil {
			s.dropTransport(false)
			s.lost(err)
			return
		}
		s.st.pc, s.st.newPC = p, false
	}
	if err := s.answer(s.st.pc, m.SDP, fresh); err != nil {
		s.dropTransport(false)
		s.lost(fmt.Errorf("negotiate: %w", err))
	}
}

// preparePeer makes the PeerConnection for the server's next offer while
// the server is still answering the join: making one (certificate, ICE
// agent, candidate gathering) takes about a millisecond, which the offer
// then does not wait for. A failure is left for onOffer to meet again.
func (s *Session) preparePeer() {
	if s.st.spare != nil {
		return
	}
	p, err := s.newPeer()
	if err != nil {
		s.log.Warn("prepare a peer connection", "err", err)
		return
	}
	s.st.spare = p
}

// takePeer returns the prepared PeerConnection, or a new one.
func (s *Session) takePeer() (*peer, error) {
	if p := s.st.spare; p != nil {
		s.st.spare = nil
		return p, nil
	}
	return s.newPeer()
}

// answer applies offer to p and sends the answer. On a new PeerConnection
// the published track takes the offered video m-line.
func (s *Session) answer(p *peer, offer string, fresh bool) error {
	err := p.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer})
	if err != nil {
		return fmt.Errorf("apply offer: %w", err)
	}
	if fresh && s.src != nil {
		sender, err := p.pc.AddTrack(s.src.Track())
		if err != nil {
			return fmt.Errorf("add track: %w", err)
		}
		s.readRTCP(sender)
	}
	ans, err := p.pc.CreateAnswer(nil)
	if err != nil {
		return fmt.Errorf("create answer: %w", err)
	}
	if err := p.pc.SetLocalDescription(ans); err != nil {
		return fmt.Errorf("apply answer: %w", err)
	}
	s.send(&signal.Answer{SDP: ans.SDP})
	ufrag := iceUfrag(offer)
	if a := s.st.att; a != nil && a.kind == attemptICERestart && p.described && ufrag != p.ufrag {
		a.restartApplied = true
	}
	p.ufrag, p.described = ufrag, true
	return nil
}

// iceUfrag returns the first a=ice-ufrag of sdp ("" if none).
func iceUfrag(sdp string) string {
	const attr = "a=ice-ufrag:"
	i := strings.Index(sdp, attr)
	if i < 0 {
		return ""
	}
	v := sdp[i+len(attr):]
	if j := strings.IndexAny(v, "\r\n"); j >= 0 {
		v = v[:j]
	}
	return v
}

// onCandidate adds a candidate of the server's.
func (s *Session) onCandidate(m *signal.Candidate) {
	p := s.st.pc
	if m.Candidate == "" || p == nil || s.st.newPC || !p.described {
		return // End of candidates, or none for a PeerConnection of ours.
	}
	init := webrtc.ICECandidateInit{
		Candidate: m.Candidate, SDPMid: m.SDPMid, SDPMLineIndex: m.SDPMLineIndex, UsernameFragment: m.UsernameFragment,
	}
	if err := p.pc.AddICECandidate(init); err != nil {
		s.log.Warn("signalling: bad candidate from the server", "err", err)
	}
}

// onLocalCandidate trickles one of our candidates (nil: gathering done).
func (s *Session) onLocalCandidate(p *peer, c *webrtc.ICECandidate) {
	if p != s.st.pc || s.st.conn == nil {
		return
	}
	if c == nil {
		s.send(&signal.Candidate{})
		return
	}
	init := c.ToJSON()
	s.send(&signal.Candidate{
		Candidate: init.Candidate, SDPMid: init.SDPMid, SDPMLineIndex: init.SDPMLineIndex,
		UsernameFragment: init.UsernameFragment,
	})
}

// onPeerState follows the PeerConnection's state: connected completes a
// join or resume and lets media flow; failed or closed breaks the
// transport.
func (s *Session) onPeerState(p *peer, st webrtc.PeerConnectionState) {
	if p != s.st.pc {
		return
	}
	s.log.Debug("peer connection", "state", st)
	switch st {
	case webrtc.PeerConnectionStateConnected:
		if s.src != nil {
			s.src.SetLive(true)
		}
		if a := s.st.att; a != nil && a.kind != attemptICERestart && s.st.joined {
			a.connected = true
			s.completeJoin() // Once the state file is written too.
		}
	case webrtc.PeerConnectionStateFailed, webrtc.PeerConnectionStateClosed:
		// Closed: the server closed it (DTLS close), as the session drops its
		// PeerConnection before closing it itself.
		if s.src != nil {
			s.src.SetLive(false)
		}
		s.lost(fmt.Errorf("peer connection %s", st))
	}
}

// onICEState completes an ICE restart: ICE checking after the restart
// offer was applied, then connected again.
func (s *Session) onICEState(p *peer, st webrtc.ICEConnectionState) {
	a := s.st.att
	if p != s.st.pc || a == nil || a.kind != attemptICERestart || !a.restartApplied {
		return
	}
	switch st {
	case webrtc.ICEConnectionStateChecking:
		a.checking = true
	case webrtc.ICEConnectionStateConnected, webrtc.ICEConnectionStateCompleted:
		if a.checking {
			s.finish(Joined{Peers: s.st.peerList(), Resumed: true})
		}
	}
}

// readRTCP reads what the server says about our published track: keyframe
// requests go to the source; everything goes through the interceptors
// (NACK, reports) and counts as data from the server.
func (s *Session) readRTCP(sender *webrtc.RTPSender) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			pkts, _, err := sender.ReadRTCP()
			if err != nil {
				return
			}
			for _, pkt := range pkts {
				switch pkt.(type) {
				case *rtcp.PictureLossIndication, *rtcp.FullIntraRequest:
					s.log.Debug("keyframe requested by the server")
					s.src.RequestKeyframe()
				}
			}
		}
	}()
}

// closePeer closes a PeerConnection: at once and waiting, or in the
// background so that a resume need not wait for it.
func (s *Session) closePeer(p *peer, wait bool) {
	closeIt := func() {
		if err := p.pc.GracefulClose(); err != nil {
			s.log.Debug("close peer connection", "err", err)
		}
	}
	if wait {
		closeIt()
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		closeIt()
	}()
}
