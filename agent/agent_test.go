package agent

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fakeSession is a session over a network the test turns on and off. Data
// flows continuously while the network is up; attempts succeed after a
// round trip when it is up and fail after a timeout when it is down.
type fakeSession struct {
	a     *Agent
	mu    sync.Mutex
	up    bool
	last  time.Time // last data while down
	peers []uint32
	calls []string
	rtt   time.Duration
}

func (f *fakeSession) setUp(up bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !up && f.up {
		f.last = time.Now()
	}
	f.up = up
}

func (f *fakeSession) record(c string) {
	f.mu.Lock()
	f.calls = append(f.calls, c)
	f.mu.Unlock()
}

// attempt answers an attempt after a round trip (up) or a timeout (down).
func (f *fakeSession) attempt() {
	f.mu.Lock()
	up, peers := f.up, slices.Clone(f.peers)
	f.mu.Unlock()
	go func() {
		if !up {
			time.Sleep(3 * time.Second)
			f.a.Post(AttemptFailed{Err: errors.New("timeout")})
			return
		}
		time.Sleep(f.rtt)
		f.a.Post(Joined{Peers: peers})
	}()
}

func (f *fakeSession) Join(j StartJoin) { f.record(fmt.Sprintf("join fresh=%v", j.Fresh)); f.attempt() }
func (f *fakeSession) Reconnect(r Reconnect) {
	f.record(fmt.Sprintf("reconnect %d %s", r.Attempt, r.Step))
	f.attempt()
}
func (f *fakeSession) Stop(s StopSession)      { f.record(fmt.Sprintf("stop leave=%v", s.Leave)) }
func (f *fakeSession) RenewToken(token string) { f.record("renew " + token) }
func (f *fakeSession) LastData() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.up {
		return time.Now()
	}
	return f.last
}

// recorder is an observer that notes each callback with the (bubble's) time
// at which it was delivered, relative to start.
type recorder struct {
	mu    sync.Mutex
	start time.Time
	got   []string
}

func (r *recorder) Observe(u Update) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, fmt.Sprintf("%s %s", time.Since(r.start).Round(time.Millisecond), u.Event))
}

func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.got
	r.got = nil
	return out
}

// harness starts an agent with a fake session in a synctest bubble.
type harness struct {
	t      *testing.T
	sess   *fakeSession
	rec    *recorder
	agent  *Agent
	cancel context.CancelFunc
	ended  chan struct{}
}

func start(t *testing.T, timers Timers) *harness {
	h := &harness{t: t, sess: &fakeSession{up: true, rtt: 200 * time.Millisecond}, rec: &recorder{start: time.Now()}, ended: make(chan struct{})}
	h.agent = New(Options{Machine: NewMachine(timers, nil), Session: h.sess, Observers: []Observer{h.rec},
		Join: &JoinRequested{Channel: "lobby", UID: 1, Token: "tok"}})
	h.sess.a = h.agent
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() { h.agent.Run(ctx); close(h.ended) }()
	return h
}

// until advances the bubble's clock to d after start and returns the
// callbacks delivered since the last call.
func (h *harness) until(d time.Duration) []string {
	time.Sleep(time.Until(h.rec.start.Add(d)))
	synctest.Wait()
	return h.rec.take()
}

func (h *harness) stop() {
	h.cancel()
	<-h.ended
}

func (h *harness) expect(d time.Duration, want ...string) {
	h.t.Helper()
	if got := h.until(d); !slices.Equal(got, want) {
		h.t.Fatalf("by %s: callbacks\n%q\nwant\n%q", d, got, want)
	}
}

// TestAgent_SeedTimeline plays the whole timeline of SPEC §2 with the real
// timers, 20 minutes included, on the bubble's fake clock: T3 = 5 s.
func TestAgent_SeedTimeline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := start(t, DefaultTimers())
		defer h.stop()
		h.expect(time.Millisecond, "0s onConnectionStateChanged(CONNECTING, CONNECTING)")
		h.expect(250*time.Millisecond, "200ms onConnectionStateChanged(CONNECTED, JOIN_SUCCESS)", `200ms onJoinChannelSuccess("lobby", 1, 200ms)`)
		h.agent.Post(PeerJoined{UID: 2})
		h.expect(5*time.Second, "250ms onUserJoined(2, 250ms)")
		h.sess.setUp(false) // T3 = 5 s
		h.expect(8999 * time.Millisecond)
		h.expect(9*time.Second, "9s onConnectionStateChanged(RECONNECTING, INTERRUPTED)")
		h.expect(15*time.Second, "15s onConnectionLost()")
		failAt := 5*time.Second + 20*time.Second + 20*time.Minute
		h.expect(failAt - time.Millisecond)
		h.expect(failAt, fmt.Sprintf("%s onConnectionStateChanged(FAILED, JOIN_FAILED)", failAt))
		// FAILED: the daemon joins again by itself after 60 s.
		h.sess.setUp(true)
		h.expect(failAt+time.Minute+time.Second, fmt.Sprintf("%s onConnectionStateChanged(CONNECTING, CONNECTING)", failAt+time.Minute),
			fmt.Sprintf("%s onConnectionStateChanged(CONNECTED, JOIN_SUCCESS)", failAt+time.Minute+200*time.Millisecond),
			fmt.Sprintf(`%s onJoinChannelSuccess("lobby", 1, 200ms)`, failAt+time.Minute+200*time.Millisecond))
	})
}

