package web

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/edge-agent/edge-agent/rtc/signal"
)

// TestPage_ReconnectsItsOwnSession: the page's own connection is cut (its
// WebSocket and everything else through a proxy); it reconnects and
// resumes its session, logs no event about the publisher, and shows the
// publisher's video again in the same element. Opened from a non-loopback
// address where the host has one, the page is not a secure context and
// makes its resume proof with sha256.js instead of crypto.subtle.
func TestPage_ReconnectsItsOwnSession(t *testing.T) {
	srv := startServer(t)
	host := hostAddress()
	if host == "" {
		host = "127.0.0.1"
	}
	px := startProxy(t, host, srv.addr("127.0.0.1"))
	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate("http://"+px.addr()+"/?channel=cut")); err != nil {
		t.Fatalf("open page: %v", err)
	}
	p := &page{t: t, ctx: ctx, srv: srv}
	t.Cleanup(p.dumpOnFailure)
	secure := eval[bool](p, `window.isSecureContext && !!(window.crypto && crypto.subtle)`)
	t.Logf("page at %s: secure context with crypto.subtle: %t", px.addr(), secure)
	waitFor(p, "the page to join", `document.getElementById('status').dataset.state === 'CONNECTED'`, waitLimit)
	pub := newAgent(t, nil, srv.wsURL("127.0.0.1"), "cut", 5)
	publish(p, pub)
	before := videoOf(p, pub.UID())
	tagVideo(p, pub.UID(), "before-cut")

	cutAt := pageNow(p)
	px.cut()
	waitFor(p, "the page to resume", `[...document.querySelectorAll('#log li')].some(li => li.textContent.includes('resumed as uid'))`, waitLimit)
	t.Logf("page resumed %v after the cut", ms(pageNow(p)-cutAt))
	after := waitPlaying(p, pub.UID(), before, waitLimit)
	if after.Tag != "before-cut" {
		t.Fatalf("video element replaced (tag %q)", after.Tag)
	}
	if got := events(p); len(got) != 1 {
		t.Fatalf("edgeEvents %+v, want only the first stream-added", got)
	}
	log := eval[string](p, `document.getElementById('log').textContent`)
	if !strings.Contains(log, "connection RECONNECTING") {
		t.Errorf("the log does not show the reconnection: %s", log)
	}
	if s := eval[string](p, `document.getElementById('status').dataset.state`); s != "CONNECTED" {
		t.Errorf("state %s after the resume, want CONNECTED", s)
	}
}

// TestPage_KeyboardJoin: the form works from the keyboard alone; a bad
// channel name is refused with a message and focus on the field.
func TestPage_KeyboardJoin(t *testing.T) {
	srv := startServer(t)
	p := openPage(t, srv, "")
	if got := eval[string](p, `document.activeElement.id`); got != "channel" {
		t.Fatalf("focus on %q at load, want the channel field", got)
	}
	err := chromedp.Do(p.ctx, chromedp.SendKeys(chromedp.ID("channel"), "bad name\r"))
	if err != nil {
		t.Fatalf("type: %v", err)
	}
	waitFor(p, "the refusal", `document.getElementById('form-error').textContent.includes('channel')`, time.Second)
	if got := eval[string](p, `document.activeElement.id`); got != "channel" {
		t.Errorf("focus on %q after the refusal, want the channel field", got)
	}
	eval[string](p, `document.getElementById('channel').value = ''`)
	err = chromedp.Do(p.ctx, chromedp.SendKeys(chromedp.ID("channel"), "keys\r"))
	if err != nil {
		t.Fatalf("type: %v", err)
	}
	waitFor(p, "the page to join", `document.getElementById('status').dataset.state === 'CONNECTED'`, waitLimit)
	if got := eval[string](p, `location.search`); !strings.Contains(got, "channel=keys") {
		t.Errorf("URL query %q: want the channel, so that the page can be bookmarked", got)
	}
	err = chromedp.Do(p.ctx, chromedp.Focus(chromedp.ID("leave-btn")), chromedp.KeyEvent("\r"))
	if err != nil {
		t.Fatalf("leave: %v", err)
	}
	waitFor(p, "the page to leave", `document.getElementById('status').dataset.state === 'DISCONNECTED'`, waitLimit)
}

// TestPage_Token: on a server that checks tokens, a bad token fails the
// join for good (FAILED, the reason shown, focus on the token field, no
// retrying); the right token for the uid joins.
func TestPage_Token(t *testing.T) {
	secret := strings.Repeat("s", signal.MinSecretLen)
	srv := startServer(t, signal.AppSecrets{"shop": secret})
	p := openPage(t, srv, "door&app=shop&uid=77&token=et1.shop.door.77.1.bad")
	waitFor(p, "the refusal", `document.getElementById('status').dataset.state === 'FAILED'`, waitLimit)
	if got := eval[string](p, `document.getElementById('form-error').textContent`); !strings.Contains(got, "INVALID_TOKEN") {
		t.Errorf("error %q, want INVALID_TOKEN named", got)
	}
	if got := eval[string](p, `document.activeElement.id`); got != "token" {
		t.Errorf("focus on %q, want the token field", got)
	}
	token, err := signal.MakeToken("shop", secret, "door", 77, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	eval[string](p, fmt.Sprintf(`document.getElementById('token').value = %s`, jsString(token)))
	if err := chromedp.Do(p.ctx, chromedp.SendKeys(chromedp.ID("token"), "\r")); err != nil {
		t.Fatalf("submit: %v", err)
	}
	waitFor(p, "the page to join", `document.getElementById('status').dataset.state === 'CONNECTED'`, waitLimit)
	if got := eval[string](p, `document.getElementById('form-error').textContent`); got != "" {
		t.Errorf("error %q still shown after joining", got)
	}
}
