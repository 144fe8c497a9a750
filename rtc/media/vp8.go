package media

import "github.com/pion/rtp/codecs"

// IsKeyframe reports whether frame, a whole VP8 frame, is a keyframe: bit 0
// of its first byte (the frame tag's P bit, RFC 6386 §9.1) is 0.
func IsKeyframe(frame []byte) bool {
	return len(frame) > 0 && frame[0]&0x01 == 0
}

// ParsePayload inspects the payload of one VP8 RTP packet (RFC 7741):
// start says it carries the beginning of a frame (S=1, partition 0), key
// that this frame is a keyframe. A payload that does not parse is neither.
// It does not allocate.
func ParsePayload(payload []byte) (start, key bool) {
	var p codecs.VP8Packet
	if _, err := p.Unmarshal(payload); err != nil {
		return false, false
	}
	if p.S != 1 || p.PID != 0 {
		return false, false
	}
	return true, IsKeyframe(p.Payload)
}
