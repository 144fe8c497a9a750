package media

import (
	"bytes"
	"encoding/binary"
	"net"
	"testing"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const waitLimit = 10 * time.Second

func TestTestClip(t *testing.T) {
	c, err := TestClip()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Frames) != 120 || c.Period != time.Second/30 {
		t.Fatalf("%d frames every %v, want 120 every 1/30 s (gen.sh)", len(c.Frames), c.Period)
	}
	for i, f := range c.Frames {
		if want := i%30 == 0; IsKeyframe(f) != want {
			t.Errorf("frame %d: keyframe %t, want %t", i, IsKeyframe(f), want)
		}
	}
	for _, tt := range []struct{ i, want int }{{0, 0}, {1, 30}, {30, 30}, {89, 90}, {91, 0}, {119, 0}} {
		if got := c.NextKeyframe(tt.i); got != tt.want {
			t.Errorf("NextKeyframe(%d) = %d, want %d", tt.i, got, tt.want)
		}
	}
}

// ivf builds an IVF file of VP8 frames at 30 fps.
func ivf(fourcc string, frames ...[]byte) []byte {
	var b bytes.Buffer
	hdr := make([]byte, 32)
	copy(hdr, "DKIF")
	binary.LittleEndian.PutUint16(hdr[6:], 32)
	copy(hdr[8:], fourcc)
	binary.LittleEndian.PutUint16(hdr[12:], 640)
	binary.LittleEndian.PutUint16(hdr[14:], 360)
	binary.LittleEndian.PutUint32(hdr[16:], 30)
	binary.LittleEndian.PutUint32(hdr[20:], 1)
	binary.LittleEndian.PutUint32(hdr[24:], uint32(len(frames)))
	b.Write(hdr)
	for i, f := range frames {
		fh := make([]byte, 12)
		binary.LittleEndian.PutUint32(fh, uint32(len(f)))
		binary.LittleEndian.PutUint64(fh[4:], uint64(i))
		b.Write(fh)
		b.Write(f)
	}
	return b.Bytes()
}

func TestParseIVF_Refuses(t *testing.T) {
	key, delta := []byte{0x10, 0, 0, 0x9d, 0x01, 0x2a}, []byte{0x11, 0, 0}
	tests := []struct {
		name string
		data []byte
	}{
		{"not ivf", []byte("hello, world: not an ivf file at all")},
		{"vp9", ivf("VP90", key)},
		{"no keyframe", ivf("VP80", delta, delta)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ParseIVF(tt.data); err == nil {
				t.Fatal("parsed, want an error")
			}
		})
	}
	c, err := ParseIVF(ivf("VP80", delta, key, delta))
	if err != nil || c.NextKeyframe(2) != 1 {
		t.Fatalf("%v, %v: want a clip whose keyframe is frame 1", c, err)
	}
}

func TestParsePayload(t *testing.T) {
	clip, err := TestClip()
	if err != nil {
		t.Fatal(err)
	}
	pay := codecs.VP8Payloader{EnablePictureID: true}
	for i, want := range map[int]bool{0: true, 1: false} {
		pkts := pay.Payload(mtu, clip.Frames[i])
		if start, key := ParsePayload(pkts[0]); !start || key != want {
			t.Errorf("frame %d, first packet: start %t key %t, want start, key %t", i, start, key, want)
		}
		if len(pkts) > 1 {
			if start, _ := ParsePayload(pkts[1]); start {
				t.Errorf("frame %d, second packet: start", i)
			}
		}
	}
	if start, key := ParsePayload(nil); start || key {
		t.Error("empty payload: start or key")
	}
}

func TestGate(t *testing.T) {
	var g gate
	now := time.Now()
	g.requestKeyframe(now)
	if live, want := g.state(); live || want {
		t.Fatalf("not live: live %t, wantKey %t; want neither", live, want)
	}
	g.setLive(true)
	if live, want := g.state(); !live || !want {
		t.Fatal("going live owes no keyframe")
	}
	g.keySent(now)
	g.requestKeyframe(now.Add(KeyframeMinInterval / 2))
	if _, want := g.state(); want {
		t.Fatal("a request within KeyframeMinInterval of a keyframe was honoured")
	}
	g.requestKeyframe(now.Add(KeyframeMinInterval))
	if _, want := g.state(); !want {
		t.Fatal("a request after KeyframeMinInterval was ignored")
	}
	g.requestKeyframe(now.Add(KeyframeMinInterval * 3 / 2)) // Asked for already: nothing new.
	g.keySent(now.Add(KeyframeMinInterval * 3 / 2))
	g.requestKeyframe(now.Add(KeyframeMinInterval * 2))
	if _, want := g.state(); want {
		t.Fatal("a request within KeyframeMinInterval of a keyframe was honoured")
	}
}

// binding is a fake PeerConnection binding of a track: it keeps what the
// track writes.
type binding struct{ pkts chan rtp.Packet }

func bind(t *testing.T, track webrtc.TrackLocal) *binding {
	t.Helper()
	b := &binding{pkts: make(chan rtp.Packet, 100000)}
	if _, err := track.Bind(b); err != nil {
		t.Fatal(err)
	}
	return b
}

