package media

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// Source is media an agent publishes on one video track.
type Source interface {
	// Track is the track to add to each PeerConnection. It outlives them.
	Track() webrtc.TrackLocal
	// SetLive says whether a PeerConnection is connected and can carry
	// media. A source sends nothing while not live, and starts each live
	// period with a keyframe.
	SetLive(live bool)
	// RequestKeyframe asks for a keyframe as soon as possible (RTCP PLI or
	// FIR from the server). Requests closer than KeyframeMinInterval to the
	// last keyframe sent or request honoured are ignored.
	RequestKeyframe()
	// Stats returns what the source sent so far.
	Stats() SendStats
	// Close stops the source and waits for its goroutine to end.
	Close() error
}

// KeyframeMinInterval is the shortest time between two keyframe requests
// that a source honours: a subscriber that keeps losing packets may send a
// PLI every round trip, and answering each with a keyframe (several times
// the size of a delta frame) would make the loss worse.
const KeyframeMinInterval = 250 * time.Millisecond

// SendStats counts what a source sent.
type SendStats struct {
	Packets, Bytes, Frames, Keyframes uint64
}

// videoClockRate is the RTP clock rate of VP8 (RFC 7741).
const videoClockRate = 90000

// newVideoTrack returns the VP8 track a source writes to.
func newVideoTrack() (*webrtc.TrackLocalStaticRTP, error) {
	return webrtc.NewTrackLocalStaticRTP(
		webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: videoClockRate},
		"video", "edge-agent")
}

// gate decides when a source sends: only while live, and after going live
// or a keyframe request, from a keyframe on.
type gate struct {
	mu      sync.Mutex
	live    bool
	wantKey bool
	lastKey time.Time // when a keyframe last went out or was asked for
}

// setLive changes liveness; going live asks for a keyframe.
func (g *gate) setLive(live bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if live && !g.live {
		g.wantKey = true
	}
	g.live = live
}

// requestKeyframe asks for a keyframe unless one went out (or was asked
// for) too recently: the receiver that asked gets that one.
func (g *gate) requestKeyframe(now time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.live && now.Sub(g.lastKey) >= KeyframeMinInterval {
		g.wantKey, g.lastKey = true, now
	}
}

// state returns whether the source is live and whether it owes a keyframe.
func (g *gate) state() (live, wantKey bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.live, g.wantKey
}

// keySent says a keyframe went out at now.
func (g *gate) keySent(now time.Time) {
	g.mu.Lock()
	g.wantKey, g.lastKey = false, now
	g.mu.Unlock()
}

// sender numbers packets continuously and counts them.
type sender struct {
	track                             *webrtc.TrackLocalStaticRTP
	seq                               uint16
	packets, bytes, frames, keyframes atomic.Uint64
}

// send writes p with the next sequence number. Errors of single bindings
// are not the source's business: the session notices a broken transport.
func (s *sender) send(p *rtp.Packet) {
	p.SequenceNumber = s.seq
	s.seq++
	s.packets.Add(1)
	s.bytes.Add(uint64(len(p.Payload)))
	_ = s.track.WriteRTP(p)
}

// frameSent counts a frame.
func (s *sender) frameSent(key bool) {
	s.frames.Add(1)
	if key {
		s.keyframes.Add(1)
	}
}

func (s *sender) stats() SendStats {
	return SendStats{s.packets.Load(), s.bytes.Load(), s.frames.Load(), s.keyframes.Load()}
}
