package server

import (
	"fmt"
	"log/slog"

	"github.com/edge-agent/edge-agent/rtc/signal"
	"github.com/pion/webrtc/v4"
)

// maxEarlyCandidates bounds the candidates kept before the answer arrives;
// a client gathers a handful per interface.
const maxEarlyCandidates = 64

// peer is the server's PeerConnection for one session on one signalling
// connection. Its worker goroutine (q.run) owns every field after q: all
// work is posted to it, so that negotiation never races with track changes.
//
// The server always offers, the client only answers (PROTOCOL.md): one offer
// is outstanding at a time and changes made meanwhile are folded into the
// next, so there is no glare.
type peer struct {
	ch  *channel
	s   *session
	c   *conn
	log *slog.Logger
	q   *workQueue

	pc           *webrtc.PeerConnection
	downstream   map[*forwarder]*webrtc.RTPTransceiver // what each forwarded track is sent on
	idle         []idleTransceiver                     // send transceivers whose track was removed
	offers       uint64                                // offers made on pc
	answered     uint64                                // offers answered (the value of offers then)
	offerPending bool
	needOffer    bool
	iceRestart   bool
	early        []webrtc.ICECandidateInit
	unbound      []*forwarder // added since the last answer: want a keyframe once bound
}

func newPeer(ch *channel, s *session, c *conn) *peer {
	return &peer{ch: ch, s: s, c: c, q: newWorkQueue(), downstream: map[*forwarder]*webrtc.RTPTransceiver{},
		log: c.log.With("uid", s.uid, "session", s.id)}
}

func (p *peer) post(f func()) { p.q.post(f) }

// close closes the PeerConnection and ends the worker, after the work
// already queued.
func (p *peer) close() {
	p.post(func() {
		if p.pc != nil {
			if err := p.pc.GracefulClose(); err != nil {
				p.log.Debug("close peer connection", "err", err)
			}
		}
		p.q.stop()
	})
}

// start creates the PeerConnection with the downstream tracks it begins
// with, and offers.
func (p *peer) start(initial []*forwarder) {
	pc, err := p.ch.srv.api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		p.log.Error("new peer connection", "err", err)
		return
	}
	p.pc = pc
	for _, kind := range []webrtc.RTPCodecType{webrtc.RTPCodecTypeAudio, webrtc.RTPCodecTypeVideo} {
		if _, err := pc.AddTransceiverFromKind(kind, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
			p.log.Error("add receive transceiver", "kind", kind, "err", err)
		}
	}
	pc.OnICECandidate(func(c *webrtc.ICECandidate) { p.post(func() { p.sendCandidate(c) }) })
	pc.OnTrack(p.onTrack)
	pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) { p.log.Debug("peer connection", "state", st) })
	for _, f := range initial {
		p.addNow(f)
	}
	p.negotiate()
}

// negotiate sends an offer, or notes that one is needed once the
// outstanding offer is answered.
func (p *peer) negotiate() {
	if p.pc == nil {
		return
	}
	if p.offerPending {
		p.needOffer = true
		return
	}
	offer, err := p.pc.CreateOffer(&webrtc.OfferOptions{ICERestart: p.iceRestart})
	if err == nil {
		err = p.pc.SetLocalDescription(offer)
	}
	if err != nil {
		p.log.Error("offer", "err", err)
		return
	}
	p.offers++
	p.offerPending, p.needOffer, p.iceRestart = true, false, false
	p.c.send(&signal.Offer{SDP: offer.SDP})
}

// answer applies the client's answer to the outstanding offer.
func (p *peer) answer(sdp string) {
	if p.pc == nil || !p.offerPending {
		p.c.refuse(outOfOrder(signal.TypeAnswer, "answer with no offer pending"))
		return
	}
	if err := p.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: sdp}); err != nil {
		p.c.refuse(&signal.Error{Code: signal.CodeMalformed, Ref: signal.TypeAnswer, Detail: fmt.Sprintf("answer refused: %v", err)})
		return
	}
	p.offerPending, p.answered = false, p.offers
	for _, c := range p.early {
		p.addCandidate(c)
	}
	p.early = nil
	for _, f := range p.unbound {
		f.requestKeyframe()
	}
	p.unbound = nil
	if p.needOffer {
		p.negotiate()
	}
}

// candidate adds a client candidate, or keeps it until the answer.
func (p *peer) candidate(m *signal.Candidate) {
	if m.Candidate == "" || p.pc == nil {
		return // end of candidates: pion needs no notice
	}
	c := webrtc.ICECandidateInit{Candidate: m.Candidate, SDPMid: m.SDPMid,
		SDPMLineIndex: m.SDPMLineIndex, UsernameFragment: m.UsernameFragment}
	if p.pc.RemoteDescription() == nil {
		if len(p.early) < maxEarlyCandidates {
			p.early = append(p.early, c)
		}
		return
	}
	p.addCandidate(c)
}

func (p *peer) addCandidate(c webrtc.ICECandidateInit) {
	if err := p.pc.AddICECandidate(c); err != nil {
		p.c.refuse(&signal.Error{Code: signal.CodeMalformed, Ref: signal.TypeCandidate, Detail: fmt.Sprintf("candidate refused: %v", err)})
	}
}

func (p *peer) sendCandidate(c *webrtc.ICECandidate) {
	if c == nil {
		p.c.send(&signal.Candidate{})
		return
	}
	init := c.ToJSON()
	p.c.send(&signal.Candidate{Candidate: init.Candidate, SDPMid: init.SDPMid,
		SDPMLineIndex: init.SDPMLineIndex, UsernameFragment: init.UsernameFragment})
}

func (p *peer) restartICE() {
	p.iceRestart = true
	p.negotiate()
}
