package server

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/edge-agent/edge-agent/rtc/signal"
)

// threeUsers joins native uid 1 (the subject), native uid 2 and web uid 3,
// and drains the peer notices of joining.
func threeUsers(t *testing.T, srv *Server) (subject, nat, webv *memClient) {
	t.Helper()
	nat = dialMem(t, srv)
	nat.doJoin(native(2))
	webv = dialMem(t, srv)
	webv.doJoin(web(3))
	nat.expect("native sees web join", &signal.PeerJoined{UID: 3, Kind: signal.KindWeb})
	subject = dialMem(t, srv)
	subject.doJoin(native(1))
	nat.expect("native sees subject join", &signal.PeerJoined{UID: 1, Kind: signal.KindNative})
	webv.expect("web sees subject join", &signal.PeerJoined{UID: 1, Kind: signal.KindNative})
	return subject, nat, webv
}

func TestPresence_SilenceDropsWebAt10sNativeAt20s(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newTestServer(t, Options{})
		subject, nat, webv := threeUsers(t, srv)
		last := subject.quiet() // network cut: no more data, the socket stays open

		sleepUntil(last.Add(10*time.Second - time.Nanosecond))
		webv.none("web, just before 10 s")
		sleepUntil(last.Add(10 * time.Second))
		webv.expect("web at 10 s", &signal.PeerOffline{UID: 1, Reason: signal.OfflineDropped})
		nat.none("native at 10 s")

		sleepUntil(last.Add(20*time.Second - time.Nanosecond))
		nat.none("native, just before 20 s")
		sleepUntil(last.Add(20 * time.Second))
		nat.expect("native at 20 s", &signal.PeerOffline{UID: 1, Reason: signal.OfflineDropped})
		webv.none("web at 20 s (already told)")
	})
}

func TestPresence_LeaveIsQuitAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newTestServer(t, Options{})
		subject, nat, webv := threeUsers(t, srv)
		subject.send(&signal.Leave{})
		nat.expect("native", &signal.PeerOffline{UID: 1, Reason: signal.OfflineQuit})
		webv.expect("web", &signal.PeerOffline{UID: 1, Reason: signal.OfflineQuit})
		if !subject.tr.closed() {
			t.Fatal("the server did not close the leaver's connection")
		}
	})
}

func TestPresence_KillIsSilenceNotLeave(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newTestServer(t, Options{})
		subject, nat, webv := threeUsers(t, srv)
		last := subject.kill()
		sleepUntil(last.Add(9 * time.Second))
		nat.none("native, 9 s after a kill")
		webv.none("web, 9 s after a kill")
		sleepUntil(last.Add(20 * time.Second))
		webv.expect("web", &signal.PeerOffline{UID: 1, Reason: signal.OfflineDropped})
		nat.expect("native", &signal.PeerOffline{UID: 1, Reason: signal.OfflineDropped})
	})
}

func TestPresence_ResumeBefore10sIsInvisible(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newTestServer(t, Options{})
		subject, nat, webv := threeUsers(t, srv)
		last := subject.kill()
		sleepUntil(last.Add(9 * time.Second))
		back, joined := subject.resume(srv)
		if !joined.Resumed || joined.Session != subject.joined.Session || joined.ResumeSecret != subject.joined.ResumeSecret {
			t.Fatalf("resume: joined %+v, want resumed session %s", joined, subject.joined.Session)
		}
		sleepUntil(last.Add(30 * time.Second))
		nat.none("native after an early resume")
		webv.none("web after an early resume")
		back.none("the resumed client")
	})
}

func TestPresence_ResumeBetween10And20sIsSeenByWebOnly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newTestServer(t, Options{})
		subject, nat, webv := threeUsers(t, srv)
		last := subject.kill()
		sleepUntil(last.Add(15 * time.Second))
		webv.expect("web at 10 s", &signal.PeerOffline{UID: 1, Reason: signal.OfflineDropped})
		_, joined := subject.resume(srv)
		if !joined.Resumed {
			t.Fatalf("resume at 15 s: %+v, want resumed", joined)
		}
		webv.expect("web at the resume", &signal.PeerJoined{UID: 1, Kind: signal.KindNative})
		sleepUntil(last.Add(40 * time.Second))
		nat.none("native: never saw the user go")
		webv.none("web after the resume")
	})
}

