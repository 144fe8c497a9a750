package server

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/edge-agent/edge-agent/rtc/signal"
	"github.com/pion/webrtc/v4"
)

// newBarePeer returns a peer with a real PeerConnection of srv's API and
// no client: enough for the downstream functions, called directly.
func newBarePeer(t *testing.T) (*Server, *peer) {
	t.Helper()
	srv, err := New(Options{Insecure: true, ICE: ICEOptions{Loopback: true, Interfaces: []string{"lo"}}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	pc, err := srv.api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatalf("new peer connection: %v", err)
	}
	p := &peer{ch: &channel{srv: srv}, s: &session{}, log: srv.log, q: newWorkQueue(), pc: pc,
		downstream: map[*forwarder]*webrtc.RTPTransceiver{}}
	t.Cleanup(func() {
		_ = pc.Close()
		_ = srv.Close()
	})
	return srv, p
}

// TestDownstream_RemovedBeforeItsReaderStarts: a track removed before the
// goroutine that reads its RTCP has started must not crash the server
// (that goroutine used to fetch the transceiver's sender itself and got
// nil from a removed track: a nil pointer panic in ReadRTCP). With one P
// the goroutine started by addNow runs only after the test goroutine
// blocks, so removeNow runs first.
func TestDownstream_RemovedBeforeItsReaderStarts(t *testing.T) {
	srv, p := newBarePeer(t)
	f, err := newForwarder(trackKey{uid: 1, kind: webrtc.RTPCodecTypeVideo},
		webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000}, srv.metrics)
	if err != nil {
		t.Fatal(err)
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	for range 20 {
		p.addNow(f)
		if !p.removeNow(f) {
			t.Fatal("removeNow: the track added was not there")
		}
	}
	_ = srv.Close() // waits for the readers: each ends, none panics
}

// publishes reports whether the server forwards uid's media.
func publishes(srv *Server, uid uint32) bool {
	for _, ch := range srv.Channels() {
		for _, u := range ch.Users {
			if u.UID == uid && len(u.Publishing) > 0 {
				return true
			}
		}
	}
	return false
}

// pollUntil polls cond every millisecond until it holds or waitLimit passes.
func pollUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, waitLimit)
		}
		time.Sleep(time.Millisecond) // polling interval, not synchronisation
	}
}

// expectPeer fails unless c's next message is about uid: peer-joined, or
// peer-offline QUIT when offline is set.
func expectPeer(t *testing.T, c *pionClient, uid uint32, offline bool) {
	t.Helper()
	m := c.nextMsg()
	switch m := m.(type) {
	case *signal.PeerJoined:
		if !offline && m.UID == uid {
			return
		}
	case *signal.PeerOffline:
		if offline && m.UID == uid && m.Reason == signal.OfflineQuit {
			return
		}
	}
	t.Fatalf("got %s %+v, want news of uid %d (offline %v)", m.Type(), m, uid, offline)
}

// drainTracks empties c's track channels without waiting, so that its
// OnTrack handlers never block on them.
func drainTracks(c *pionClient) {
	for {
		select {
		case <-c.tracks:
		case <-c.ended:
		default:
			return
		}
	}
}

// TestDownstream_PublisherLeavesRightAfterItsTrackArrives: the scenario
// of the crash above end to end. A publisher leaves as soon as the server
// forwards its track, while a subscriber is present; the server serves the
// subscriber all along.
func TestDownstream_PublisherLeavesRightAfterItsTrackArrives(t *testing.T) {
	srv, url := startMediaServer(t, Options{JoinRate: 1e6, JoinBurst: 1e6})
	sub := dialPion(t, url, false)
	sub.doJoin(native(1000), nil)
	for round := range 40 {
		pub := dialPion(t, url, true)
		pub.doJoin(native(1), nil)
		expectPeer(t, sub, 1, false)
		stop := make(chan struct{})
		go pub.publishLoop(1, 1, stop)
		pollUntil(t, fmt.Sprintf("round %d: the server forwards the publisher", round), func() bool { return publishes(srv, 1) })
		pub.send(&signal.Leave{})
		expectPeer(t, sub, 1, true)
		close(stop)
		pub.close()
		drainTracks(sub)
	}
}

// offerSizes records the largest offer a client answered: bytes and
// m-lines.
type offerSizes struct{ bytes, mLines int }

// note takes in every offer c answered since the last call.
func (o *offerSizes) note(c *pionClient) {
	for {
		select {
		case sdp := <-c.offers:
			o.bytes = max(o.bytes, len(sdp))
			o.mLines = max(o.mLines, strings.Count(sdp, "\r\nm="))
		default:
			return
		}
	}
}

// waitSSRC waits until c receives a packet with ssrc.
func waitSSRC(t *testing.T, c *pionClient, ssrc webrtc.SSRC) {
	t.Helper()
	deadline := time.After(waitLimit)
	for {
		select {
		case p := <-c.packets:
			if p.SSRC == uint32(ssrc) {
				return
			}
		case <-deadline:
			t.Fatalf("no packet of SSRC %d", ssrc)
		}
	}
}

// waitEnded waits until c's track id ends.
func waitEnded(t *testing.T, c *pionClient, id string) {
	t.Helper()
	deadline := time.After(waitLimit)
	for {
		select {
		case got := <-c.ended:
			if got == id {
				return
			}
		case <-deadline:
			t.Fatalf("track %s did not end", id)
		}
	}
}

// maxMLines bounds a subscriber's offer with one publisher at a time: its
// own audio and video, the publisher's video, and the previous publisher's
// video while its inactive m-line is not answered yet.
const maxMLines = 4

// TestDownstream_PublisherJoinsReuseTransceivers: 30 publishers join, one
// after the other, publish and leave, with one subscriber present. Each
// new publisher's track reuses the m-line its predecessor left, so the
// subscriber's offers stay small (they used to grow by an m-line per join
// and passed signal.MaxMessageSize after about 13), and every publisher's
// media reaches the subscriber as a new track with its own stream id.
func TestDownstream_PublisherJoinsReuseTransceivers(t *testing.T) {
	_, url := startMediaServer(t, Options{JoinRate: 1e6, JoinBurst: 1e6})
	sub := dialPion(t, url, false)
	sub.doJoin(native(1000), nil)
	var sizes offerSizes
	for round := range 30 {
		uid := uint32(round + 1)
		pub := dialPion(t, url, true)
		pub.doJoin(native(uid), nil)
		expectPeer(t, sub, uid, false)
		stop := make(chan struct{})
		go pub.publishLoop(1, 1, stop)
		tr := nextTrack(t, sub)
		if want := fmt.Sprintf("u%d", uid); tr.StreamID() != want || tr.ID() != want+"-video" {
			t.Fatalf("round %d: track %s/%s, want %s/%s-video", round, tr.StreamID(), tr.ID(), want, want)
		}
		waitSSRC(t, sub, tr.SSRC())
		pub.send(&signal.Leave{})
		expectPeer(t, sub, uid, true)
		waitEnded(t, sub, tr.ID())
		close(stop)
		pub.close()
		sizes.note(sub)
	}
	if sizes.mLines > maxMLines || sizes.bytes >= signal.MaxMessageSize {
		t.Fatalf("largest offer: %d m-lines, %d bytes; want at most %d m-lines", sizes.mLines, sizes.bytes, maxMLines)
	}
	t.Logf("largest offer: %d m-lines, %d bytes", sizes.mLines, sizes.bytes)
}
