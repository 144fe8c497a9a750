package media

import (
	"math/rand/v2"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4"
)

// mtu is the largest RTP payload the clip is cut into: it leaves room for
// the RTP, SRTP, UDP and IP headers within a 1280-byte path (IPv6's
// minimum), as pion does.
const mtu = 1200

// ClipSource loops a Clip forever at its frame rate, with continuous
// sequence numbers and timestamps that follow the wall clock (so a pause
// while not live shows as a pause, not as a jump in the picture's time).
// A keyframe request, or going live, jumps to the clip's next keyframe.
type ClipSource struct {
	clip    *Clip
	gate    gate
	out     sender
	payload codecs.VP8Payloader
	next    int       // index of the next frame to send
	epoch   time.Time // RTP timestamps count from here
	ts0     uint32
	wake    chan struct{}
	stop    chan struct{}
	done    chan struct{}
}

// NewClipSource starts looping clip; nothing is sent until SetLive(true).
func NewClipSource(clip *Clip) (*ClipSource, error) {
	track, err := newVideoTrack()
	if err != nil {
		return nil, err
	}
	s := &ClipSource{
		clip: clip, out: sender{track: track, seq: uint16(rand.Uint32())},
		payload: codecs.VP8Payloader{EnablePictureID: true},
		epoch:   time.Now(), ts0: rand.Uint32(),
		wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{}),
	}
	go s.run()
	return s, nil
}

// Track implements Source.
func (s *ClipSource) Track() webrtc.TrackLocal { return s.out.track }

// SetLive implements Source. Going live sends a keyframe at once.
func (s *ClipSource) SetLive(live bool) {
	s.gate.setLive(live)
	if live {
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
}

// RequestKeyframe implements Source: the next frame sent is the clip's
// next keyframe.
func (s *ClipSource) RequestKeyframe() { s.gate.requestKeyframe(time.Now()) }

// Stats implements Source.
func (s *ClipSource) Stats() SendStats { return s.out.stats() }

// Close implements Source.
func (s *ClipSource) Close() error {
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
	<-s.done
	return nil
}

// run sends one frame per period while live. A wake-up (going live) sends
// at once and restarts the period from there.
func (s *ClipSource) run() {
	defer close(s.done)
	tick := time.NewTicker(s.clip.Period)
	defer tick.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-tick.C:
		case <-s.wake:
			tick.Reset(s.clip.Period)
		}
		s.sendFrame()
	}
}

// sendFrame sends the next frame if live, or the next keyframe if one is
// owed.
func (s *ClipSource) sendFrame() {
	live, wantKey := s.gate.state()
	if !live {
		return
	}
	if wantKey {
		s.next = s.clip.NextKeyframe(s.next)
	}
	frame := s.clip.Frames[s.next]
	key := IsKeyframe(frame)
	if key {
		s.gate.keySent(time.Now())
	}
	s.next = (s.next + 1) % len(s.clip.Frames)
	ts := s.ts0 + uint32(time.Since(s.epoch)/time.Microsecond*videoClockRate/1e6)
	payloads := s.payload.Payload(mtu, frame)
	for i, p := range payloads {
		s.out.send(&rtp.Packet{
			Header:  rtp.Header{Version: 2, Marker: i == len(payloads)-1, Timestamp: ts},
			Payload: p,
		})
	}
	s.out.frameSent(key)
}
