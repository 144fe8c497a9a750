package netwatch

import (
	"errors"
	"time"
)

// loop is the monitor's state, owned by its one goroutine (and by Start
// before that goroutine exists). Nothing here is shared: other goroutines
// only send on the monitor's wake and stop channels.
type loop struct {
	m *Monitor

	w            watcher      // live subscription; nil while polling
	subscribedAt time.Time    // when w was subscribed
	failures     int          // consecutive subscription failures
	resub        *time.Timer  // pending resubscription; nil when none
	poll         *time.Ticker // running while there is no subscription

	debounce   *time.Timer // fires at the end of a coalescing window
	debouncing bool        // a window is open

	ticks     <-chan time.Time // clock checks
	stopTicks func()
	lastClock clockReading

	last       Snapshot // newest snapshot read
	delivered  Snapshot // New of the last delivered Delta (or the first read)
	pending    Delta    // waiting for the consumer, when hasPending
	hasPending bool
	jumpUnread bool // a clock jump whose snapshot could not be read yet
}

func newLoop(m *Monitor) *loop {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return &loop{m: m, debounce: t}
}

// begin subscribes (before reading, so that no change falls between the
// read and the subscription), reads the first snapshot and starts the
// clock checks.
func (l *loop) begin() error {
	if l.m.opts.PollOnly {
		l.startPolling()
	} else {
		l.subscribe()
	}
	snap, err := l.read()
	if err != nil {
		return err
	}
	l.last, l.delivered = snap, snap
	l.m.snap.Store(&snap)
	l.ticks, l.stopTicks = l.m.clockTicks()
	l.lastClock = l.m.clock()
	l.logStart(snap)
	return nil
}

// logStart logs the first snapshot's path, and the target when there is
// one: followed is false when the default routes decide instead (a target
// of this device's own, or a platform without routes).
func (l *loop) logStart(snap Snapshot) {
	attrs := []any{"path", snap.Path().Name, "type", snap.Path().NetworkType(), "polling", l.w == nil}
	if t := l.m.opts.Target; t.IsValid() {
		attrs = append(attrs, "target", t, "followed", snap.Target.IsValid())
	}
	l.m.log.Info("watching the network", attrs...)
}

// run is the monitor's goroutine.
func (l *loop) run() {
	defer close(l.m.done)
	defer l.end()
	for {
		select {
		case <-l.m.stop:
			return
		case <-l.m.wake:
			l.onWake()
		case <-l.debounce.C:
			l.debouncing = false
			l.refresh(false)
		case <-tickerC(l.poll):
			l.refresh(false)
		case <-l.failedC():
			l.onWatchFailed()
		case <-timerC(l.resub):
			l.resub = nil
			l.resubscribe()
		case <-l.ticks:
			l.checkClock()
		case l.out() <- l.pending:
			l.delivered = l.pending.New
			l.pending, l.hasPending = Delta{}, false
		}
	}
}

// end releases everything begin and run acquired and closes Deltas.
func (l *loop) end() {
	if l.w != nil {
		l.w.stop()
		l.w = nil
	}
	l.debounce.Stop()
	l.stopPolling()
	if l.resub != nil {
		l.resub.Stop()
	}
	if l.stopTicks != nil {
		l.stopTicks()
	}
	close(l.m.deltas)
}

// onWake opens a coalescing window unless one is open.
func (l *loop) onWake() {
	if !l.debouncing {
		l.debouncing = true
		l.debounce.Reset(l.m.opts.Debounce)
	}
}

// read reads a snapshot, leaves out ignored interfaces and stamps it.
func (l *loop) read() (Snapshot, error) {
	snap, err := l.m.src.read()
	if err != nil {
		return Snapshot{}, err
	}
	snap = snap.without(l.m.opts.Ignore)
	snap.At = time.Now()
	return snap, nil
}

