package rtc

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/edge-agent/edge-agent/rtc/server"
)

// TestSession_KilledProcessResumesInvisibly: a process that ends without
// leaving (Stop(false), Close) and a new one on the same state directory
// resume the session: the watching peer sees no peer event, its track
// keeps its SSRC with continuing sequence numbers, and the first frame
// after the splice is a keyframe.
func TestSession_KilledProcessResumesInvisibly(t *testing.T) {
	srv := startServer(t, server.Options{})
	var log packetLog
	b := newClient(t, srv, 2, MediaNone, withPacketLog(&log))
	a := newClient(t, srv, 1, MediaTest, nil)
	b.joined(t, "lobby", true)
	a.joined(t, "lobby", true)
	eventually(t, "b receives a's video", func() bool { return videoOf(b, 1).Frames > 10 })
	mark := time.Now()

	a.Stop(false)
	stopped := time.Now()
	a.Close()
	a2 := newClient(t, srv, 1, MediaTest, func(c *Config) { c.StateDir = a.dir })
	j := a2.joined(t, "lobby", false)
	rejoined := time.Now()
	if !j.Resumed || len(j.Peers) != 1 || j.Peers[0] != 2 {
		t.Fatalf("a2: %v, want resumed with peers [2]", j)
	}
	before := videoOf(b, 1).Frames
	eventually(t, "b receives a2's video", func() bool { return videoOf(b, 1).Frames > before+30 })

	if news := peerNews(b.rec.since(mark), 1); len(news) != 0 {
		t.Errorf("b saw peer events about uid 1 across the resume: %v", news)
	}
	checkSplice(t, log.of("u1-video"), stopped.Add(rejoined.Sub(stopped)/2))
	t.Logf("kill to rejoined: %v", rejoined.Sub(stopped))
}

// checkSplice checks a track's packets across a publisher's restart: the
// first packet that arrived after split starts a keyframe, every packet
// has the same SSRC, and sequence numbers continue.
func checkSplice(t *testing.T, pkts []Packet, split time.Time) {
	t.Helper()
	first := -1
	for i, p := range pkts {
		if p.SSRC != pkts[0].SSRC {
			t.Fatalf("packet %d: SSRC %#x, want %#x (the same downstream track)", i, p.SSRC, pkts[0].SSRC)
		}
		if first < 0 && p.At.After(split) {
			first = i
		}
	}
	if first <= 0 {
		t.Fatalf("no packets on both sides of the splice (first after: %d of %d)", first, len(pkts))
	}
	if p := pkts[first]; !p.FrameStart || !p.Keyframe {
		t.Errorf("first packet after the splice (seq %d): frame start %t, keyframe %t; want a keyframe's first packet", p.Seq, p.FrameStart, p.Keyframe)
	}
	gaps := 0
	for i := 1; i < len(pkts); i++ {
		if d := pkts[i].Seq - pkts[i-1].Seq; d != 1 {
			gaps++
			t.Logf("sequence jump at packet %d (splice at %d): %d → %d", i, first, pkts[i-1].Seq, pkts[i].Seq)
			if d == 0 || d > 1000 {
				t.Errorf("sequence numbers do not continue at packet %d: %d → %d", i, pkts[i-1].Seq, pkts[i].Seq)
			}
		}
	}
}

// TestSession_CorruptStateJoinsAfresh: a state file that does not parse
// means a fresh join, not a failure.
func TestSession_CorruptStateJoinsAfresh(t *testing.T) {
	srv := startServer(t, server.Options{})
	a := newClient(t, srv, 1, MediaNone, nil)
	if err := os.WriteFile(filepath.Join(a.dir, StateFile), []byte(`{"version":1,"server":`), 0o600); err != nil {
		t.Fatal(err)
	}
	if j := a.joined(t, "lobby", false); j.Resumed {
		t.Fatalf("%v: want a fresh join", j)
	}
	st, err := loadState(a.dir)
	if err != nil || st.Channel != "lobby" || st.UID != 1 {
		t.Fatalf("state after the join: %+v, %v; want the new session", st, err)
	}
}

