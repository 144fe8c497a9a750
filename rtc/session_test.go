package rtc

import (
	"testing"

	"github.com/edge-agent/edge-agent/rtc/server"
)

func TestSession_JoinPublishesTheClip(t *testing.T) {
	srv := startServer(t, server.Options{})
	a := newClient(t, srv, 1, MediaTest, nil)
	b := newClient(t, srv, 2, MediaNone, nil)
	if j := a.joined(t, "lobby", true); j.Resumed || len(j.Peers) != 0 {
		t.Fatalf("a: %v, want a fresh join with no peers", j)
	}
	if j := b.joined(t, "lobby", true); len(j.Peers) != 1 || j.Peers[0] != 1 {
		t.Fatalf("b: %v, want peers [1]", j)
	}
	if e, _ := next[PeerJoined](t, a.rec); e.UID != 2 {
		t.Fatalf("a: %v, want peer 2 joined", e)
	}
	eventually(t, "b receives a's video", func() bool { return videoOf(b, 1).Keyframes > 0 && videoOf(b, 1).Frames > 30 })
	if a.LastData().IsZero() || b.LastData().IsZero() {
		t.Fatal("LastData is zero after joining")
	}
}
