package server

import (
	"time"

	"github.com/pion/rtp"
)

// rewriter makes the RTP of successive upstream sources (a publisher's
// PeerConnections across resumes, or an SSRC change within one) one
// continuous stream: sequence numbers go on from the last one sent, and
// timestamps advance by the wall-clock time between the last packet of the
// old source and the first of the new one, so that a receiver's jitter
// buffer sees a pause, not a jump. The downstream SSRC is the subscriber
// binding's own (TrackLocalStaticRTP sets it) and never changes.
type rewriter struct {
	clockRate uint32

	sent    bool // a packet has been sent
	lastSeq uint16
	lastTS  uint32
	lastAt  time.Time

	src    uint32 // SSRC of the source being rewritten
	fresh  bool   // the next packet starts a new source
	seqOff uint16
	tsOff  uint32
}

// newSource makes the next packet start a new source even if its SSRC is
// the old one.
func (r *rewriter) newSource() { r.fresh = true }

// rewrite rewrites h in place.
func (r *rewriter) rewrite(h *rtp.Header, now time.Time) {
	if r.fresh || h.SSRC != r.src {
		r.rebase(h, now)
	}
	h.SequenceNumber += r.seqOff
	h.Timestamp += r.tsOff
	if !r.sent || seqAfter(h.SequenceNumber, r.lastSeq) {
		r.lastSeq, r.lastTS, r.lastAt = h.SequenceNumber, h.Timestamp, now
	}
	r.sent = true
}

// maxGap caps the timestamp advance across a source change so that it fits
// in 32 bits at any clock rate up to 1 MHz (RTP video is 90 kHz).
const maxGap = time.Hour

// rebase sets the offsets so that h follows the last packet sent. The first
// source of a track passes through unchanged.
func (r *rewriter) rebase(h *rtp.Header, now time.Time) {
	r.src, r.fresh = h.SSRC, false
	if !r.sent {
		return
	}
	r.seqOff = r.lastSeq + 1 - h.SequenceNumber
	gap := min(now.Sub(r.lastAt), maxGap)
	ticks := uint32(max(1, gap.Seconds()*float64(r.clockRate)))
	r.tsOff = r.lastTS + ticks - h.Timestamp
}

// seqAfter reports whether sequence number a comes after b, modulo 2^16.
func seqAfter(a, b uint16) bool { return a != b && a-b < 1<<15 }