// TestSession_ResumeRejectedJoinsAfresh: a state file whose secret is
// wrong gets RESUME_REJECTED from the server, and the session joins afresh
// (still a success: Joined, not resumed).
func TestSession_ResumeRejectedJoinsAfresh(t *testing.T) {
	srv := startServer(t, server.Options{})
	a := newClient(t, srv, 1, MediaNone, nil)
	a.joined(t, "lobby", true)
	a.Stop(false)
	a.Close()
	st, err := loadState(a.dir)
	if err != nil {
		t.Fatal(err)
	}
	st.ResumeSecret = "not-the-secret"
	if err := saveState(a.dir, st); err != nil {
		t.Fatal(err)
	}
	a2 := newClient(t, srv, 1, MediaNone, func(c *Config) { c.StateDir = a.dir })
	if j := a2.joined(t, "lobby", false); j.Resumed {
		t.Fatalf("%v: want a fresh join", j)
	}
	if now, err := loadState(a.dir); err != nil || now.Session == st.Session {
		t.Fatalf("state after the fresh join: %+v, %v; want a new session", now, err)
	}
}

// TestSession_ForeignStateJoinsAfresh: a state file for another channel is
// not resumed; the new session replaces it.
func TestSession_ForeignStateJoinsAfresh(t *testing.T) {
	srv := startServer(t, server.Options{})
	a := newClient(t, srv, 1, MediaNone, nil)
	a.joined(t, "elsewhere", true)
	a.Stop(false)
	if j := a.joined(t, "lobby", false); j.Resumed {
		t.Fatalf("%v: want a fresh join", j)
	}
	if st, err := loadState(a.dir); err != nil || st.Channel != "lobby" {
		t.Fatalf("state: %+v, %v; want lobby's session", st, err)
	}
}

// TestSession_FreshJoinIgnoresState: Join with fresh set does not resume
// even a valid state.
func TestSession_FreshJoinIgnoresState(t *testing.T) {
	srv := startServer(t, server.Options{})
	a := newClient(t, srv, 1, MediaNone, nil)
	a.joined(t, "lobby", true)
	a.Stop(false)
	if j := a.joined(t, "lobby", true); j.Resumed {
		t.Fatalf("%v: want a fresh join", j)
	}
}

// TestSession_SIGKILLedProcessResumesInvisibly: a real process publishing
// the clip is killed with SIGKILL (no leave, no close of anything: the
// kernel closes its sockets), and a new session on its state directory
// resumes: the peer sees no peer event, the same track continues, the
// first frame after the splice is a keyframe.
func TestSession_SIGKILLedProcessResumesInvisibly(t *testing.T) {
	srv := startServer(t, server.Options{})
	var log packetLog
	b := newClient(t, srv, 2, MediaNone, withPacketLog(&log))
	b.joined(t, "lobby", true)
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"=1", "RTC_HELPER_SERVER="+srv.url, "RTC_HELPER_DIR="+dir,
		"RTC_HELPER_CHANNEL=lobby", "RTC_HELPER_UID=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	line := make(chan string, 1)
	go func() {
		l, _ := bufio.NewReader(out).ReadString('\n')
		line <- l
	}()
	select {
	case l := <-line:
		if l != "joined\n" {
			t.Fatalf("helper: %q", l)
		}
	case <-time.After(waitLimit):
		t.Fatal("helper did not join")
	}
	eventually(t, "b receives the helper's video", func() bool { return videoOf(b, 1).Frames > 10 })
	mark := time.Now()
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	killed := time.Now()

	a := newClient(t, srv, 1, MediaTest, func(c *Config) { c.StateDir = dir })
	j := a.joined(t, "lobby", false)
	rejoined := time.Now()
	if !j.Resumed {
		t.Fatalf("%v: want resumed", j)
	}
	before := videoOf(b, 1).Frames
	eventually(t, "b receives the new process's video", func() bool { return videoOf(b, 1).Frames > before+30 })
	if news := peerNews(b.rec.since(mark), 1); len(news) != 0 {
		t.Errorf("b saw peer events about uid 1 across the kill: %v", news)
	}
	checkSplice(t, log.of("u1-video"), killed.Add(rejoined.Sub(killed)/2))
	t.Logf("SIGKILL to rejoined: %v", rejoined.Sub(killed))
}
