package agent

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/edge-agent/edge-agent/netwatch"
)

// Options configure an Agent.
type Options struct {
	// Machine is the state machine; the zero value means the SDK's timers.
	Machine Machine
	// Session is the RTC session the agent drives. Required.
	Session Session
	// Join, when set, is requested as soon as the loop runs.
	Join *JoinRequested
	// Observers receive every callback, each on its own ordered queue.
	Observers []Observer
	// Logger receives the transitions; nil discards them.
	Logger *slog.Logger
	// Tick, when set, is called from the loop every TickEvery: a hung loop
	// stops calling it (the systemd watchdog is fed this way).
	Tick      func()
	TickEvery time.Duration
	// DrainTimeout bounds how long Run waits for observers to drain at the
	// end; 0 means 2 s.
	DrainTimeout time.Duration
}

// Agent is the single loop that owns the machine: it feeds it inputs, runs
// its timers, drives the session and hands callbacks to observers.
type Agent struct {
	opts    Options
	log     *slog.Logger
	inbox   inbox
	done    chan struct{}
	status  atomic.Pointer[Status]
	links   atomic.Pointer[netwatch.Snapshot]
	queues  []*queue
	machine Machine
}

// posted is an input with an optional channel closed once it was carried out.
type posted struct {
	in   Input
	done chan struct{}
}

// ErrStopped is returned when the agent's loop is not running any more.
var ErrStopped = errors.New("agent: stopped")

// New returns an agent; Run starts it.
func New(opts Options) *Agent {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Machine.backoff == nil {
		opts.Machine = NewMachine(DefaultTimers(), nil)
	}
	if opts.DrainTimeout <= 0 {
		opts.DrainTimeout = 2 * time.Second
	}
	a := &Agent{opts: opts, log: opts.Logger.With("component", "agent"), machine: opts.Machine,
		inbox: newInbox(), done: make(chan struct{})}
	st := NewStatus(time.Now())
	a.status.Store(&st)
	return a
}

// Status returns the latest status. Safe from any goroutine.
func (a *Agent) Status() Status { return *a.status.Load() }

// Post hands the loop an input. It never blocks, so it is safe from any
// goroutine, a session's callbacks included; it returns ErrStopped once the
// loop has ended.
func (a *Agent) Post(in Input) error {
	return a.post(posted{in: in})
}

// Do hands the loop an input and waits until its actions were carried out,
// or ctx ends.
func (a *Agent) Do(ctx context.Context, in Input) error {
	p := posted{in: in, done: make(chan struct{})}
	if err := a.post(p); err != nil {
		return err
	}
	select {
	case <-p.done:
		return nil
	case <-a.done:
		return ErrStopped
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (a *Agent) post(p posted) error {
	select {
	case <-a.done:
		return ErrStopped
	default:
	}
	a.inbox.put(p)
	return nil
}

// Run runs the loop until ctx ends. It then stops the session without
// leaving (the session stays resumable: a restart is invisible to peers;
// post LeaveRequested first to leave), and lets observers drain.
func (a *Agent) Run(ctx context.Context) error {
	for _, o := range a.opts.Observers {
		a.queues = append(a.queues, newQueue(o))
	}
	ts := newTimers(a.done)
	defer a.finish(ts)
	if a.opts.Join != nil {
		a.step(ts, *a.opts.Join)
	}
	var tick <-chan time.Time
	if a.opts.Tick != nil && a.opts.TickEvery > 0 {
		t := time.NewTicker(a.opts.TickEvery)
		defer t.Stop()
		tick = t.C
		a.opts.Tick()
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-a.inbox.wake:
			for _, p := range a.inbox.take() {
				a.step(ts, p.in)
				if p.done != nil {
					close(p.done)
				}
			}
		case f := <-ts.fires:
			if ts.current(f) {
				a.step(ts, TimerFired{ID: f.id, LastData: a.opts.Session.LastData()})
			}
		case <-tick:
			a.opts.Tick()
		}
	}
}

// finish ends the loop: timers stop, the session stops (without leave unless
// it left already), observers drain.
func (a *Agent) finish(ts *timers) {
	close(a.done)
	ts.stopAll()
	if a.Status().State != StateDisconnected {
		a.opts.Session.Stop(StopSession{Leave: false})
	}
	ctx, cancel := context.WithTimeout(context.Background(), a.opts.DrainTimeout)
	defer cancel()
	for _, q := range a.queues {
		q.close(ctx)
	}
}

// step runs the machine on one input and carries out its actions.
func (a *Agent) step(ts *timers, in Input) {
	now := time.Now()
	old := a.Status()
	st, acts := a.machine.Step(old, in, now)
	a.status.Store(&st)
	for _, act := range acts {
		a.carryOut(ts, st, act)
	}
}

// carryOut performs one action.
func (a *Agent) carryOut(ts *timers, st Status, act Action) {
	switch act := act.(type) {
	case Emit:
		a.emit(st, act.Event)
	case ArmTimer:
		ts.arm(act.ID, act.At)
	case CancelTimer:
		ts.cancel(act.ID)
	case StartJoin:
		a.opts.Session.Join(act)
	case Reconnect:
		a.log.Info("recovery attempt", "attempt", act.Attempt, "step", act.Step)
		a.opts.Session.Reconnect(act)
	case StopSession:
		a.opts.Session.Stop(act)
	case RenewToken:
		a.opts.Session.RenewToken(act.Token)
	}
}

// emit logs a callback once and queues it for every observer.
func (a *Agent) emit(st Status, e Event) {
	if e.Kind == OnConnectionStateChanged {
		a.log.Info("callback", "event", e.String(), "state", e.State, "reason", e.Reason, "channel", e.Channel, "uid", e.UID)
	} else {
		a.log.Info("callback", "event", e.String())
	}
	u := Update{Event: e, Status: st}
	for _, q := range a.queues {
		q.push(u)
	}
}