func (b *binding) CodecParameters() []webrtc.RTPCodecParameters {
	return []webrtc.RTPCodecParameters{{
		RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}, PayloadType: 96,
	}}
}
func (b *binding) HeaderExtensions() []webrtc.RTPHeaderExtensionParameter { return nil }
func (b *binding) SSRC() webrtc.SSRC                                      { return 1234 }
func (b *binding) SSRCRetransmission() webrtc.SSRC                        { return 0 }
func (b *binding) SSRCForwardErrorCorrection() webrtc.SSRC                { return 0 }
func (b *binding) WriteStream() webrtc.TrackLocalWriter                   { return b }
func (b *binding) ID() string                                             { return "fake" }
func (b *binding) RTCPReader() interceptor.RTCPReader                     { return nil }
func (b *binding) Write(p []byte) (int, error)                            { return len(p), nil }

func (b *binding) WriteRTP(h *rtp.Header, payload []byte) (int, error) {
	b.pkts <- rtp.Packet{Header: h.Clone(), Payload: bytes.Clone(payload)}
	return len(payload), nil
}

// frame reads the packets of the next frame.
func (b *binding) frame(t *testing.T) []rtp.Packet {
	t.Helper()
	var out []rtp.Packet
	deadline := time.After(waitLimit)
	for {
		select {
		case p := <-b.pkts:
			out = append(out, p)
			if p.Marker {
				return out
			}
		case <-deadline:
			t.Fatalf("no whole frame within %v", waitLimit)
		}
	}
}

// checkFrame checks one frame's packets: sequence numbers follow last,
// one timestamp, SSRC and payload type of the binding; it returns whether
// the frame is a keyframe and the last sequence number.
func checkFrame(t *testing.T, pkts []rtp.Packet, last uint16, first bool) (bool, uint16) {
	t.Helper()
	start, key := ParsePayload(pkts[0].Payload)
	if !start {
		t.Fatalf("frame does not start with a frame start")
	}
	for i, p := range pkts {
		if !first && p.SequenceNumber != last+1 {
			t.Fatalf("packet %d: seq %d after %d", i, p.SequenceNumber, last)
		}
		if p.Timestamp != pkts[0].Timestamp || p.SSRC != 1234 || p.PayloadType != 96 {
			t.Fatalf("packet %d: %v", i, p.Header)
		}
		last, first = p.SequenceNumber, false
	}
	return key, last
}

func TestClipSource_KeyframeOnLiveAndRequest(t *testing.T) {
	clip, err := TestClip()
	if err != nil {
		t.Fatal(err)
	}
	src, err := NewClipSource(clip)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	b := bind(t, src.Track())
	src.SetLive(true)
	key, last := checkFrame(t, b.frame(t), 0, true)
	if !key {
		t.Fatal("first frame after going live is not a keyframe")
	}
	key, last = checkFrame(t, b.frame(t), last, false)
	if key {
		t.Fatal("second frame is a keyframe, want the clip's next frame")
	}
	for range 8 { // KeyframeMinInterval after the first keyframe: 9 frames of 1/30 s.
		if key, last = checkFrame(t, b.frame(t), last, false); key {
			t.Fatal("a keyframe in the clip's first second")
		}
	}
	src.RequestKeyframe()
	if key, last = checkFrame(t, b.frame(t), last, false); !key {
		t.Fatal("the frame after a keyframe request is not a keyframe")
	}
	src.SetLive(false)
	src.SetLive(true)
	deltas := 0
	for key = false; !key; deltas++ { // A frame sent before the pause may come first.
		key, last = checkFrame(t, b.frame(t), last, false)
	}
	if deltas > 2 {
		t.Fatalf("%d frames before the keyframe after going live again", deltas)
	}
	if st := src.Stats(); st.Keyframes < 3 || st.Frames < 4 || st.Packets < st.Frames {
		t.Fatalf("stats %+v", st)
	}
}

func TestRTPSource_ForwardsFromAKeyframe(t *testing.T) {
	src, err := ListenRTP("127.0.0.1:0", nilLogger())
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	b := bind(t, src.Track())
	conn, err := net.Dial("udp", src.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	clip, _ := TestClip()
	enc := encoder{conn: conn, pay: codecs.VP8Payloader{}, seq: 5000}
	src.SetLive(true)
	enc.send(t, clip.Frames[1]) // Not a keyframe: dropped.
	enc.seq += 7                // Lost on the way: forwarded numbering stays continuous.
	for _, f := range clip.Frames[30:33] {
		enc.send(t, f)
	}
	key, last := checkFrame(t, b.frame(t), 0, true)
	if !key {
		t.Fatal("first forwarded frame is not a keyframe")
	}
	for range 2 {
		if key, last = checkFrame(t, b.frame(t), last, false); key {
			t.Fatal("a delta frame forwarded as a keyframe")
		}
	}
	if st := src.Stats(); st.Frames != 3 || st.Keyframes != 1 {
		t.Fatalf("stats %+v, want 3 frames, 1 keyframe", st)
	}
}

// encoder sends VP8 frames as RTP over UDP, as a local encoder would.
type encoder struct {
	conn net.Conn
	pay  codecs.VP8Payloader
	seq  uint16
	ts   uint32
}

func (e *encoder) send(t *testing.T, frame []byte) {
	t.Helper()
	pkts := e.pay.Payload(mtu, frame)
	for i, p := range pkts {
		pkt := rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 100, SequenceNumber: e.seq, Timestamp: e.ts,
			SSRC: 42, Marker: i == len(pkts)-1}, Payload: p}
		e.seq++
		raw, err := pkt.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.conn.Write(raw); err != nil {
			t.Fatal(err)
		}
	}
	e.ts += 3000
}
