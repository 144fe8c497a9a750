package rtc

import (
	"errors"
	"net"
	"testing"
	"time"

	"github.com/edge-agent/edge-agent/rtc/server"
)

// TestSession_LeaveIsQuitAtOnce: Stop(true) tells the server, the peer sees
// QUIT at once, and the resume state is gone.
func TestSession_LeaveIsQuitAtOnce(t *testing.T) {
	srv := startServer(t, server.Options{})
	a := newClient(t, srv, 1, MediaTest, nil)
	b := newClient(t, srv, 2, MediaNone, nil)
	a.joined(t, "lobby", true)
	b.joined(t, "lobby", true)
	start := time.Now()
	a.Stop(true)
	off, at := next[PeerOffline](t, b.rec)
	if off.UID != 1 || off.Reason != OfflineQuit {
		t.Fatalf("b: %v, want peer 1 offline with QUIT", off)
	}
	if _, err := loadState(a.dir); !errors.Is(err, errNoState) {
		t.Fatalf("resume state after leaving: %v, want none", err)
	}
	t.Logf("stop to QUIT at the peer: %v", at.Sub(start))
}

// TestSession_ICERestart: an ICE restart over the live connection ends in
// Joined (resumed), the peer notices nothing and keeps receiving.
func TestSession_ICERestart(t *testing.T) {
	srv := startServer(t, server.Options{})
	a := newClient(t, srv, 1, MediaTest, nil)
	b := newClient(t, srv, 2, MediaNone, nil)
	a.joined(t, "lobby", true)
	b.joined(t, "lobby", true)
	eventually(t, "b receives a's video", func() bool { return videoOf(b, 1).Frames > 5 })
	mark := time.Now()
	a.Reconnect(0, true)
	if j, _ := next[Joined](t, a.rec); !j.Resumed || len(j.Peers) != 1 {
		t.Fatalf("%v: want resumed with peer 2", j)
	}
	frames := videoOf(b, 1).Frames
	eventually(t, "b keeps receiving", func() bool { return videoOf(b, 1).Frames > frames+10 })
	if news := peerNews(b.rec.since(mark), 1); len(news) != 0 {
		t.Errorf("b saw peer events about uid 1: %v", news)
	}
}

// TestSession_ReconnectResumes: a full reconnect (new WebSocket, new
// PeerConnection) in the same process resumes invisibly.
func TestSession_ReconnectResumes(t *testing.T) {
	srv := startServer(t, server.Options{})
	var log packetLog
	a := newClient(t, srv, 1, MediaTest, nil)
	b := newClient(t, srv, 2, MediaNone, withPacketLog(&log))
	a.joined(t, "lobby", true)
	b.joined(t, "lobby", true)
	eventually(t, "b receives a's video", func() bool { return videoOf(b, 1).Frames > 5 })
	mark := time.Now()
	a.Reconnect(1, false)
	if j, _ := next[Joined](t, a.rec); !j.Resumed {
		t.Fatalf("%v: want resumed", j)
	}
	frames := videoOf(b, 1).Frames
	eventually(t, "b keeps receiving", func() bool { return videoOf(b, 1).Frames > frames+10 })
	if news := peerNews(b.rec.since(mark), 1); len(news) != 0 {
		t.Errorf("b saw peer events about uid 1: %v", news)
	}
	checkSSRC(t, log.of("u1-video"))
}

// checkSSRC checks that a track kept one SSRC.
func checkSSRC(t *testing.T, pkts []Packet) {
	t.Helper()
	for i, p := range pkts {
		if p.SSRC != pkts[0].SSRC {
			t.Fatalf("packet %d: SSRC %#x, want %#x", i, p.SSRC, pkts[0].SSRC)
		}
	}
}

// TestSession_ICERestartWithoutConnectionResumes: asked for an ICE
// restart when the signalling connection is gone, the session resumes.
func TestSession_ICERestartWithoutConnectionResumes(t *testing.T) {
	srv := startServer(t, server.Options{})
	a := newClient(t, srv, 1, MediaNone, nil)
	a.joined(t, "lobby", true)
	a.q.push(func() { a.onConnLost(a.st.conn, errors.New("test: connection cut")) })
	if d, _ := next[Down](t, a.rec); d.Err == nil {
		t.Fatal("Down without an error")
	}
	a.Reconnect(0, true)
	if j, _ := next[Joined](t, a.rec); !j.Resumed {
		t.Fatalf("%v: want resumed", j)
	}
}

// TestSession_ServerGoneIsDown: the server going away is Down for a joined
// session, and the next attempt fails.
func TestSession_ServerGoneIsDown(t *testing.T) {
	srv := startServer(t, server.Options{})
	a := newClient(t, srv, 1, MediaNone, func(c *Config) { c.AttemptTimeout = time.Second })
	a.joined(t, "lobby", true)
	srv.hs.Close()
	srv.srv.Close()
	next[Down](t, a.rec)
	a.Reconnect(0, false)
	next[AttemptFailed](t, a.rec)
}

// TestSession_AttemptFailures: an unreachable server, and one that never
// answers, end the attempt with AttemptFailed.
func TestSession_AttemptFailures(t *testing.T) {
	mute, err := net.Listen("tcp", "127.0.0.1:0") // Accepts, never answers.
	if err != nil {
		t.Fatal(err)
	}
	defer mute.Close()
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed.Close() // Nothing listens there any more.
	for name, addr := range map[string]string{"unreachable": closed.Addr().String(), "mute": mute.Addr().String()} {
		t.Run(name, func(t *testing.T) {
			srv := &testServer{url: "ws://" + addr + "/ws"}
			a := newClient(t, srv, 1, MediaNone, func(c *Config) { c.AttemptTimeout = 300 * time.Millisecond })
			start := time.Now()
			a.Join("lobby", 1, "", true)
			f, at := next[AttemptFailed](t, a.rec)
			t.Logf("%v after %v", f.Err, at.Sub(start))
		})
	}
}

// TestSession_LastDataAdvancesWhenIdle: heartbeats alone keep LastData
// fresh.
func TestSession_LastDataAdvancesWhenIdle(t *testing.T) {
	srv := startServer(t, server.Options{})
	a := newClient(t, srv, 1, MediaNone, nil)
	a.joined(t, "lobby", true)
	first := a.LastData()
	eventually(t, "LastData advances", func() bool { return a.LastData().Sub(first) >= 400*time.Millisecond })
}

// TestSession_LeaveWithoutConnection: Stop(true) after the signalling
// connection broke still tells the peers at once, over a new connection.
func TestSession_LeaveWithoutConnection(t *testing.T) {
	srv := startServer(t, server.Options{})
	a := newClient(t, srv, 1, MediaTest, nil)
	b := newClient(t, srv, 2, MediaNone, nil)
	a.joined(t, "lobby", true)
	b.joined(t, "lobby", true)
	a.q.push(func() { a.onConnLost(a.st.conn, errors.New("test: connection cut")) })
	next[Down](t, a.rec)
	start := time.Now()
	a.Stop(true)
	off, at := next[PeerOffline](t, b.rec)
	if off.UID != 1 || off.Reason != OfflineQuit {
		t.Fatalf("b: %v, want peer 1 offline with QUIT", off)
	}
	if _, err := loadState(a.dir); !errors.Is(err, errNoState) {
		t.Fatalf("resume state after leaving: %v, want none", err)
	}
	t.Logf("stop to QUIT at the peer: %v", at.Sub(start))
}
