package agent

import "sync"

// inbox holds the inputs posted to the loop, in order. Putting never
// blocks: a session's callback may post while the loop waits for that very
// session (Stop), and neither may wait for the other. Inputs arrive at the
// rate of events, not packets (the last data is an atomic the loop reads), so
// the inbox stays short.
type inbox struct {
	mu   sync.Mutex
	buf  []posted
	wake chan struct{}
}

func newInbox() inbox { return inbox{wake: make(chan struct{}, 1)} }

// put appends p and wakes the loop.
func (b *inbox) put(p posted) {
	b.mu.Lock()
	b.buf = append(b.buf, p)
	b.mu.Unlock()
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// take returns everything posted so far.
func (b *inbox) take() []posted {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := b.buf
	b.buf = nil
	return out
}
