package agent

import (
	"context"
	"sync"
)

// Update is what an observer is told: a callback, and the status right after
// the step that emitted it.
type Update struct {
	Event  Event
	Status Status
}

// Observer receives every callback, in order, on a goroutine of its own.
// A slow observer delays only itself.
type Observer interface {
	Observe(Update)
}

// ObserverFunc adapts a function to Observer.
type ObserverFunc func(Update)

// Observe calls f(u).
func (f ObserverFunc) Observe(u Update) { f(u) }

// queue delivers updates to one observer in order without ever blocking the
// sender. It is unbounded: the loop must never wait for a consumer, and an
// agent emits a few callbacks a second at most, so a stuck observer costs
// memory slowly rather than a missed state change (the MQTT reporter keeps
// its own bounded outbox on disk).
type queue struct {
	obs  Observer
	mu   sync.Mutex
	cond *sync.Cond
	buf  []Update
	done bool
	quit chan struct{}
}

func newQueue(obs Observer) *queue {
	q := &queue{obs: obs, quit: make(chan struct{})}
	q.cond = sync.NewCond(&q.mu)
	go q.run()
	return q
}

// push appends u; it never blocks on the observer.
func (q *queue) push(u Update) {
	q.mu.Lock()
	if !q.done {
		q.buf = append(q.buf, u)
		q.cond.Signal()
	}
	q.mu.Unlock()
}

func (q *queue) run() {
	defer close(q.quit)
	for {
		q.mu.Lock()
		for len(q.buf) == 0 && !q.done {
			q.cond.Wait()
		}
		if len(q.buf) == 0 {
			q.mu.Unlock()
			return
		}
		u := q.buf[0]
		q.buf[0] = Update{}
		q.buf = q.buf[1:]
		q.mu.Unlock()
		q.obs.Observe(u)
	}
}

// close lets the observer drain what is queued, and waits for that until ctx
// ends. What is still queued then is dropped.
func (q *queue) close(ctx context.Context) {
	q.mu.Lock()
	q.done = true
	q.cond.Signal()
	q.mu.Unlock()
	select {
	case <-q.quit:
	case <-ctx.Done():
	}
}
