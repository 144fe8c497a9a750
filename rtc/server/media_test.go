package server

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/edge-agent/edge-agent/rtc/signal"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"
)

// recvPackets returns the next n packets a client receives.
func recvPackets(t testing.TB, c *pionClient, n int) []*rtp.Packet {
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

func nextTrack(t testing.TB, c *pionClient) *webrtc.TrackRemote {
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

// TestMedia_LateSubscriberAndLeave: a subscriber that joins after the
// publisher gets its track in the first offer; when the publisher leaves,
// the subscriber is told QUIT and the track ends.
func TestMedia_LateSubscriberAndLeave(t *testing.T) {
	_, url := startMediaServer(t, Options{})
	pub := dialPion(t, url, true)
	pub.doJoin(native(1), nil)
	pub.waitConnected()
	stop := make(chan struct{})
	defer close(stop)
	go pub.publishLoop(1, 1, stop)
	// Wait until the server forwards the publisher's track.
	waitUntil(t, func() bool { return len(pubKinds(t, url)) == 1 })

	sub := dialPion(t, url, false)
	if j := sub.doJoin(web(2), nil); len(j.Peers) != 1 || j.Peers[0].UID != 1 {
		t.Fatalf("late subscriber joined with peers %+v", j.Peers)
	}
	if tr := nextTrack(t, sub); tr.ID() != "u1-video" {
		t.Fatalf("track %s", tr.ID())
	}
	recvPackets(t, sub, 10)

	pub.send(&signal.Leave{})
	if m, ok := sub.nextMsg().(*signal.PeerOffline); !ok || m.UID != 1 || m.Reason != signal.OfflineQuit {
		t.Fatalf("subscriber got %+v, want peer-offline QUIT", m)
	}
	select {
	case id := <-sub.ended:
		if id != "u1-video" {
			t.Fatalf("track %s ended", id)
		}
	case <-time.After(waitLimit):
		t.Fatal("the publisher's track did not end for the subscriber")
	}
}

// pubKinds returns what uid 1 publishes, from the server's channel list.
func pubKinds(t *testing.T, url string) []string {
	t.Helper()
	code, body := get(t, "http"+strings.TrimPrefix(strings.TrimSuffix(url, "/ws"), "ws")+"/api/v1/channels")
	var doc struct {
		Channels []ChannelInfo `json:"channels"`
	}
	if err := json.Unmarshal([]byte(body), &doc); code != 200 || err != nil {
		t.Fatalf("channels: %d %v", code, err)
	}
	for _, ch := range doc.Channels {
		for _, u := range ch.Users {
			if u.UID == 1 {
				return u.Publishing
			}
		}
	}
	return nil
}

// waitUntil polls cond every 10 ms until it holds or waitLimit passes.
func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func nextOffer(t *testing.T, c *pionClient) string {
	t.Helper()
	select {
	case sdp := <-c.offers:
		return sdp
	case <-time.After(waitLimit):
		t.Fatal("no offer")
		return ""
	}
}

func iceUfrag(sdp string) string {
	for _, line := range strings.Split(sdp, "\r\n") {
		if v, ok := strings.CutPrefix(line, "a=ice-ufrag:"); ok {
			return v
		}
	}
	return ""
}

// TestMedia_RestartICE: restart-ice brings an offer with new ICE
// credentials, and media keeps flowing.
func TestMedia_RestartICE(t *testing.T) {
	_, url := startMediaServer(t, Options{})
	sub := dialPion(t, url, false)
	sub.doJoin(native(2), nil)
	first := nextOffer(t, sub)
	pub := dialPion(t, url, true)
	pub.doJoin(native(1), nil)
	stop := make(chan struct{})
	defer close(stop)
	go pub.publishLoop(1, 1, stop)
	nextTrack(t, sub)
	nextOffer(t, sub) // the one that added the publisher's track
	recvPackets(t, sub, 5)

	sub.send(&signal.RestartICE{})
	restarted := nextOffer(t, sub)
	if a, b := iceUfrag(first), iceUfrag(restarted); a == "" || a == b {
		t.Fatalf("ice-ufrag %q after restart, was %q", b, a)
	}
	for len(sub.packets) > 0 {
		<-sub.packets
	}
	recvPackets(t, sub, 20)
}

// TestMedia_ResumedSubscriberGetsTracksAgain: a subscriber killed and
// resumed gets a new PeerConnection with the publisher's track.
func TestMedia_ResumedSubscriberGetsTracksAgain(t *testing.T) {
	_, url := startMediaServer(t, Options{})
	pub := dialPion(t, url, true)
	pub.doJoin(native(1), nil)
	stop := make(chan struct{})
	defer close(stop)
	go pub.publishLoop(1, 1, stop)
	sub := dialPion(t, url, false)
	sub.doJoin(native(2), nil)
	nextTrack(t, sub)
	sub.close()

	sub2 := dialPion(t, url, false)
	if j := sub2.doJoin(native(2), sub); !j.Resumed || len(j.Peers) != 1 {
		t.Fatalf("resume: %+v", j)
	}
	if tr := nextTrack(t, sub2); tr.ID() != "u1-video" {
		t.Fatalf("track %s", tr.ID())
	}
	recvPackets(t, sub2, 10)
}
