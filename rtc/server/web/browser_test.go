package web

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// This file is the browser half of the test harness: Debian's chromium,
// headless, driven over the DevTools protocol by chromedp.

// chromiumPath is where Debian's chromium package installs the browser.
const chromiumPath = "/usr/bin/chromium"

// waitLimit bounds each wait on the page that should take well under a
// second when things work: generous for two cores under -race.
const waitLimit = 15 * time.Second

// requireBrowser skips the test when chromium cannot run here (not
// installed, or not root: chromium runs with --no-sandbox only as root in
// this project's test machines), unless EDGE_REQUIRE_SYSTEM_TESTS=1 says
// these tests must run, in which case it fails.
func requireBrowser(t *testing.T) {
	t.Helper()
	var why string
	if _, err := exec.LookPath(chromiumPath); err != nil {
		why = fmt.Sprintf("chromium not found (%v): apt-get install -y chromium", err)
	} else if os.Geteuid() != 0 {
		why = "not root: the browser tests run chromium as root with --no-sandbox"
	} else {
		return
	}
	if os.Getenv("EDGE_REQUIRE_SYSTEM_TESTS") == "1" {
		t.Fatalf("EDGE_REQUIRE_SYSTEM_TESTS=1 but %s", why)
	}
	t.Skip(why)
}

// browserFlags are chromium's flags: headless, and nothing that reaches out
// to the network on its own (the test machines' closed network refuses such
// connections and chromium then stalls).
func browserFlags(dataDir string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.UserDataDir(dataDir),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.WindowSize(1280, 800),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
		chromedp.Flag("use-fake-ui-for-media-stream", true),
	}
}

// newBrowser starts chromium with a fresh profile and returns the context
// of its first tab; the browser is stopped (and waited for) when the test
// ends.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	requireBrowser(t)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), browserFlags(t.TempDir())...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// page is the viewer page open in a browser tab.
type page struct {
	t   *testing.T
	ctx context.Context
	srv *testServer // the server it was opened on
}

// openPage opens the viewer of channel (with any further query
// parameters) on srv in a new browser.
func openPage(t *testing.T, srv *testServer, channel string) *page {
	t.Helper()
	ctx := newBrowser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.pageURL(channel))); err != nil {
		t.Fatalf("open page: %v", err)
	}
	p := &page{t: t, ctx: ctx, srv: srv}
	t.Cleanup(p.dumpOnFailure)
	return p
}

// dumpOnFailure logs the page's visible log when the test failed: what the
// page saw, in its words.
func (p *page) dumpOnFailure() {
	if !p.t.Failed() {
		return
	}
	lines, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll('#log li')].map(li => li.textContent)`))
	if err != nil {
		p.t.Logf("page log: %v", err)
		return
	}
	p.t.Logf("page log:\n%s", strings.Join(lines, "\n"))
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](p *page, expr string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// waitFor polls the JavaScript predicate until it is truthy, failing the
// test with what after limit. It polls every 20 ms: a waiting, not a
// sleeping, test.
func waitFor(p *page, what, predicate string, limit time.Duration) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, limit+time.Second)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](predicate,
		chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(limit)))
	if err != nil {
		if errors.Is(err, chromedp.ErrPollingTimeout) {
			err = fmt.Errorf("not within %v", limit)
		}
		p.t.Fatalf("waiting for %s: %v", what, err)
	}
}
