package mqtt

import "context"

// Close stops the reporter cleanly: no more events are taken, those
// handed in are written to the outbox, the publisher delivers what it can
// until ctx ends, publishes status offline (clean) and disconnects. What
// was not delivered stays in the outbox for the next Start. Give ctx a
// deadline (a few seconds): Close returns ctx.Err() when it ran out, the
// files closed and the state directory unlocked either way.
func (r *Reporter) Close(ctx context.Context) error {
	first := false
	r.closeOnce.Do(func() {
		first = true
		r.mu.Lock()
		r.closed = true
		close(r.intake)
		r.mu.Unlock()
	})
	if !first {
		return ErrClosed
	}
	waitCtx(ctx, r.flushed)
	close(r.drain)
	waitCtx(ctx, r.sessDone)
	close(r.quit)
	r.cancelCmds()
	<-r.sessDone // quick now: quit aborts whatever it waited for
	close(r.writerStop)
	<-r.writerDone
	r.unlock()
	done := make(chan struct{})
	go func() { r.wg.Wait(); close(done) }()
	waitCtx(ctx, done)
	r.log.Info("reporter stopped")
	return ctx.Err()
}

// waitCtx waits for ch to close or ctx to end.
func waitCtx(ctx context.Context, ch <-chan struct{}) {
	select {
	case <-ch:
	case <-ctx.Done():
	}
}

// Stats is a snapshot of a reporter's counters.
type Stats struct {
	// Connected is true while a connection to the broker is up.
	Connected bool
	// ConnSeq is the conn_seq of the current connection (0 if none).
	ConnSeq uint64
	// LastSeq is the seq of the last event given out, Acked the highest
	// seq the broker acknowledged (with all before it).
	LastSeq, Acked uint64
	// Pending is the number of events in the outbox not yet acknowledged;
	// OutboxBytes the size of the outbox file.
	Pending     int
	OutboxBytes int64
	// Dropped counts events dropped by the full-outbox policy since Start.
	Dropped uint64
}

// Stats returns the reporter's counters.
func (r *Reporter) Stats() Stats {
	s := r.ob.stats()
	st := Stats{LastSeq: s.lastSeq, Acked: s.acked, Pending: s.pending, OutboxBytes: s.bytes, Dropped: s.dropped}
	if c := r.current.Load(); c != nil {
		st.Connected, st.ConnSeq = true, c.connSeq
	}
	return st
}

// publishReply sends a command reply on the current connection, QoS 1,
// without waiting: a reply lost with its connection is not retried (the
// console retries the command with a new id).
func (r *Reporter) publishReply(topic string, payload []byte) {
	c := r.current.Load()
	if c == nil {
		r.log.Warn("command reply dropped: not connected", "topic", topic)
		return
	}
	c.client.Publish(topic, 1, false, payload)
}
