package server

import (
	"strings"

	"github.com/pion/webrtc/v4"
)

// onTrack runs on the goroutine pion starts for each track a publisher
// sends: it finds (or creates) the forwarder for (uid, kind), makes this
// track its source and forwards every packet until the track ends.
func (p *peer) onTrack(remote *webrtc.TrackRemote, recv *webrtc.RTPReceiver) {
	if !p.ch.srv.enter() {
		return
	}
	defer p.ch.srv.wg.Done()
	f, gen := p.ch.upstreamTrack(p, remote)
	if f == nil {
		return
	}
	p.log.Info("publishing", "kind", remote.Kind(), "codec", remote.Codec().MimeType, "ssrc", remote.SSRC())
	f.requestKeyframe()
	p.ch.srv.spawn(func() { p.readReceiverRTCP(recv) })
	for {
		pkt, _, err := remote.ReadRTP()
		if err != nil {
			return
		}
		p.s.touch()
		f.forward(gen, pkt)
	}
}

// readReceiverRTCP reads the publisher's sender reports: data, for presence.
func (p *peer) readReceiverRTCP(recv *webrtc.RTPReceiver) {
	for {
		if _, _, err := recv.ReadRTCP(); err != nil {
			return
		}
		p.s.touch()
	}
}

// upstreamTrack attaches a publisher's new track to its forwarder, creating
// the forwarder (and adding it to every subscriber) on first use. A resumed
// publisher finds its forwarder and is spliced in; a codec change replaces
// the forwarder, since subscribers negotiated the old codec. It returns nil
// for a peer that is no longer its session's.
func (ch *channel) upstreamTrack(p *peer, remote *webrtc.TrackRemote) (*forwarder, uint64) {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if p.s.ended || p.s.peer != p {
		return nil, 0
	}
	k := trackKey{uid: p.s.uid, kind: remote.Kind()}
	codec := remote.Codec().RTPCodecCapability
	f := ch.relay[k]
	if f != nil && !strings.EqualFold(f.codecMime(), codec.MimeType) {
		ch.dropForwarder(f)
		f = nil
	}
	if f == nil {
		var err error
		if f, err = newForwarder(k, codec, ch.srv.metrics); err != nil {
			p.log.Error("forwarder", "err", err)
			return nil, 0
		}
		ch.relay[k] = f
		ch.others(p.s, func(v *session) {
			if v.peer != nil {
				v.peer.addDownstream(f)
			}
		})
	}
	return f, f.attach(&upstream{pc: p.pc, ssrc: uint32(remote.SSRC())})
}

// startPeer gives s a new PeerConnection on connection c, with every other
// publisher's tracks (under ch.mu).
func (ch *channel) startPeer(s *session, c *conn) {
	if ch.srv.api == nil {
		return
	}
	p := newPeer(ch, s, c)
	s.peer = p
	var initial []*forwarder
	for k, f := range ch.relay {
		if k.uid != s.uid {
			initial = append(initial, f)
		}
	}
	p.post(func() { p.start(initial) })
	ch.srv.spawn(p.q.run)
}

func (ch *channel) stopPeer(s *session) {
	if s.peer != nil {
		s.peer.close()
		s.peer = nil
	}
}

// removePublisher drops uid's forwarders: subscribers lose its tracks.
func (ch *channel) removePublisher(uid uint32) {
	for k, f := range ch.relay {
		if k.uid == uid {
			ch.dropForwarder(f)
		}
	}
}

func (ch *channel) dropForwarder(f *forwarder) {
	delete(ch.relay, f.key)
	f.close()
	for _, v := range ch.sessions {
		if v.peer != nil {
			v.peer.removeDownstream(f)
		}
	}
}

// publishing lists the kinds forwarded from uid, for the channels API.
func (ch *channel) publishing(uid uint32) []string {
	out := []string{}
	for k := range ch.relay {
		if k.uid == uid {
			out = append(out, k.kind.String())
		}
	}
	return out
}
