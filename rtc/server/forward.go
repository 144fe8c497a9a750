package server

import (
	"fmt"
	"sync"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// minKeyframeGap rate-limits PLIs to a publisher: subscribers joining
// together, or one with heavy loss, must not make the encoder send a
// keyframe per request (each is many times a normal frame).
const minKeyframeGap = 300 * time.Millisecond

// trackKey names a forwarded track: one per publisher uid and media kind.
type trackKey struct {
	uid  uint32
	kind webrtc.RTPCodecType
}

// upstream is the current source of a forwarder: a publisher's
// PeerConnection and the SSRC it sends.
type upstream struct {
	pc   *webrtc.PeerConnection
	ssrc uint32
}

// forwarder is the server-side track of one (publisher, kind): it is added
// to every subscriber's PeerConnection and outlives the publisher's
// PeerConnections, so that a resumed publisher is spliced into the same
// downstream tracks.
type forwarder struct {
	key     trackKey
	track   *webrtc.TrackLocalStaticRTP
	metrics *metrics

	mu      sync.Mutex
	gen     uint64 // which attach may write
	src     *upstream
	rw      rewriter
	lastPLI time.Time
	closed  bool
}

func newForwarder(k trackKey, codec webrtc.RTPCodecCapability, m *metrics) (*forwarder, error) {
	id := fmt.Sprintf("u%d-%s", k.uid, k.kind)
	track, err := webrtc.NewTrackLocalStaticRTP(codec, id, fmt.Sprintf("u%d", k.uid))
	if err != nil {
		return nil, fmt.Errorf("new track %s: %w", id, err)
	}
	return &forwarder{key: k, track: track, metrics: m, rw: rewriter{clockRate: codec.ClockRate}}, nil
}

// attach makes src the source; packets of earlier sources are dropped from
// now on. It returns the generation the new source writes with.
func (f *forwarder) attach(src *upstream) uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gen++
	f.src = src
	f.rw.newSource()
	f.lastPLI = time.Time{}
	return f.gen
}

// forward rewrites p and writes it to every subscriber, if gen is still
// the current source. Header extensions are dropped: their ids were
// negotiated on the publisher's connection, not the subscribers'.
func (f *forwarder) forward(gen uint64, p *rtp.Packet) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if gen != f.gen || f.closed {
		return
	}
	p.Header.Extension, p.Header.Extensions, p.Header.ExtensionProfile = false, nil, 0
	f.rw.rewrite(&p.Header, time.Now())
	// An error names subscribers whose binding is going away; the others
	// were written.
	_ = f.track.WriteRTP(p)
	f.metrics.rtpPackets.Add(1)
	f.metrics.rtpBytes.Add(uint64(p.Header.MarshalSize() + len(p.Payload)))
}

// requestKeyframe asks the current source for a keyframe (RTCP PLI), at
// most once per minKeyframeGap. Audio has no keyframes.
func (f *forwarder) requestKeyframe() {
	if f.key.kind != webrtc.RTPCodecTypeVideo {
		return
	}
	f.mu.Lock()
	src, now := f.src, time.Now()
	if src == nil || f.closed || now.Sub(f.lastPLI) < minKeyframeGap {
		f.mu.Unlock()
		return
	}
	f.lastPLI = now
	f.mu.Unlock()
	if err := src.pc.WriteRTCP([]rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: src.ssrc}}); err == nil {
		f.metrics.keyframeRequests.Add(1)
	}
}

func (f *forwarder) close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	f.src = nil
}

func (f *forwarder) codecMime() string { return f.track.Codec().MimeType }
