package mqtt

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// The full-outbox policy.
//
// The outbox is bounded by Options.OutboxMaxBytes (file size) and
// Options.OutboxMaxEvents. When an append would pass either bound, the
// writer compacts: acknowledged records go first (they cost nothing). If
// the unacknowledged ones still fill more than three quarters of a bound,
// it drops, oldest first within each class, in this order:
//
//  1. ordinary events (peers, network type, token notices),
//  2. state transitions (onConnectionStateChanged),
//  3. the reporter's own outbox_overflow notices,
//
// until both bounds are at three quarters, so a compaction runs once per
// quarter of the outbox rather than once per event. Records in flight on
// the current connection are never dropped. The dropped range is then
// reported as an event of its own, with a fresh seq, at the end of the
// outbox:
//
//	{"seq":N,"ts":T,"event":"outbox_overflow","dropped_from":A,"dropped_to":B,
//	 "dropped_count":K,"transitions_dropped":J}
//
// Every seq in [A, B] that the console never receives was dropped. seq
// values are never reused, so no seq ever carries two contents.
const overflowEvent = "outbox_overflow"

// lowWater is the fraction of a bound a compaction brings the outbox to.
const lowWaterNum, lowWaterDen = 3, 4

// dropReport sums up what one compaction dropped.
type dropReport struct {
	from, to           uint64
	count, transitions int
}

// ackCompactMin is the acknowledged prefix worth a rewrite: below 256 KiB
// the file is left to grow (a rewrite per event would cost an fsync pair
// per event); above, a rewrite when the prefix is at least half the file,
// so each byte is copied O(1) times on average.
const ackCompactMin = 256 << 10

// needRoom reports whether adding n records of extra bytes passes a bound.
// Writer goroutine (reads fields only the writer changes).
func (o *outbox) needRoom(extra int64, n int) bool {
	return o.size+extra > o.maxBytes || len(o.recs)+n > o.maxEvents
}

// makeRoom compacts the outbox to its low-water mark by the policy above,
// and appends an outbox_overflow event if anything was dropped. Writer
// goroutine.
func (o *outbox) makeRoom(now time.Time) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	keep, rep := o.selectSurvivors()
	if rep.count == 0 {
		return o.rewrite(keep, o.next)
	}
	o.dropped += uint64(rep.count)
	o.log.Warn("outbox full: dropped events", "from", rep.from, "to", rep.to,
		"count", rep.count, "transitions", rep.transitions)
	seq := o.next
	msg := splice(nil, seq, now, rep.document())
	if err := o.rewrite(keep, seq+1, appendRecord(nil, classNotice, seq, msg)...); err != nil {
		return err
	}
	o.next = seq + 1
	return nil
}

// selectSurvivors returns the unacknowledged records to keep, and what the
// policy dropped. Caller holds mu.
func (o *outbox) selectSurvivors() ([]recIndex, dropReport) {
	pending := o.recs[o.head:]
	bytes, count := int64(fileHeaderSize), len(pending)
	for _, r := range pending {
		bytes += int64(r.size)
	}
	lowBytes := o.maxBytes * lowWaterNum / lowWaterDen
	lowCount := o.maxEvents * lowWaterNum / lowWaterDen
	over := func() bool { return bytes > lowBytes || count > lowCount }
	drop := make([]bool, len(pending))
	var rep dropReport
	for class := classOrdinary; class <= classNotice && over(); class++ {
		for i, r := range pending {
			if !over() {
				break
			}
			if r.class != class || r.seq <= o.inflight {
				continue
			}
			drop[i] = true
			bytes, count = bytes-int64(r.size), count-1
			rep.add(r)
		}
	}
	keep := make([]recIndex, 0, count)
	for i, r := range pending {
		if !drop[i] {
			keep = append(keep, r)
		}
	}
	return keep, rep
}

func (d *dropReport) add(r recIndex) {
	if d.count == 0 || r.seq < d.from {
		d.from = r.seq
	}
	d.to = max(d.to, r.seq)
	d.count++
	if r.class == classTransition {
		d.transitions++
	}
}

// document is the outbox_overflow event, without seq and ts.
func (d dropReport) document() []byte {
	b := []byte(`{"event":"` + overflowEvent + `","dropped_from":`)
	b = strconv.AppendUint(b, d.from, 10)
	b = append(b, `,"dropped_to":`...)
	b = strconv.AppendUint(b, d.to, 10)
	b = append(b, `,"dropped_count":`...)
	b = strconv.AppendInt(b, int64(d.count), 10)
	b = append(b, `,"transitions_dropped":`...)
	b = strconv.AppendInt(b, int64(d.transitions), 10)
	return append(b, '}')
}

// compactAcked rewrites the file without its acknowledged prefix when that
// prefix is worth it (see ackCompactMin). Writer goroutine.
func (o *outbox) compactAcked() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	ackedBytes := o.size - fileHeaderSize
	if o.head < len(o.recs) {
		ackedBytes = o.recs[o.head].off - fileHeaderSize
	}
	if ackedBytes < ackCompactMin || ackedBytes < (o.size-fileHeaderSize)/2 {
		return nil
	}
	return o.rewrite(o.recs[o.head:], o.next)
}

// rewrite replaces outbox.log by a new file: a header with floor, the
// records keep of the current file, then tail (encoded records). It is
// atomic: temp file, fsync, rename, fsync dir. On error nothing changed.
// Caller holds mu (or owns o alone, when opening).
func (o *outbox) rewrite(keep []recIndex, floor uint64, tail ...byte) error {
	path := filepath.Join(o.dir, outboxFile)
	tmp, err := os.OpenFile(path+".tmp", os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("compact outbox: %w", err)
	}
	recs, size, err := o.copyInto(tmp, keep, floor, tail)
	if err == nil {
		err = tmp.Sync()
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err == nil {
		err = syncDir(o.dir)
	}
	if err != nil {
		_ = tmp.Close()
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("compact outbox: %w", err)
	}
	o.swap(tmp, recs, size)
	return nil
}

// copyInto writes the new file's content and returns its index and size.
func (o *outbox) copyInto(dst *os.File, keep []recIndex, floor uint64, tail []byte) ([]recIndex, int64, error) {
	w := bufio.NewWriterSize(dst, 64<<10)
	_, _ = w.Write(encodeHeader(floor))
	off := int64(fileHeaderSize)
	recs := make([]recIndex, 0, len(keep)+1)
	buf := make([]byte, maxBodySize+recHeaderSize)
	for _, r := range keep {
		if _, err := o.f.ReadAt(buf[:r.size], r.off); err != nil {
			return nil, 0, err
		}
		_, _ = w.Write(buf[:r.size])
		recs = append(recs, recIndex{seq: r.seq, off: off, size: r.size, class: r.class})
		off += int64(r.size)
	}
	if len(tail) > 0 {
		tr, _, err := scanRecords(bytes.NewReader(tail), off)
		if err != nil {
			return nil, 0, err
		}
		_, _ = w.Write(tail)
		recs = append(recs, tr...)
		off += int64(len(tail))
	}
	return recs, off, w.Flush()
}

// swap makes f, already renamed into place, the outbox file. The temp
// file's descriptor is kept: it now names outbox.log, and appends use
// explicit offsets.
func (o *outbox) swap(f *os.File, recs []recIndex, size int64) {
	if o.f != nil {
		_ = o.f.Close()
	}
	o.f, o.recs, o.head, o.size = f, recs, 0, size
}