// refresh reads a snapshot and makes the pending Delta the change from the
// last delivered snapshot to it (none if there is no change).
func (l *loop) refresh(jumped bool) {
	snap, err := l.read()
	if err != nil {
		l.jumpUnread = l.jumpUnread || jumped
		l.m.warn("read", "reading the network failed; retrying", err)
		l.retryRead()
		return
	}
	jumped = jumped || l.jumpUnread || (l.hasPending && l.pending.TimeJumped)
	l.jumpUnread = false
	l.m.snap.Store(&snap)
	l.logChange(l.last, snap, jumped)
	l.last = snap
	d := Diff(l.delivered, snap)
	d.TimeJumped = jumped
	l.pending, l.hasPending = d, d.Changed()
}

// retryRead schedules another read after a failed one: polling retries by
// itself; with a subscription, reuse the coalescing timer.
func (l *loop) retryRead() {
	if l.poll == nil && !l.debouncing {
		l.debouncing = true
		l.debounce.Reset(l.m.opts.PollInterval)
	}
}

// out is the Deltas channel when a Delta is pending, nil (never ready)
// otherwise.
func (l *loop) out() chan<- Delta {
	if l.hasPending {
		return l.m.deltas
	}
	return nil
}

// logChange logs a transition between two consecutive reads, once.
func (l *loop) logChange(old, new Snapshot, jumped bool) {
	d := Diff(old, new)
	if !d.Changed() && !jumped {
		return
	}
	attrs := []any{"path", d.Path.Name, "type", d.Type, "usable", d.Usable,
		"interfaces", d.ChangedInterfaces, "time_jumped", jumped}
	if d.PathChanged || d.AddrChanged || d.TypeChanged || jumped {
		l.m.log.Info("network changed", attrs...)
		return
	}
	l.m.log.Debug("network changed", attrs...)
}

// checkClock compares the clocks and resyncs on a jump.
func (l *loop) checkClock() {
	now := l.m.clock()
	prev := l.lastClock
	l.lastClock = now
	if clockJumped(prev, now) {
		l.m.log.Info("wall clock jumped", "by", clockJump(prev, now))
		l.refresh(true)
	}
}

// subscribe starts a subscription, or polls if it cannot.
func (l *loop) subscribe() {
	w, err := l.m.src.watch(l.m.notify)
	switch {
	case errors.Is(err, errWatchUnsupported):
		l.m.log.Info("no change notifications; polling", "every", l.m.opts.PollInterval)
		l.startPolling()
	case err != nil:
		l.failures++
		l.m.warn("subscribe", "netlink subscribe failed; polling meanwhile", err)
		l.startPolling()
		l.scheduleResubscribe()
	default:
		l.w, l.subscribedAt = w, time.Now()
		l.stopPolling()
	}
}

// onWatchFailed replaces a failed subscription and resyncs.
func (l *loop) onWatchFailed() {
	err := l.w.err()
	l.w.stop()
	l.w = nil
	if time.Since(l.subscribedAt) >= healthySubscription {
		l.failures = 0
	}
	l.failures++
	l.m.warn("subscription", "netlink subscription failed; resubscribing and resyncing", err)
	l.startPolling()
	l.scheduleResubscribe()
}

// scheduleResubscribe arms the resubscription after the backoff. Even an
// immediate one goes through the loop, never recursively.
func (l *loop) scheduleResubscribe() {
	if l.resub != nil {
		l.resub.Stop()
	}
	l.resub = time.NewTimer(resubscribeBackoff(l.failures))
}

// resubscribe subscribes again and resyncs: changes may have been lost.
func (l *loop) resubscribe() {
	l.subscribe()
	l.refresh(false)
}

func (l *loop) failedC() <-chan struct{} {
	if l.w == nil {
		return nil
	}
	return l.w.failed()
}

func (l *loop) startPolling() {
	if l.poll == nil {
		l.poll = time.NewTicker(l.m.opts.PollInterval)
	}
}

func (l *loop) stopPolling() {
	if l.poll != nil {
		l.poll.Stop()
		l.poll = nil
	}
}

func tickerC(t *time.Ticker) <-chan time.Time {
	if t == nil {
		return nil
	}
	return t.C
}

func timerC(t *time.Timer) <-chan time.Time {
	if t == nil {
		return nil
	}
	return t.C
}
