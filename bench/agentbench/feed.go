package main

import (
	"fmt"
	"sync"
	"time"
)

// feed is an append-only record that one goroutine fills and others wait
// on with deadlines: the agent's log lines, the peer's events and packets.
type feed[T any] struct {
	mu    sync.Mutex
	items []T
	wake  chan struct{} // closed and replaced at every add
}

func newFeed[T any]() *feed[T] { return &feed[T]{wake: make(chan struct{})} }

// add appends v and wakes every waiter.
func (f *feed[T]) add(v T) {
	f.mu.Lock()
	f.items = append(f.items, v)
	close(f.wake)
	f.wake = make(chan struct{})
	f.mu.Unlock()
}

// mark returns the number of items so far: an index to wait from.
func (f *feed[T]) mark() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.items)
}

// since returns a copy of the items from index from on.
func (f *feed[T]) since(from int) []T {
	f.mu.Lock()
	defer f.mu.Unlock()
	if from >= len(f.items) {
		return nil
	}
	return append([]T(nil), f.items[from:]...)
}

// await returns the first item from index from on that match accepts, and
// its index; it gives up after d, or when stop is closed.
func (f *feed[T]) await(from int, d time.Duration, stop <-chan struct{}, match func(T) bool) (T, int, error) {
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for {
		f.mu.Lock()
		for ; from < len(f.items); from++ {
			if match(f.items[from]) {
				v := f.items[from]
				f.mu.Unlock()
				return v, from, nil
			}
		}
		wake := f.wake
		f.mu.Unlock()
		select {
		case <-wake:
		case <-stop:
			var zero T
			return zero, from, errStopped
		case <-deadline.C:
			var zero T
			return zero, from, fmt.Errorf("not within %v", d)
		}
	}
}
