package mqtt

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func openTestOutbox(t *testing.T, dir string, maxBytes int64, maxEvents int) *outbox {
	t.Helper()
	o, err := openOutbox(dir, maxBytes, maxEvents, testLogger(t))
	if err != nil {
		t.Fatalf("open outbox: %v", err)
	}
	return o
}

func ev(name string, n int) outItem {
	doc := json.RawMessage(fmt.Sprintf(`{"event":%q,"n":%d}`, name, n))
	return outItem{class: classOf(name), ts: time.Unix(1700000000, int64(n)), doc: doc}
}

// drainAll takes and acknowledges nothing: it returns every pending record.
func pendingSeqs(o *outbox) []uint64 {
	var seqs []uint64
	after := uint64(0)
	for {
		seq, _, ok := o.takeNext(after)
		if !ok {
			return seqs
		}
		seqs = append(seqs, seq)
		after = seq
	}
}

func TestOutbox_SeqSurvivesReopenAndAck(t *testing.T) {
	dir := t.TempDir()
	o := openTestOutbox(t, dir, 1<<20, 1000)
	if err := o.append([]outItem{ev("a", 1), ev("b", 2), ev("c", 3)}, time.Now()); err != nil {
		t.Fatal(err)
	}
	o.ackUpTo(2)
	if err := o.close(); err != nil {
		t.Fatal(err)
	}
	o = openTestOutbox(t, dir, 1<<20, 1000)
	defer o.close()
	if got := pendingSeqs(o); len(got) != 1 || got[0] != 3 {
		t.Fatalf("pending after reopen = %v, want [3]", got)
	}
	if err := o.append([]outItem{ev("d", 4)}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if got := o.lastSeq(); got != 4 {
		t.Fatalf("seq after reopen = %d, want 4", got)
	}
}

func TestOutbox_MessageHasSeqAndTS(t *testing.T) {
	o := openTestOutbox(t, t.TempDir(), 1<<20, 1000)
	defer o.close()
	it := ev("onUserJoined", 7)
	it.ts = time.Date(2024, 5, 1, 10, 0, 0, 123456789, time.UTC)
	if err := o.append([]outItem{it}, time.Now()); err != nil {
		t.Fatal(err)
	}
	_, msg, _ := o.takeNext(0)
	want := `{"seq":1,"ts":"2024-05-01T10:00:00.123456789Z","event":"onUserJoined","n":7}`
	if string(msg) != want {
		t.Fatalf("message = %s\nwant      %s", msg, want)
	}
}

func TestOutbox_TornTailDropped(t *testing.T) {
	tests := []struct {
		name   string
		damage func(t *testing.T, path string, size int64)
	}{
		{"cut mid-record", func(t *testing.T, path string, size int64) {
			if err := os.Truncate(path, size-5); err != nil {
				t.Fatal(err)
			}
		}},
		{"garbage appended", func(t *testing.T, path string, size int64) {
			f, _ := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
			_, _ = f.Write([]byte{0xff, 0xff, 0, 0, 1, 2, 3})
			_ = f.Close()
		}},
		{"last byte flipped", func(t *testing.T, path string, size int64) {
			f, _ := os.OpenFile(path, os.O_RDWR, 0)
			_, _ = f.WriteAt([]byte{'X'}, size-1)
			_ = f.Close()
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			o := openTestOutbox(t, dir, 1<<20, 1000)
			_ = o.append([]outItem{ev("a", 1), ev("b", 2), ev("c", 3)}, time.Now())
			size := o.size
			_ = o.close()
			tc.damage(t, filepath.Join(dir, outboxFile), size)
			o = openTestOutbox(t, dir, 1<<20, 1000)
			defer o.close()
			got := pendingSeqs(o)
			want := 3
			if tc.name != "garbage appended" {
				want = 2
			}
			if len(got) != want {
				t.Fatalf("records after damage = %v, want %d", got, want)
			}
			_ = o.append([]outItem{ev("d", 4)}, time.Now())
			if seqs := pendingSeqs(o); seqs[len(seqs)-1] != uint64(want+1) {
				t.Fatalf("next seq after a torn tail = %v", seqs)
			}
		})
	}
}

func TestOutbox_AckedPrefixCompacted(t *testing.T) {
	dir := t.TempDir()
	o := openTestOutbox(t, dir, 16<<20, 100000)
	big := strings.Repeat("x", 1000)
	for i := 0; i < 600; i++ {
		it := outItem{ts: time.Now(), doc: json.RawMessage(`{"event":"e","pad":"` + big + `"}`)}
		if err := o.append([]outItem{it}, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	o.ackUpTo(590)
	if err := o.maintain(); err != nil {
		t.Fatal(err)
	}
	if len(o.recs) != 10 || o.size > 20<<10 {
		t.Fatalf("after compaction: %d records, %d bytes; want 10 records", len(o.recs), o.size)
	}
	_ = o.close()
	o = openTestOutbox(t, dir, 16<<20, 100000)
	defer o.close()
	if got := pendingSeqs(o); len(got) != 10 || got[0] != 591 || o.lastSeq() != 600 {
		t.Fatalf("after reopen: pending %v, last seq %d", got, o.lastSeq())
	}
}

func TestOutbox_FullDropsOrdinaryFirstAndReports(t *testing.T) {
	dir := t.TempDir()
	o := openTestOutbox(t, dir, 1<<20, 100)
	defer o.close()
	for i := 1; i <= 150; i++ {
		name := "onUserJoined"
		if i%10 == 0 {
			name = "onConnectionStateChanged"
		}
		if err := o.append([]outItem{ev(name, i)}, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	seqs := pendingSeqs(o)
	if len(seqs) > 100 {
		t.Fatalf("%d records kept, bound is 100", len(seqs))
	}
	kept := map[uint64]bool{}
	for _, s := range seqs {
		kept[s] = true
	}
	for i := uint64(10); i <= 150; i += 10 {
		if !kept[i] {
			t.Errorf("state transition %d was dropped while ordinary events remained", i)
		}
	}
	notices := overflowNotices(t, o)
	if len(notices) == 0 {
		t.Fatal("no outbox_overflow event")
	}
	for _, n := range notices {
		for s := n.From; s <= n.To; s++ {
			if kept[s] && s%10 != 0 {
				t.Errorf("seq %d both kept and inside dropped range %d-%d", s, n.From, n.To)
			}
		}
		if n.Transitions != 0 {
			t.Errorf("notice says %d transitions dropped", n.Transitions)
		}
	}
}

type notice struct {
	Seq         uint64 `json:"seq"`
	From        uint64 `json:"dropped_from"`
	To          uint64 `json:"dropped_to"`
	Count       int    `json:"dropped_count"`
	Transitions int    `json:"transitions_dropped"`
}

func overflowNotices(t *testing.T, o *outbox) []notice {
	var out []notice
	after := uint64(0)
	for {
		seq, msg, ok := o.takeNext(after)
		if !ok {
			return out
		}
		after = seq
		if strings.Contains(string(msg), overflowEvent) {
			var n notice
			if err := json.Unmarshal(msg, &n); err != nil {
				t.Fatal(err)
			}
			out = append(out, n)
		}
	}
}

func TestOutbox_FullOfTransitionsDropsOldest(t *testing.T) {
	o := openTestOutbox(t, t.TempDir(), 1<<20, 100)
	defer o.close()
	for i := 1; i <= 130; i++ {
		_ = o.append([]outItem{ev("onConnectionStateChanged", i)}, time.Now())
	}
	seqs := pendingSeqs(o)
	if len(seqs) > 100 || seqs[len(seqs)-1] != o.lastSeq() {
		t.Fatalf("kept %d, last kept %d, last seq %d", len(seqs), seqs[len(seqs)-1], o.lastSeq())
	}
	if seqs[0] == 1 {
		t.Fatal("oldest transition kept while newer ones were dropped")
	}
}

func TestOutbox_InflightNeverDropped(t *testing.T) {
	o := openTestOutbox(t, t.TempDir(), 1<<20, 100)
	defer o.close()
	for i := 1; i <= 20; i++ {
		_ = o.append([]outItem{ev("onUserJoined", i)}, time.Now())
	}
	for after := uint64(0); after < 5; after++ {
		o.takeNext(after) // seqs 1..5 now in flight
	}
	for i := 21; i <= 200; i++ {
		_ = o.append([]outItem{ev("onUserJoined", i)}, time.Now())
	}
	seqs := pendingSeqs(o)
	for i, want := range []uint64{1, 2, 3, 4, 5} {
		if seqs[i] != want {
			t.Fatalf("in-flight record %d dropped: kept %v", want, seqs[:10])
		}
	}
}

func TestOutbox_BadHeaderSetAside(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ackFile), []byte("41\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, outboxFile), []byte("not an outbox at all"), 0o600); err != nil {
		t.Fatal(err)
	}
	o := openTestOutbox(t, dir, 1<<20, 100)
	defer o.close()
	if o.lastSeq() != 41 {
		t.Fatalf("seq after a damaged outbox = %d, want to continue after the ack (41)", o.lastSeq())
	}
	aside, _ := filepath.Glob(filepath.Join(dir, outboxFile+".corrupt-*"))
	if len(aside) != 1 {
		t.Fatalf("damaged file not kept aside: %v", aside)
	}
}
