package rtc

import "sync"

// queue is the session's inbox: work for the loop goroutine, in order.
// Pushing never blocks, so that pion's callbacks and the readers can always
// hand work over, even while the loop is busy in a call into pion that
// waits for those same callbacks to return.
type queue struct {
	mu     sync.Mutex
	items  []func()
	closed bool
	ready  chan struct{} // has a value when items may be non-empty
}

func newQueue() *queue { return &queue{ready: make(chan struct{}, 1)} }

// push appends f; after close it drops f.
func (q *queue) push(f func()) {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return
	}
	q.items = append(q.items, f)
	q.mu.Unlock()
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// take removes and returns everything queued.
func (q *queue) take() []func() {
	q.mu.Lock()
	defer q.mu.Unlock()
	items := q.items
	q.items = nil
	return items
}

// close makes later pushes no-ops.
func (q *queue) close() {
	q.mu.Lock()
	q.closed = true
	q.items = nil
	q.mu.Unlock()
}