func TestPresence_ResumeAfterDropIsFreshJoin(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newTestServer(t, Options{})
		subject, nat, webv := threeUsers(t, srv)
		last := subject.kill()
		sleepUntil(last.Add(25 * time.Second))
		nat.expect("native at 20 s", &signal.PeerOffline{UID: 1, Reason: signal.OfflineDropped})
		webv.expect("web at 10 s", &signal.PeerOffline{UID: 1, Reason: signal.OfflineDropped})
		_, joined := subject.resume(srv)
		if joined.Resumed || joined.Session == subject.joined.Session {
			t.Fatalf("resume after the drop: %+v, want a fresh session", joined)
		}
		nat.expect("native", &signal.PeerJoined{UID: 1, Kind: signal.KindNative})
		webv.expect("web", &signal.PeerJoined{UID: 1, Kind: signal.KindNative})
	})
}

func TestPresence_WebViewerJoiningDuringAbsenceDoesNotSeeSilentUser(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newTestServer(t, Options{})
		subject, nat, _ := threeUsers(t, srv)
		last := subject.kill()
		sleepUntil(last.Add(12 * time.Second))
		late := dialMem(t, srv)
		got := late.doJoin(web(4))
		nat.expect("native sees the late web viewer", &signal.PeerJoined{UID: 4, Kind: signal.KindWeb})
		want := map[uint32]bool{2: true, 3: true}
		if len(got.Peers) != len(want) {
			t.Fatalf("web viewer joining at 12 s sees %+v, want uids 2 and 3", got.Peers)
		}
		late2 := dialMem(t, srv)
		if got := late2.doJoin(native(5)); len(got.Peers) != 4 {
			t.Fatalf("native viewer joining at 12 s sees %+v, want 4 peers (the silent one too)", got.Peers)
		}
	})
}

func TestPresence_ServerHeartbeatsEvery500ms(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newTestServer(t, Options{})
		c := dialMem(t, srv)
		c.doJoin(native(1))
		start := time.Now()
		for i := 0; i < 20; i++ {
			time.Sleep(100 * time.Millisecond)
			c.none("idle")
		}
		beats := append([]time.Time{start}, c.beats...)
		for i := 1; i < len(beats); i++ {
			if gap := beats[i].Sub(beats[i-1]); gap > 500*time.Millisecond {
				t.Fatalf("gap of %v between heartbeats", gap)
			}
		}
		if len(c.beats) < 3 {
			t.Fatalf("%d heartbeats in 2 s", len(c.beats))
		}
	})
}

func TestChannel_DestroyedAfterLastUserLeaves(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newTestServer(t, Options{})
		c := dialMem(t, srv)
		c.doJoin(native(1))
		c.send(&signal.Leave{})
		synctest.Wait()
		left := time.Now()
		if ch := srv.Channels(); len(ch) != 1 || len(ch[0].Users) != 0 || ch[0].EmptySince == nil {
			t.Fatalf("right after leave: %+v, want the empty channel", ch)
		}
		sleepUntil(left.Add(10*time.Second - time.Nanosecond))
		if len(srv.Channels()) != 1 {
			t.Fatal("channel destroyed before 10 s")
		}
		sleepUntil(left.Add(10 * time.Second))
		if ch := srv.Channels(); len(ch) != 0 {
			t.Fatalf("10 s after the last user: %+v, want no channel", ch)
		}
	})
}

func TestChannel_DestroyedAfterLastUserDrops(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newTestServer(t, Options{})
		c := dialMem(t, srv)
		c.doJoin(native(1))
		last := c.kill()
		sleepUntil(last.Add(29 * time.Second))
		if len(srv.Channels()) != 1 {
			t.Fatal("channel destroyed before drop + 10 s")
		}
		sleepUntil(last.Add(30 * time.Second))
		if len(srv.Channels()) != 0 {
			t.Fatal("channel alive at drop + 10 s")
		}
	})
}

func TestChannel_JoinWithinDestroyWindowFindsIt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := newTestServer(t, Options{})
		c := dialMem(t, srv)
		c.doJoin(native(1))
		before := srv.Channels()[0]
		c.send(&signal.Leave{})
		synctest.Wait()
		time.Sleep(9 * time.Second)
		d := dialMem(t, srv)
		d.doJoin(native(2))
		time.Sleep(20 * time.Second)
		after := srv.Channels()
		if len(after) != 1 || !after[0].Since.Equal(before.Since) || after[0].EmptySince != nil {
			t.Fatalf("channel after a join in the destroy window: %+v, want the one of %v", after, before.Since)
		}
	})
}
