package rtc

import (
	"fmt"

	"github.com/pion/webrtc/v4"
)

// The agent's codecs: VP8 (with RTX for retransmissions) and Opus, under
// the payload types of pion's defaults, which the server also offers them
// with (README.md, "Media in"). The agent publishes VP8 only, and its sink
// documents VP8 and Opus.
//
// Registering no more than these is what makes a join fast: pion matches
// every codec of an offer against every codec its MediaEngine holds,
// parsing both fmtp lines each time. With pion's ~30 default codecs on
// both sides, applying the server's offer took 1.7–2.5 ms and the server's
// applying of the answer 1.3–1.5 ms (two PeerConnections in one process,
// on the project's 2-core EPYC); with these three, 0.8 ms and 0.2 ms.
const (
	payloadVP8  = 96    // pion's default for VP8
	payloadRTX  = 97    // pion's default for VP8's retransmissions
	payloadOpus = 111   // pion's default for Opus
	clockVideo  = 90000 // VP8's RTP clock rate (RFC 7741)
	clockOpus   = 48000 // Opus's RTP clock rate, always (RFC 7587)
	opusStereo  = 2     // Opus is always signalled as 2 channels (RFC 7587)
	// opusFmtp is pion's (and browsers') default: 10 ms packets at least,
	// in-band forward error correction.
	opusFmtp = "minptime=10;useinbandfec=1"
)

// registerCodecs registers the agent's codecs in m.
func registerCodecs(m *webrtc.MediaEngine) error {
	// pion's default feedback for video: bandwidth estimates (REMB; TWCC
	// comes with the interceptors), keyframe requests, retransmissions.
	feedback := []webrtc.RTCPFeedback{
		{Type: webrtc.TypeRTCPFBGoogREMB}, {Type: webrtc.TypeRTCPFBCCM, Parameter: "fir"},
		{Type: webrtc.TypeRTCPFBNACK}, {Type: webrtc.TypeRTCPFBNACK, Parameter: "pli"},
	}
	codecs := []struct {
		kind webrtc.RTPCodecType
		c    webrtc.RTPCodecParameters
	}{
		{webrtc.RTPCodecTypeVideo, webrtc.RTPCodecParameters{PayloadType: payloadVP8, RTPCodecCapability: webrtc.RTPCodecCapability{
			MimeType: webrtc.MimeTypeVP8, ClockRate: clockVideo, RTCPFeedback: feedback}}},
		{webrtc.RTPCodecTypeVideo, webrtc.RTPCodecParameters{PayloadType: payloadRTX, RTPCodecCapability: webrtc.RTPCodecCapability{
			MimeType: webrtc.MimeTypeRTX, ClockRate: clockVideo, SDPFmtpLine: fmt.Sprintf("apt=%d", payloadVP8)}}},
		{webrtc.RTPCodecTypeAudio, webrtc.RTPCodecParameters{PayloadType: payloadOpus, RTPCodecCapability: webrtc.RTPCodecCapability{
			MimeType: webrtc.MimeTypeOpus, ClockRate: clockOpus, Channels: opusStereo, SDPFmtpLine: opusFmtp}}},
	}
	for _, c := range codecs {
		if err := m.RegisterCodec(c.c, c.kind); err != nil {
			return fmt.Errorf("rtc codec %s: %w", c.c.MimeType, err)
		}
	}
	return nil
}
