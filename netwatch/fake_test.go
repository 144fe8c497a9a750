package netwatch

import (
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"
)

// fakeSource is a source whose network the test sets by hand.
type fakeSource struct {
	mu       sync.Mutex
	snap     Snapshot
	readErr  error
	watchErr error
	current  *fakeWatcher
	reads    chan Snapshot     // every successful read, if the test listens
	watches  chan *fakeWatcher // every successful watch
	watchTry chan error        // every watch attempt
}

func newFakeSource(s Snapshot) *fakeSource {
	return &fakeSource{snap: s, reads: make(chan Snapshot, 100),
		watches: make(chan *fakeWatcher, 100), watchTry: make(chan error, 100)}
}

func (f *fakeSource) read() (Snapshot, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.readErr != nil {
		return Snapshot{}, f.readErr
	}
	s := f.snap
	select {
	case f.reads <- s:
	default:
	}
	return s, nil
}

func (f *fakeSource) watch(notify func(error)) (watcher, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.watchTry <- f.watchErr
	if f.watchErr != nil {
		return nil, f.watchErr
	}
	w := &fakeWatcher{notify: notify, fail: make(chan struct{})}
	f.current = w
	f.watches <- w
	return w, nil
}

func (f *fakeSource) close() error { return nil }

// set changes the network without notifying anyone.
func (f *fakeSource) set(s Snapshot) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.snap = s
}

// change changes the network and notifies the current watcher.
func (f *fakeSource) change(s Snapshot) {
	f.set(s)
	f.mu.Lock()
	w := f.current
	f.mu.Unlock()
	w.notify(nil)
}

func (f *fakeSource) setWatchErr(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.watchErr = err
}

func (f *fakeSource) setReadErr(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.readErr = err
}

type fakeWatcher struct {
	notify   func(error)
	fail     chan struct{}
	failOnce sync.Once
	stopped  sync.Once
}

func (w *fakeWatcher) failed() <-chan struct{} { return w.fail }
func (w *fakeWatcher) err() error              { return errors.New("fake: ENOBUFS") }
func (w *fakeWatcher) stop()                   { w.stopped.Do(func() {}) }
func (w *fakeWatcher) breakDown()              { w.failOnce.Do(func() { close(w.fail) }) }

// fakeClock is a clock and a tick channel the test drives.
type fakeClock struct {
	mu    sync.Mutex
	now   clockReading
	ticks chan time.Time
}

func (c *fakeClock) read() clockReading {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// advance moves the wall and monotonic clocks and ticks once.
func (c *fakeClock) advance(wall, mono time.Duration) {
	c.mu.Lock()
	c.now.wall = c.now.wall.Add(wall)
	c.now.mono += mono
	c.mu.Unlock()
	c.ticks <- time.Now()
}

// startFake starts a monitor on src and a fake clock, closed at cleanup.
func startFake(t *testing.T, src *fakeSource, opts Options) (*Monitor, *fakeClock) {
	t.Helper()
	clk := &fakeClock{now: clockReading{wall: time.Unix(1_700_000_000, 0)}, ticks: make(chan time.Time)}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	m := New(opts)
	m.newSource = func(Options, *slog.Logger) (source, error) { return src, nil }
	m.clock = clk.read
	m.clockTicks = func() (<-chan time.Time, func()) { return clk.ticks, func() {} }
	if err := m.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return m, clk
}

// testWriter sends logs to t.Log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(string(p))
	return len(p), nil
}

// waitTimeout bounds every wait of the tests; nothing is expected to take
// more than a few ms, so hitting it means the event never comes.
const waitTimeout = 5 * time.Second

// recvDelta returns the next Delta, failing the test after waitTimeout.
func recvDelta(t *testing.T, m *Monitor) Delta {
	t.Helper()
	select {
	case d, ok := <-m.Deltas():
		if !ok {
			t.Fatal("Deltas closed")
		}
		return d
	case <-time.After(waitTimeout):
		t.Fatal("no Delta within the deadline")
	}
	return Delta{}
}

// recv waits for a value on ch, failing the test after waitTimeout.
func recv[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(waitTimeout):
		t.Fatalf("no %s within the deadline", what)
	}
	var zero T
	return zero
}
