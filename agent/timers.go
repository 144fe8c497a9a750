package agent

import "time"

// fire is a timer that came due, with the generation it was armed with.
type fire struct {
	id  TimerID
	gen uint64
}

// timers runs the machine's timers for the loop. Each arm bumps the timer's
// generation, so a fire that was already on its way when the timer was
// re-armed or cancelled is recognised as stale and dropped.
type timers struct {
	fires chan fire
	done  <-chan struct{}
	t     map[TimerID]*time.Timer
	gen   map[TimerID]uint64
}

func newTimers(done <-chan struct{}) *timers {
	return &timers{fires: make(chan fire, 8), done: done, t: map[TimerID]*time.Timer{}, gen: map[TimerID]uint64{}}
}

// arm sets timer id to fire at the given moment (at once if it has passed).
func (ts *timers) arm(id TimerID, at time.Time) {
	ts.cancel(id)
	g := ts.gen[id]
	ts.t[id] = time.AfterFunc(time.Until(at), func() {
		select {
		case ts.fires <- fire{id, g}:
		case <-ts.done:
		}
	})
}

// cancel stops timer id.
func (ts *timers) cancel(id TimerID) {
	ts.gen[id]++
	if t := ts.t[id]; t != nil {
		t.Stop()
		delete(ts.t, id)
	}
}

// current reports whether f is the latest arm of its timer, and forgets it.
func (ts *timers) current(f fire) bool {
	if f.gen != ts.gen[f.id] || ts.t[f.id] == nil {
		return false
	}
	delete(ts.t, f.id)
	return true
}

// stopAll stops every timer.
func (ts *timers) stopAll() {
	for id := range ts.t {
		ts.cancel(id)
	}
}
