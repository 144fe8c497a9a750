package web

import (
	"flag"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

var updateScreenshot = flag.Bool("update-screenshot", false, "write screenshot.png (the README's picture of the page) from TestPage_VideoPlays")

// pageEvent is one entry of window.edgeEvents (SPEC §6.2).
type pageEvent struct {
	Event string  `json:"event"`
	UID   uint32  `json:"uid"`
	T     float64 `json:"t"` // Date.now() in the page, ms
}

// videoState is what the tests read of one peer's <video>.
type videoState struct {
	Time   float64 `json:"t"` // currentTime, s
	Width  int     `json:"w"`
	Height int     `json:"h"`
	Frames int     `json:"frames"` // getVideoPlaybackQuality().totalVideoFrames
	Tag    string  `json:"tag"`    // the test's mark on the element, to recognise it
}

// videoOf returns the state of uid's video element, nil when there is none.
func videoOf(p *page, uid uint32) *videoState {
	return eval[*videoState](p, fmt.Sprintf(`(() => {
		const v = document.querySelector('video[data-uid="%d"]');
		if (!v) return null;
		return {t: v.currentTime, w: v.videoWidth, h: v.videoHeight,
			frames: v.getVideoPlaybackQuality().totalVideoFrames, tag: v.edgeTestTag || ''};
	})()`, uid))
}

// tagVideo marks uid's video element, so that a later videoOf tells
// whether it is still the same element.
func tagVideo(p *page, uid uint32, tag string) {
	eval[bool](p, fmt.Sprintf(`(() => {
		const v = document.querySelector('video[data-uid="%d"]');
		if (v) v.edgeTestTag = %q;
		return !!v;
	})()`, uid, tag))
}

// waitPlaying waits until uid's video shows frames past what before saw
// (nil: from the start): half a second more of currentTime and 15 more
// decoded frames, and a picture size. An element that reloaded (a new
// track in place of an ended one) counts from zero again. It returns the
// state then.
func waitPlaying(p *page, uid uint32, before *videoState, limit time.Duration) *videoState {
	p.t.Helper()
	var t0 float64
	var f0 int
	if before != nil {
		t0, f0 = before.Time, before.Frames
	}
	waitFor(p, fmt.Sprintf("uid %d's video to play on (from t=%.2f s, %d frames)", uid, t0, f0), fmt.Sprintf(`(() => {
		const v = document.querySelector('video[data-uid="%d"]');
		if (!v) return false;
		const reloaded = v.currentTime < %[2]f;
		const t0 = reloaded ? 0 : %[2]f, f0 = reloaded ? 0 : %[3]d;
		return v.videoWidth > 0 && v.currentTime > t0 + 0.5 &&
			v.getVideoPlaybackQuality().totalVideoFrames > f0 + 15;
	})()`, uid, t0, f0), limit)
	return videoOf(p, uid)
}

// continuous fails the test if the element restarted between before and
// after: a resumed publisher's video must just go on (no new stream).
func continuous(t *testing.T, before, after *videoState) {
	t.Helper()
	if after.Time < before.Time || after.Frames < before.Frames {
		t.Fatalf("the video restarted (t %.2f → %.2f s, frames %d → %d): a resume must not make a new stream",
			before.Time, after.Time, before.Frames, after.Frames)
	}
}

// events returns window.edgeEvents.
func events(p *page) []pageEvent { return eval[[]pageEvent](p, `window.edgeEvents`) }

// eventsOf returns the events of one uid, of one kind ("" for all).
func eventsOf(p *page, uid uint32, kind string) []pageEvent {
	var out []pageEvent
	for _, e := range events(p) {
		if e.UID == uid && (kind == "" || e.Event == kind) {
			out = append(out, e)
		}
	}
	return out
}

// waitEvent waits until uid has at least n events of kind and returns the
// nth.
func waitEvent(p *page, uid uint32, kind string, n int, limit time.Duration) pageEvent {
	p.t.Helper()
	waitFor(p, fmt.Sprintf("%s #%d of uid %d", kind, n, uid), fmt.Sprintf(
		`window.edgeEvents.filter(e => e.uid === %d && e.event === %q).length >= %d`, uid, kind, n), limit)
	return eventsOf(p, uid, kind)[n-1]
}

// pageNow returns Date.now() in the page, in ms: the clock of edgeEvents.
func pageNow(p *page) float64 { return eval[float64](p, `Date.now()`) }

// setup starts a server, the page watching channel and an agent of uid on
// the host, and waits until the page plays the agent's video.
func setup(t *testing.T, channel string, uid uint32) (*page, *agent) {
	t.Helper()
	p := openJoined(t, startServer(t), channel)
	a := newAgent(t, nil, p.srv.wsURL("127.0.0.1"), channel, uid)
	publish(p, a)
	return p, a
}

// openJoined opens the page of channel on srv and waits until it joined.
func openJoined(t *testing.T, srv *testServer, channel string) *page {
	t.Helper()
	p := openPage(t, srv, channel)
	waitFor(p, "the page to join", `document.getElementById('status').dataset.state === 'CONNECTED'`, waitLimit)
	return p
}

// publish starts a, which must join afresh, and waits until the page
// plays its video.
func publish(p *page, a *agent) {
	p.t.Helper()
	startedAt := pageNow(p)
	if a.Start() {
		p.t.Fatalf("agent %d resumed a session on its first start", a.UID())
	}
	added := waitEvent(p, a.UID(), "stream-added", 1, waitLimit)
	st := waitPlaying(p, a.UID(), nil, waitLimit)
	p.t.Logf("agent %d started → stream-added %v → playing %v: %dx%d, t=%.2f s, %d frames", a.UID(),
		ms(added.T-startedAt), ms(pageNow(p)-startedAt), st.Width, st.Height, st.Time, st.Frames)
}

// TestPage_VideoPlays: the page plays the test clip that the edge-agent
// binary publishes. With -update-screenshot it writes screenshot.png, the
// README's picture of the page.
func TestPage_VideoPlays(t *testing.T) {
	p, a := setup(t, "lobby", 42)
	before := videoOf(p, a.UID())
	after := waitPlaying(p, a.UID(), before, waitLimit)
	t.Logf("playing on: t %.2f → %.2f s, frames %d → %d", before.Time, after.Time, before.Frames, after.Frames)
	if after.Width != 640 || after.Height != 360 {
		t.Errorf("picture %dx%d, want the clip's 640x360", after.Width, after.Height)
	}
	if got := events(p); len(got) != 1 || got[0].Event != "stream-added" || got[0].UID != a.UID() {
		t.Errorf("edgeEvents %+v, want one stream-added of uid %d", got, a.UID())
	}
	if *updateScreenshot {
		writeScreenshot(p)
	}
}

// writeScreenshot writes screenshot.png once every tile shows a steady
// frame rate.
func writeScreenshot(p *page) {
	p.t.Helper()
	waitFor(p, "a steady frame rate", `[...document.querySelectorAll('#grid .stats')].every(s => parseInt(s.textContent.split('·')[1]) >= 25)`, waitLimit)
	png, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile("screenshot.png", png, 0o644); err != nil {
		p.t.Fatalf("screenshot: %v", err)
	}
	p.t.Logf("screenshot.png: %d bytes", len(png))
}

// TestPage_TwoPublishersAndAPhone: two agents each get a tile, in uid
// order, both playing; on a phone-sized screen the tiles stack in one
// column and nothing scrolls sideways.
func TestPage_TwoPublishersAndAPhone(t *testing.T) {
	p, first := setup(t, "two", 43)
	second := newAgent(t, nil, p.srv.wsURL("127.0.0.1"), "two", 42)
	publish(p, second)
	waitPlaying(p, first.UID(), videoOf(p, first.UID()), waitLimit)
	if got := eval[[]string](p, `[...document.querySelectorAll('#grid video')].map(v => v.dataset.uid)`); len(got) != 2 || got[0] != "42" {
		t.Errorf("tiles %v, want 42 then 43", got)
	}
	if err := chromedp.Do(p.ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(3), chromedp.EmulateMobile)); err != nil {
		t.Fatalf("phone viewport: %v", err)
	}
	waitFor(p, "one column of tiles", `(() => {
		const [a, b] = document.querySelectorAll('#grid .tile');
		return b.getBoundingClientRect().top >= a.getBoundingClientRect().bottom;
	})()`, waitLimit)
	if w := eval[[]int](p, `[document.documentElement.scrollWidth, window.innerWidth]`); w[0] > w[1] {
		t.Errorf("page %d px wide in a %d px phone screen: it scrolls sideways", w[0], w[1])
	}
}
