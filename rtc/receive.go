package rtc

import (
	"encoding/binary"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/edge-agent/edge-agent/rtc/media"
	"github.com/pion/webrtc/v4"
)

// Packet describes one RTP packet received from another user, for
// Config.OnPacket.
type Packet struct {
	// UID is the publisher, from the track's stream id u<uid>; Track is the
	// track id, u<uid>-<kind>.
	UID   uint32
	Track string
	// At is when it was read.
	At        time.Time
	SSRC      uint32
	Seq       uint16
	Timestamp uint32
	Size      int
	// FrameStart says the packet starts a VP8 frame, Keyframe that this
	// frame is a keyframe (video tracks only).
	FrameStart, Keyframe bool
}

// TrackStats counts what one received track carried.
type TrackStats struct {
	UID   uint32
	Track string
	// SSRC and LastSeq are those of the last packet.
	SSRC    uint32
	LastSeq uint16
	Packets uint64
	Bytes   uint64
	// Frames and Keyframes count VP8 frame starts.
	Frames, Keyframes uint64
	Last              time.Time
}

// receiver reads the tracks the server sends, keeps their statistics and
// forwards them to the sink.
type receiver struct {
	s     *Session
	mu    sync.Mutex
	stats map[string]*TrackStats // by track id
}

func newReceiver(s *Session) *receiver {
	return &receiver{s: s, stats: map[string]*TrackStats{}}
}

// Received returns the statistics of every track received so far, by
// track id (u<uid>-<kind>). A track of the same id on a later
// PeerConnection adds to the same entry.
func (s *Session) Received() map[string]TrackStats {
	r := s.recv
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]TrackStats, len(r.stats))
	for id, st := range r.stats {
		out[id] = *st
	}
	return out
}

// start reads track until its PeerConnection closes (pion's OnTrack).
func (r *receiver) start(track *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
	uid := streamUID(track.StreamID())
	id := track.ID()
	video := track.Kind() == webrtc.RTPCodecTypeVideo &&
		strings.EqualFold(track.Codec().MimeType, webrtc.MimeTypeVP8)
	r.s.log.Info("receiving", "track", id, "uid", uid, "codec", track.Codec().MimeType)
	r.mu.Lock()
	if r.stats[id] == nil {
		r.stats[id] = &TrackStats{UID: uid, Track: id}
	}
	r.mu.Unlock()
	r.s.wg.Add(1)
	go r.read(track, uid, id, video)
}

// read is the reader goroutine of one track.
func (r *receiver) read(track *webrtc.TrackRemote, uid uint32, id string, vp8 bool) {
	defer r.s.wg.Done()
	sink := r.s.sink[0]
	if track.Kind() == webrtc.RTPCodecTypeAudio {
		sink = r.s.sink[1]
	}
	buf := make([]byte, 1500)
	for {
		n, _, err := track.Read(buf)
		if err != nil {
			return
		}
		p, ok := parseRTP(buf[:n], vp8)
		if !ok {
			continue
		}
		p.UID, p.Track, p.At = uid, id, time.Now()
		r.count(p)
		if sink != nil {
			_, _ = sink.Write(buf[:n]) // Nobody listening is not our problem.
		}
		if r.s.cfg.OnPacket != nil {
			r.s.cfg.OnPacket(p)
		}
	}
}

// count adds p to its track's statistics.
func (r *receiver) count(p Packet) {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := r.stats[p.Track]
	st.SSRC, st.LastSeq, st.Last = p.SSRC, p.Seq, p.At
	st.Packets++
	st.Bytes += uint64(p.Size)
	if p.FrameStart {
		st.Frames++
		if p.Keyframe {
			st.Keyframes++
		}
	}
}

// parseRTP reads what Packet needs from a raw RTP packet, without
// allocating.
func parseRTP(b []byte, vp8 bool) (Packet, bool) {
	if len(b) < 12 || b[0]>>6 != 2 {
		return Packet{}, false
	}
	p := Packet{
		Seq:       binary.BigEndian.Uint16(b[2:4]),
		Timestamp: binary.BigEndian.Uint32(b[4:8]),
		SSRC:      binary.BigEndian.Uint32(b[8:12]),
		Size:      len(b),
	}
	off := 12 + 4*int(b[0]&0x0f) // CSRCs
	if b[0]&0x10 != 0 && len(b) >= off+4 {
		off += 4 + 4*int(binary.BigEndian.Uint16(b[off+2:off+4]))
	}
	end := len(b)
	if b[0]&0x20 != 0 && end > 12 {
		end -= int(b[end-1]) // padding
	}
	if vp8 && off < end {
		p.FrameStart, p.Keyframe = media.ParsePayload(b[off:end])
	}
	return p, true
}

// streamUID returns the uid of a stream id u<uid>, 0 if it is not one.
func streamUID(streamID string) uint32 {
	n, err := strconv.ParseUint(strings.TrimPrefix(streamID, "u"), 10, 32)
	if err != nil || !strings.HasPrefix(streamID, "u") {
		return 0
	}
	return uint32(n)
}
