package server

import (
	"testing"
	"time"

	"github.com/edge-agent/edge-agent/rtc/signal"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// recvPackets returns the next n packets a client receives.
func recvPackets(t *testing.T, c *pionClient, n int) []*rtp.Packet {
	t.Helper()
	out := make([]*rtp.Packet, 0, n)
	deadline := time.After(waitLimit)
	for len(out) < n {
		select {
		case p := <-c.packets:
			out = append(out, p)
		case <-deadline:
			t.Fatalf("received %d of %d packets", len(out), n)
		}
	}
	return out
}

func nextTrack(t *testing.T, c *pionClient) *webrtc.TrackRemote {
	t.Helper()
	select {
	case tr := <-c.tracks:
		return tr
	case <-time.After(waitLimit):
		t.Fatal("no track")
		return nil
	}
}

func TestMedia_PublisherToSubscriber(t *testing.T) {
	_, url := startMediaServer(t, Options{})
	sub := dialPion(t, url, false)
	sub.doJoin(native(2), nil)
	pub := dialPion(t, url, true)
	pub.doJoin(native(1), nil)
	pub.waitConnected()
	stop := make(chan struct{})
	defer close(stop)
	go pub.publishLoop(1000, 5000, stop)

	tr := nextTrack(t, sub)
	if tr.StreamID() != "u1" || tr.ID() != "u1-video" || tr.Codec().MimeType != webrtc.MimeTypeVP8 {
		t.Fatalf("track %s/%s %s, want u1/u1-video VP8", tr.StreamID(), tr.ID(), tr.Codec().MimeType)
	}
	pkts := recvPackets(t, sub, 20)
	for i := 1; i < len(pkts); i++ {
		if pkts[i].SequenceNumber != pkts[i-1].SequenceNumber+1 {
			t.Fatalf("sequence %d after %d", pkts[i].SequenceNumber, pkts[i-1].SequenceNumber)
		}
	}
}

// TestMedia_ResumeSplicesIntoSameTrack kills a publisher (no leave) and
// resumes its session from a new PeerConnection with a new SSRC, new
// sequence numbers and new timestamps: the subscriber's track goes on with
// the same SSRC and consecutive sequence numbers, gets no new track and no
// peer notice, and the resumed publisher is asked for a keyframe.
func TestMedia_ResumeSplicesIntoSameTrack(t *testing.T) {
	_, url := startMediaServer(t, Options{})
	sub := dialPion(t, url, false)
	sub.doJoin(native(2), nil)
	pub := dialPion(t, url, true)
	pub.doJoin(native(1), nil)
	if m := sub.nextMsg(); m.Type() != signal.TypePeerJoined {
		t.Fatalf("subscriber got %+v, want peer-joined", m)
	}
	stop1 := make(chan struct{})
	go pub.publishLoop(1000, 5000, stop1)
	nextTrack(t, sub)
	before := recvPackets(t, sub, 30)

	close(stop1)
	pub.close() // killed: no leave
	pub2 := dialPion(t, url, true)
	if j := pub2.doJoin(native(1), pub); !j.Resumed {
		t.Fatalf("resume: %+v", j)
	}
	stop2 := make(chan struct{})
	defer close(stop2)
	go pub2.publishLoop(40000, 3_000_000_000, stop2)
	select {
	case <-pub2.plis:
	case <-time.After(waitLimit):
		t.Fatal("the resumed publisher was not asked for a keyframe")
	}
	after := recvPackets(t, sub, 30)
	checkContinuous(t, append(before, after...))
	select {
	case tr := <-sub.tracks:
		t.Fatalf("subscriber got a new track %s after the resume", tr.ID())
	case m := <-sub.msgs:
		t.Fatalf("subscriber got %s %+v after an invisible resume", m.Type(), m)
	default:
	}
}

// checkContinuous fails unless pkts are one stream: one SSRC, sequence
// numbers consecutive (loopback loses nothing), timestamps increasing.
func checkContinuous(t *testing.T, pkts []*rtp.Packet) {
	t.Helper()
	for i := 1; i < len(pkts); i++ {
		a, b := pkts[i-1], pkts[i]
		if b.SSRC != a.SSRC {
			t.Fatalf("packet %d: SSRC %d after %d", i, b.SSRC, a.SSRC)
		}
		if b.SequenceNumber != a.SequenceNumber+1 {
			t.Fatalf("packet %d: sequence %d after %d", i, b.SequenceNumber, a.SequenceNumber)
		}
		if d := int32(b.Timestamp - a.Timestamp); d <= 0 || d > 90000*int32(waitLimit/time.Second) {
			t.Fatalf("packet %d: timestamp %d after %d", i, b.Timestamp, a.Timestamp)
		}
	}
}
