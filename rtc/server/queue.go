package server

import "sync"

// workQueue runs functions one at a time, in order, on the goroutine that
// calls run: the pattern pion itself uses to own mutable state. post never
// blocks, so it may be called under a channel lock.
type workQueue struct {
	mu      sync.Mutex
	items   []func()
	wake    chan struct{}
	stopped bool
}

func newWorkQueue() *workQueue { return &workQueue{wake: make(chan struct{}, 1)} }

// post queues f; it reports false once the queue has stopped.
func (q *workQueue) post(f func()) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.stopped {
		return false
	}
	q.items = append(q.items, f)
	select {
	case q.wake <- struct{}{}:
	default:
	}
	return true
}

// stop makes run return after the function that called stop; later posts
// are refused. It must be called from a queued function.
func (q *workQueue) stop() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.stopped = true
	q.items = nil
}

// run executes queued functions until stop.
func (q *workQueue) run() {
	for {
		f, ok := q.next()
		if !ok {
			return
		}
		f()
	}
}

// next waits for the next function; false once stopped.
func (q *workQueue) next() (func(), bool) {
	for {
		q.mu.Lock()
		if q.stopped {
			q.mu.Unlock()
			return nil, false
		}
		if len(q.items) > 0 {
			f := q.items[0]
			q.items[0] = nil
			q.items = q.items[1:]
			q.mu.Unlock()
			return f, true
		}
		q.mu.Unlock()
		<-q.wake
	}
}
