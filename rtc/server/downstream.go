package server

import (
	"fmt"
	"slices"

	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"
)

// Downstream tracks: what a subscriber's PeerConnection sends it, one
// transceiver per forwarder. Everything here runs on the peer's worker.
//
// A transceiver whose track is removed is kept and given the next track of
// its kind, so that a subscriber's offer holds one m-line per track it gets
// now, not per track it ever got: otherwise every publisher join adds
// m-lines for good and after a dozen the offer outgrows
// signal.MaxMessageSize.
//
// Reuse waits until the client has answered an offer in which the m-line
// is inactive. A receiver that saw the m-line go inactive ends the old
// track and reports the new one as a new track (browsers fire ontrack with
// the new stream id u<uid>, pion's OnTrack fires); an m-line that changed
// publisher without going inactive in between would look to a browser like
// the same track going on, under the old publisher's stream.

// idleTransceiver is a send transceiver whose track was removed.
type idleTransceiver struct {
	t *webrtc.RTPTransceiver
	// offers is the peer's offer count at the removal: an answer to a
	// later offer told the client that the m-line is inactive.
	offers uint64
}

// addDownstream adds forwarder f's track and renegotiates.
func (p *peer) addDownstream(f *forwarder) {
	p.post(func() {
		p.addNow(f)
		p.negotiate()
	})
}

// removeDownstream removes forwarder f's track and renegotiates.
func (p *peer) removeDownstream(f *forwarder) {
	p.post(func() {
		if p.removeNow(f) {
			p.negotiate()
		}
	})
}

// addNow sends f's track on a transceiver of its own and starts reading
// what the subscriber says about it.
func (p *peer) addNow(f *forwarder) {
	if p.pc == nil || p.downstream[f] != nil {
		return
	}
	t, err := p.sendTransceiver(f.track)
	if err != nil {
		p.log.Error("add track", "track", f.track.ID(), "err", err)
		return
	}
	// The sender is taken here, not in the goroutine: a removeNow that runs
	// before the goroutine starts clears the transceiver's sender.
	sender := t.Sender()
	p.downstream[f] = t
	p.unbound = append(p.unbound, f)
	p.ch.srv.spawn(func() { p.readSenderRTCP(sender, f) })
}

// removeNow stops sending f's track and keeps its transceiver for reuse. It
// reports whether anything changed.
func (p *peer) removeNow(f *forwarder) bool {
	t := p.downstream[f]
	if t == nil {
		return false
	}
	delete(p.downstream, f)
	if err := p.pc.RemoveTrack(t.Sender()); err != nil {
		p.log.Debug("remove track", "track", f.track.ID(), "err", err)
		return true
	}
	p.idle = append(p.idle, idleTransceiver{t: t, offers: p.offers})
	return true
}

// sendTransceiver returns a transceiver sending track: a reusable idle one
// of its kind, else a new sendonly one.
func (p *peer) sendTransceiver(track *webrtc.TrackLocalStaticRTP) (*webrtc.RTPTransceiver, error) {
	if t := p.takeIdle(track.Kind()); t != nil {
		err := p.reuse(t, track)
		if err == nil {
			return t, nil
		}
		p.log.Warn("reuse transceiver", "mid", t.Mid(), "err", err)
	}
	t, err := p.pc.AddTransceiverFromTrack(track, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly})
	if err != nil {
		return nil, fmt.Errorf("new transceiver: %w", err)
	}
	return t, nil
}

// takeIdle removes from p.idle and returns the oldest transceiver of kind
// that the client knows to be inactive, or nil.
func (p *peer) takeIdle(kind webrtc.RTPCodecType) *webrtc.RTPTransceiver {
	for i, it := range p.idle {
		if it.t.Kind() == kind && p.answered > it.offers {
			p.idle = slices.Delete(p.idle, i, i+1)
			return it.t
		}
	}
	return nil
}

// reuse gives the idle transceiver t a new sender for track; its direction
// goes from inactive to sendonly (pion's SetSender). A transceiver that
// fails here is dropped, not retried.
func (p *peer) reuse(t *webrtc.RTPTransceiver, track *webrtc.TrackLocalStaticRTP) error {
	// The PeerConnection has one DTLS transport, SCTP's and the media's.
	sender, err := p.ch.srv.api.NewRTPSender(track, p.pc.SCTP().Transport())
	if err != nil {
		return fmt.Errorf("new sender: %w", err)
	}
	if err := t.SetSender(sender, track); err != nil {
		_ = sender.Stop()
		return fmt.Errorf("set sender: %w", err)
	}
	return nil
}

// readSenderRTCP reads what a subscriber says about one downstream track:
// receiver reports (data, for presence) and keyframe requests, passed on to
// the publisher. It ends when the sender stops.
func (p *peer) readSenderRTCP(sender *webrtc.RTPSender, f *forwarder) {
	for {
		pkts, _, err := sender.ReadRTCP()
		if err != nil {
			return
		}
		p.s.touch()
		for _, pkt := range pkts {
			switch pkt.(type) {
			case *rtcp.PictureLossIndication, *rtcp.FullIntraRequest:
				f.requestKeyframe()
			}
		}
	}
}
