package mqtt

import (
	"encoding/json"
	"sync"
	"time"
)

// submission is what Event, State and Sync hand to the writer goroutine.
type submission struct {
	kind  subKind
	ts    time.Time
	doc   json.RawMessage
	class byte
	done  chan struct{} // subSync
}

type subKind int

const (
	subEvent subKind = iota + 1
	subState
	subSync
)

// maxBatch bounds one group commit: at most this many submissions share
// an fsync. Large enough that a burst of 10 000 events costs ~40 fsyncs,
// small enough that one batch (≤ 16 MiB of maximal documents, ~50 KiB of
// typical ones) does not hold the outbox long.
const maxBatch = 256

// maintainEvery is the writer's housekeeping period: the ack offset is
// written at most this often, and the acknowledged prefix compacted.
// 250 ms bounds what a crash can cause to be re-sent to ~¼ s of traffic.
const maintainEvery = 250 * time.Millisecond

// stateSlot holds the latest state message for the publisher.
type stateSlot struct {
	mu      sync.Mutex
	msg     []byte
	version uint64
}

func (s *stateSlot) set(msg []byte) {
	s.mu.Lock()
	s.msg, s.version = msg, s.version+1
	s.mu.Unlock()
}

func (s *stateSlot) get() ([]byte, uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.msg, s.version
}

// runWriter owns the reporter's files until writerStop.
func (r *Reporter) runWriter() {
	defer close(r.writerDone)
	tick := time.NewTicker(maintainEvery)
	defer tick.Stop()
	intake := r.intake
	for {
		select {
		case s, ok := <-intake:
			if !ok {
				intake = nil
				close(r.flushed)
				continue
			}
			r.writeBatch(r.collect(s))
		case <-tick.C:
			if err := r.ob.maintain(); err != nil {
				r.log.Error("outbox maintenance", "err", err)
			}
		case <-r.writerStop:
			if err := r.ob.close(); err != nil {
				r.log.Error("close outbox", "err", err)
			}
			return
		}
	}
}

// collect returns first and whatever else is queued, up to maxBatch.
func (r *Reporter) collect(first submission) []submission {
	batch := []submission{first}
	for len(batch) < maxBatch {
		select {
		case s, ok := <-r.intake:
			if !ok {
				return batch
			}
			batch = append(batch, s)
		default:
			return batch
		}
	}
	return batch
}

// writeBatch appends the batch's events with one fsync, in order; a state
// or a sync marker first commits the events before it, so a state's seq
// counts exactly the events handed in before it.
func (r *Reporter) writeBatch(batch []submission) {
	var items []outItem
	commit := func() {
		if len(items) == 0 {
			return
		}
		if err := r.ob.append(items, time.Now()); err != nil {
			r.log.Error("events lost: outbox write failed", "count", len(items), "err", err)
		}
		items = items[:0]
	}
	for _, s := range batch {
		switch s.kind {
		case subEvent:
			items = append(items, outItem{class: s.class, ts: s.ts, doc: s.doc})
		case subState:
			commit()
			r.state.set(splice(nil, r.ob.lastSeq(), s.ts, s.doc))
		case subSync:
			commit()
			close(s.done)
		}
	}
	commit()
	select {
	case r.kick <- struct{}{}:
	default:
	}
}
