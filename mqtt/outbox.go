package mqtt

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"time"
)

// outbox is the durable queue of events between the agent and the broker
// (see outbox_record.go for the file format, outbox_compact.go for the
// full-outbox policy).
//
// Two goroutines share it. The writer goroutine alone writes files:
// appends, compactions and the ack file. The publisher goroutine reads
// records, marks them in flight and acknowledged. mu guards the index and
// counters; the writer appends to the file without it (nobody else writes)
// and holds it while it swaps files in a compaction.
type outbox struct {
	dir       string
	log       *slog.Logger
	maxBytes  int64
	maxEvents int

	mu       sync.Mutex
	f        *os.File
	size     int64      // bytes in f
	recs     []recIndex // every record in f, by seq
	head     int        // recs[:head] are acknowledged
	acked    uint64     // highest acknowledged seq: all at or below it are
	next     uint64     // the next seq to give
	inflight uint64     // highest seq sent on the current connection
	dropped  uint64     // events dropped by the full-outbox policy since open

	// Writer goroutine only.
	ackDurable uint64 // the acked value last written to the ack file
	wbuf       []byte
}

const (
	outboxFile = "outbox.log"
	ackFile    = "outbox.ack"
)

// openOutbox opens (or creates) the outbox in dir, drops a torn tail, and
// derives the seq counter from the file and the ack file.
func openOutbox(dir string, maxBytes int64, maxEvents int, log *slog.Logger) (*outbox, error) {
	o := &outbox{dir: dir, log: log, maxBytes: maxBytes, maxEvents: maxEvents}
	acked, err := readCounter(filepath.Join(dir, ackFile))
	if err != nil {
		// Safe: without the ack offset every record in the file is re-sent,
		// with the same bytes (at-least-once).
		log.Warn("outbox ack file unreadable; re-sending the whole outbox", "err", err)
	}
	o.acked, o.ackDurable = acked, acked
	floor, err := o.openFile()
	if err != nil {
		return nil, err
	}
	o.next = max(floor, acked+1)
	if n := len(o.recs); n > 0 {
		o.next = max(o.next, o.recs[n-1].seq+1)
	}
	o.head = sort.Search(len(o.recs), func(i int) bool { return o.recs[i].seq > o.acked })
	return o, nil
}

// openFile opens outbox.log, checks its header and scans its records. A
// missing or empty file is created; a damaged header sets the file aside.
func (o *outbox) openFile() (floor uint64, err error) {
	path := filepath.Join(o.dir, outboxFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return 0, fmt.Errorf("open outbox: %w", err)
	}
	hdr := make([]byte, fileHeaderSize)
	n, rerr := f.ReadAt(hdr, 0)
	floor, ok := decodeHeader(hdr[:n])
	if !ok {
		_ = f.Close()
		return o.recreate(path, n, rerr)
	}
	o.f = f
	return floor, o.scan()
}

// recreate starts a fresh file. A non-empty file with a bad header is kept
// beside it for a human to look at.
func (o *outbox) recreate(path string, n int, rerr error) (uint64, error) {
	if n > 0 {
		aside := path + ".corrupt-" + strconv.FormatInt(time.Now().Unix(), 10)
		o.log.Error("outbox header damaged; starting a new outbox", "kept_as", aside, "err", rerr)
		if err := os.Rename(path, aside); err != nil {
			return 0, fmt.Errorf("set damaged outbox aside: %w", err)
		}
	}
	floor := o.acked + 1
	if err := o.rewrite(nil, floor); err != nil {
		return 0, err
	}
	return floor, nil
}

// scan reads every record and truncates the file after the last good one.
func (o *outbox) scan() error {
	if _, err := o.f.Seek(fileHeaderSize, io.SeekStart); err != nil {
		return fmt.Errorf("scan outbox: %w", err)
	}
	recs, end, err := scanRecords(o.f, fileHeaderSize)
	o.recs, o.size = recs, end
	if err == nil {
		return nil
	}
	if !errors.Is(err, errTorn) {
		return fmt.Errorf("scan outbox: %w", err)
	}
	// A record is published only after fsync, so a torn tail was never
	// sent: dropping it loses nothing acknowledged, and its seq is free.
	o.log.Warn("outbox: dropping a torn or damaged tail", "records_kept", len(recs), "err", err)
	if err := o.f.Truncate(end); err != nil {
		return fmt.Errorf("truncate outbox: %w", err)
	}
	return o.f.Sync()
}

// takeNext returns the first unacknowledged record with seq > after, and
// marks it in flight so that the full-outbox policy leaves it alone.
// Damaged records are skipped with an error log. ok is false when there is
// none. Publisher goroutine.
func (o *outbox) takeNext(after uint64) (seq uint64, msg []byte, ok bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	after = max(after, o.acked)
	i := sort.Search(len(o.recs), func(i int) bool { return o.recs[i].seq > after })
	for ; i < len(o.recs); i++ {
		m, err := readRecord(o.f, o.recs[i])
		if err != nil {
			o.log.Error("outbox: skipping an unreadable record", "seq", o.recs[i].seq, "err", err)
			continue
		}
		o.inflight = max(o.inflight, o.recs[i].seq)
		return o.recs[i].seq, m, true
	}
	return 0, nil, false
}

// ackUpTo records that the broker has every sent record up to seq.
// Publisher goroutine.
func (o *outbox) ackUpTo(seq uint64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.acked = max(o.acked, seq)
	for o.head < len(o.recs) && o.recs[o.head].seq <= o.acked {
		o.head++
	}
}

// resetInflight forgets what was sent on a connection that is gone: those
// records will be sent again, and may be dropped if the outbox fills.
// Publisher goroutine.
func (o *outbox) resetInflight() {
	o.mu.Lock()
	o.inflight = o.acked
	o.mu.Unlock()
}

// outboxStats is a snapshot of the outbox counters.
type outboxStats struct {
	lastSeq, acked, dropped uint64
	pending                 int
	bytes                   int64
}

func (o *outbox) stats() outboxStats {
	o.mu.Lock()
	defer o.mu.Unlock()
	return outboxStats{
		lastSeq: o.next - 1, acked: o.acked, dropped: o.dropped,
		pending: len(o.recs) - o.head, bytes: o.size,
	}
}

// lastSeq is the seq of the last event given out (0 before the first).
func (o *outbox) lastSeq() uint64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.next - 1
}
