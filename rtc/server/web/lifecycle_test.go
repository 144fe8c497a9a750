package web

import (
	"context"
	"testing"
	"time"
)

// The publisher's life as the page sees it: SPEC §3 for web peers.

// webOfflineAfter is the server's default --web-offline-after (SPEC §6.2):
// the silence after which web peers see stream-removed.
const webOfflineAfter = 10 * time.Second

// tolerance is SPEC §2's: a callback is on time within 500 ms of its moment.
const tolerance = 500 * time.Millisecond

// pause lets scenario time pass (a killed process staying down, a network
// staying cut): what is being tested, not a way to wait for something.
func pause(t *testing.T, d time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), d)
	defer cancel()
	<-ctx.Done()
	if t.Context().Err() != nil {
		t.Fatal("test ended during a pause")
	}
}

// ms converts a page time difference (ms) to a duration.
func ms(d float64) time.Duration { return time.Duration(d * float64(time.Millisecond)) }

// TestPage_ResumeIsInvisible: the publisher is killed and a new one resumes
// its session within 3 s; the page logs nothing, and the same <video>
// element goes on playing (SPEC §3, first row).
func TestPage_ResumeIsInvisible(t *testing.T) {
	p, pub := setup(t, "resume", 7)
	uid := pub.UID()
	tagVideo(p, uid, "before-kill")
	before := videoOf(p, uid)
	killedAt := pageNow(p)
	pub.Kill(t)
	pause(t, 2*time.Second) // the process is down, systemd restarts it
	if !pub.Resume(t) {
		t.Fatal("the server did not resume the session")
	}
	resumedAt := pageNow(p)
	after := waitPlaying(p, uid, before, waitLimit)
	if after.Tag != "before-kill" {
		t.Fatalf("video element replaced (tag %q): the resumed video must continue in the same element", after.Tag)
	}
	continuous(t, before, after)
	t.Logf("resumed %.0f ms after the kill; playing again %.2f s of currentTime later, %d frames more",
		resumedAt-killedAt, after.Time-before.Time, after.Frames-before.Frames)
	// Past the moment when a web peer would have been told (kill + 10 s).
	pause(t, ms(killedAt+float64((webOfflineAfter+2*tolerance).Milliseconds())-pageNow(p)))
	if got := eventsOf(p, uid, ""); len(got) != 1 || got[0].Event != "stream-added" {
		t.Fatalf("edgeEvents of uid %d: %+v, want only the first stream-added", uid, got)
	}
	last := waitPlaying(p, uid, after, waitLimit)
	if last.Tag != "before-kill" {
		t.Fatalf("video element replaced (tag %q)", last.Tag)
	}
	continuous(t, after, last)
}

// TestPage_SilenceRemovesAndReturns: the publisher goes silent for 13 s;
// the page logs stream-removed 10 s after its last data (±0.5 s), then
// stream-added when it resumes, and the video plays again in the same
// element (SPEC §2, web column; §3 second row).
func TestPage_SilenceRemovesAndReturns(t *testing.T) {
	p, pub := setup(t, "silence", 9)
	uid := pub.UID()
	tagVideo(p, uid, "before-cut")
	stopFrom := pageNow(p)
	pub.Kill(t)
	stopTo := pageNow(p) // the last data left the publisher between the two
	removed := waitEvent(p, uid, "stream-removed", 1, webOfflineAfter+waitLimit)
	early, late := ms(removed.T-stopTo), ms(removed.T-stopFrom)
	t.Logf("stream-removed %v–%v after the publisher stopped (kill took %v)", early, late, ms(stopTo-stopFrom))
	if early < webOfflineAfter-tolerance || late > webOfflineAfter+tolerance {
		t.Fatalf("stream-removed %v–%v after the last data, want %v ± %v", early, late, webOfflineAfter, tolerance)
	}
	pause(t, ms(stopFrom+13000-pageNow(p)))
	if got := eventsOf(p, uid, "stream-added"); len(got) != 1 {
		t.Fatalf("stream-added before the publisher came back: %+v", got)
	}
	before := videoOf(p, uid)
	back := pageNow(p)
	if !pub.Resume(t) {
		t.Fatal("the server did not resume the session at 13 s (it keeps it for 20 s)")
	}
	added := waitEvent(p, uid, "stream-added", 2, waitLimit)
	t.Logf("stream-added %v after the publisher started resuming", ms(added.T-back))
	after := waitPlaying(p, uid, before, waitLimit)
	if after.Tag != "before-cut" {
		t.Fatalf("video element replaced (tag %q): the element of uid %d must be reused", after.Tag, uid)
	}
	continuous(t, before, after)
	if got := eventsOf(p, uid, ""); len(got) != 3 {
		t.Fatalf("edgeEvents of uid %d: %+v, want added, removed, added", uid, got)
	}
}

// TestPage_LeaveIsPeerLeave: the publisher leaves (SIGTERM); the page logs
// peer-leave within a second (SPEC §3, third row) and drops its tile.
func TestPage_LeaveIsPeerLeave(t *testing.T) {
	p, pub := setup(t, "leave", 11)
	uid := pub.UID()
	leftAt := pageNow(p)
	pub.Leave(t)
	ev := waitEvent(p, uid, "peer-leave", 1, time.Second)
	t.Logf("peer-leave %v after the leave", ms(ev.T-leftAt))
	if got := eventsOf(p, uid, ""); len(got) != 2 || got[0].Event != "stream-added" {
		t.Fatalf("edgeEvents of uid %d: %+v, want stream-added then peer-leave", uid, got)
	}
	waitFor(p, "the tile to go", `!document.querySelector('video[data-uid="11"]')`, time.Second)
}

// TestPage_ReturnAfterSessionEnded: the publisher stays silent past the
// server's 20 s, so its session ends; when it comes back (a resume the
// server answers with a fresh session) the page logs stream-added and shows
// the new track in the element the uid had (SPEC §3, second row).
func TestPage_ReturnAfterSessionEnded(t *testing.T) {
	p, pub := setup(t, "ended", 13)
	uid := pub.UID()
	tagVideo(p, uid, "first-session")
	killedAt := pageNow(p)
	pub.Kill(t)
	waitEvent(p, uid, "stream-removed", 1, webOfflineAfter+waitLimit)
	pause(t, ms(killedAt+21000-pageNow(p))) // past --offline-after (20 s)
	before := videoOf(p, uid)
	if before == nil {
		t.Fatal("the tile of the ended session is gone: it must stay until peer-leave")
	}
	if pub.Resume(t) {
		t.Fatal("the server resumed a session it should have ended at 20 s")
	}
	waitEvent(p, uid, "stream-added", 2, waitLimit)
	after := waitPlaying(p, uid, before, waitLimit)
	if after.Tag != "first-session" {
		t.Fatalf("video element replaced (tag %q): the element of uid %d must be reused", after.Tag, uid)
	}
	if got := eventsOf(p, uid, ""); len(got) != 3 {
		t.Fatalf("edgeEvents of uid %d: %+v, want added, removed, added", uid, got)
	}
}