// TestAgent_RejoinBeforeFailed checks the rejoin row of the timeline: back
// after the peers' 20 s, before T7.
func TestAgent_RejoinBeforeFailed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := start(t, DefaultTimers())
		defer h.stop()
		h.until(time.Second)
		h.sess.setUp(false) // T3 = 1 s
		h.expect(12*time.Second, "5s onConnectionStateChanged(RECONNECTING, INTERRUPTED)", "11s onConnectionLost()")
		h.sess.setUp(true)
		// The next attempt after the backoff (capped at 4 s) succeeds.
		got := h.until(20 * time.Second)
		if len(got) != 2 || !slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, "onRejoinChannelSuccess") }) {
			t.Fatalf("after the network came back: %q, want CONNECTED(JOIN_SUCCESS) and onRejoinChannelSuccess", got)
		}
	})
}

// TestAgent_ShortOutageIsSilent checks that a network back within 4 s
// reports nothing, though the session recovered.
func TestAgent_ShortOutageIsSilent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := start(t, DefaultTimers())
		defer h.stop()
		h.until(time.Second)
		h.sess.setUp(false)
		h.until(2500 * time.Millisecond) // Quiet recovery has begun and failed.
		h.sess.setUp(true)
		h.expect(time.Minute)
		if st := h.agent.Status(); st.State != StateConnected {
			t.Fatalf("state %s, want CONNECTED", st.State)
		}
	})
}

func TestAgent_LeaveWaitsForTheSession(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := start(t, DefaultTimers())
		h.until(time.Second)
		if err := h.agent.Do(context.Background(), LeaveRequested{}); err != nil {
			t.Fatal(err)
		}
		h.stop()
		if !slices.Contains(h.sess.calls, "stop leave=true") || slices.Contains(h.sess.calls, "stop leave=false") {
			t.Fatalf("session calls %q: want one leave and no other stop", h.sess.calls)
		}
		if err := h.agent.Post(LeaveRequested{}); !errors.Is(err, ErrStopped) {
			t.Fatalf("Post after the end: %v, want ErrStopped", err)
		}
	})
}

// TestAgent_StopWithoutLeaveKeepsTheSession checks that ending the loop
// (a restart) does not leave: peers must see nothing.
func TestAgent_StopWithoutLeaveKeepsTheSession(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := start(t, DefaultTimers())
		h.until(time.Second)
		h.stop()
		if slices.Contains(h.sess.calls, "stop leave=true") {
			t.Fatalf("session calls %q: a stop must not leave", h.sess.calls)
		}
	})
}

// slowObserver blocks until released: the loop must go on meanwhile.
type slowObserver struct{ release chan struct{} }

func (s slowObserver) Observe(Update) { <-s.release }

func TestAgent_SlowObserverDoesNotBlockTheLoop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		slow := slowObserver{release: make(chan struct{})}
		sess := &fakeSession{up: true, rtt: 10 * time.Millisecond}
		rec := &recorder{start: time.Now()}
		a := New(Options{Session: sess, Observers: []Observer{slow, rec}, Join: &JoinRequested{Channel: "c", UID: 1}})
		sess.a = a
		ctx, cancel := context.WithCancel(context.Background())
		ended := make(chan struct{})
		go func() { a.Run(ctx); close(ended) }()
		time.Sleep(100 * time.Millisecond) // Joined.
		for i := range 100 {
			a.Post(PeerJoined{UID: uint32(i + 2)})
		}
		time.Sleep(time.Second)
		synctest.Wait()
		if n := len(rec.take()); n != 103 {
			t.Errorf("the fast observer got %d callbacks, want 103", n)
		}
		if st := a.Status(); len(st.Peers) != 100 {
			t.Errorf("status has %d peers, want 100", len(st.Peers))
		}
		close(slow.release)
		cancel()
		<-ended
	})
}

// hangingSession blocks the loop in Reconnect, as a bug would.
type hangingSession struct {
	fakeSession
	release chan struct{}
}

func (h *hangingSession) Reconnect(Reconnect) { <-h.release }

// TestAgent_HungLoopStopsTicking checks that the watchdog tick comes from
// the loop itself: a loop stuck in an action stops feeding it.
func TestAgent_HungLoopStopsTicking(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sess := &hangingSession{fakeSession: fakeSession{up: true, rtt: 10 * time.Millisecond}, release: make(chan struct{})}
		var mu sync.Mutex
		ticks := 0
		a := New(Options{Session: sess, Join: &JoinRequested{Channel: "c", UID: 1},
			Tick: func() { mu.Lock(); ticks++; mu.Unlock() }, TickEvery: time.Second})
		sess.a = a
		ctx, cancel := context.WithCancel(context.Background())
		ended := make(chan struct{})
		go func() { a.Run(ctx); close(ended) }()
		time.Sleep(10 * time.Second)
		synctest.Wait()
		mu.Lock()
		healthy := ticks
		mu.Unlock()
		if healthy < 10 {
			t.Fatalf("%d ticks in 10 s of a healthy loop, want ≥ 10", healthy)
		}
		a.Post(SessionDown{}) // The loop hangs in Reconnect.
		time.Sleep(time.Minute)
		synctest.Wait()
		mu.Lock()
		hung := ticks - healthy
		mu.Unlock()
		if hung > 1 {
			t.Errorf("%d ticks while the loop hung, want at most 1", hung)
		}
		close(sess.release)
		cancel()
		<-ended
	})
}
