package mqtt

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"time"
)

// outItem is one event on its way into the outbox.
type outItem struct {
	class byte
	ts    time.Time
	doc   json.RawMessage
}

// recOverhead is what a record adds to its document: header, class, seq,
// and the spliced "seq" and "ts" fields (at most ~60 bytes).
const recOverhead = recHeaderSize + bodyPrefixSize + 64

// append gives each item the next seq, writes them all, and fsyncs once
// (group commit: a burst costs one fsync per batch, a lone event one
// fsync). Only then do they enter the index, where the publisher can see
// them: a record is never sent before it is durable. When the outbox is
// full, makeRoom applies the full-outbox policy first. Writer goroutine.
func (o *outbox) append(items []outItem, now time.Time) error {
	buf := o.wbuf[:0]
	var added []recIndex
	next := o.next
	for _, it := range items {
		if o.needRoom(int64(len(buf)+len(it.doc)+recOverhead), len(added)+1) {
			if err := o.flush(buf, added, next); err != nil {
				return err
			}
			buf, added = buf[:0], nil
			if err := o.makeRoom(now); err != nil {
				o.log.Error("outbox full and compaction failed; appending past the bound", "err", err)
			}
			next = o.next
		}
		off := o.size + int64(len(buf))
		msg := splice(nil, next, it.ts, it.doc)
		buf = appendRecord(buf, it.class, next, msg)
		added = append(added, recIndex{seq: next, off: off, size: uint32(o.size + int64(len(buf)) - off), class: it.class})
		next++
	}
	err := o.flush(buf, added, next)
	o.wbuf = buf[:0]
	return err
}

// flush writes buf at the end of the file, fsyncs, and publishes the new
// records and counter. On error the file is cut back and nothing is
// published: those seqs were never durable nor sent, so they are free.
func (o *outbox) flush(buf []byte, added []recIndex, next uint64) error {
	if len(buf) == 0 {
		return nil
	}
	_, err := o.f.WriteAt(buf, o.size)
	if err == nil {
		err = o.f.Sync()
	}
	if err != nil {
		_ = o.f.Truncate(o.size)
		return fmt.Errorf("append to outbox: %w", err)
	}
	o.mu.Lock()
	o.recs = append(o.recs, added...)
	o.size += int64(len(buf))
	o.next = next
	o.mu.Unlock()
	return nil
}

// maintain persists the ack offset if it moved and drops the acknowledged
// prefix when that is worth a rewrite. Writer goroutine.
//
// The ack file is written lazily (every maintenance tick, not per PUBACK):
// a crash loses at most the last tick's acks, and those events are sent
// again with identical bytes — at-least-once, never different content.
func (o *outbox) maintain() error {
	o.mu.Lock()
	acked := o.acked
	o.mu.Unlock()
	if acked > o.ackDurable {
		if err := writeCounter(filepath.Join(o.dir, ackFile), acked); err != nil {
			return err
		}
		o.ackDurable = acked
	}
	return o.compactAcked()
}

// close persists the ack offset and closes the file. Writer goroutine.
func (o *outbox) close() error {
	err := o.maintain()
	o.mu.Lock()
	defer o.mu.Unlock()
	if cerr := o.f.Close(); err == nil {
		err = cerr
	}
	return err
}
