package server

import (
	"testing"
	"time"

	"github.com/pion/rtp"
)

func TestRewriter_SplicesSources(t *testing.T) {
	t0 := time.Unix(1000, 0)
	type in struct {
		ssrc    uint32
		seq     uint16
		ts      uint32
		at      time.Duration
		newSrc  bool // attach before this packet
		wantSeq uint16
		wantTS  uint32
	}
	tests := []struct {
		name string
		pkts []in
	}{
		{"first source passes through", []in{
			{ssrc: 1, seq: 100, ts: 9000, wantSeq: 100, wantTS: 9000},
			{ssrc: 1, seq: 101, ts: 12000, at: 33 * time.Millisecond, wantSeq: 101, wantTS: 12000},
		}},
		{"resume continues sequence and advances time by the gap", []in{
			{ssrc: 1, seq: 65535, ts: 4294967000, wantSeq: 65535, wantTS: 4294967000},
			{ssrc: 2, seq: 7, ts: 50, at: time.Second, newSrc: true, wantSeq: 0, wantTS: 4294967000 + 90000 - 1<<32},
			{ssrc: 2, seq: 8, ts: 3050, at: time.Second + 33*time.Millisecond, wantSeq: 1, wantTS: 4294967000 + 93000 - 1<<32},
		}},
		{"SSRC change without attach is a new source", []in{
			{ssrc: 1, seq: 10, ts: 1000, wantSeq: 10, wantTS: 1000},
			{ssrc: 9, seq: 500, ts: 777, at: 10 * time.Millisecond, wantSeq: 11, wantTS: 1900},
		}},
		{"same SSRC after attach is still rebased", []in{
			{ssrc: 1, seq: 10, ts: 1000, wantSeq: 10, wantTS: 1000},
			{ssrc: 1, seq: 10, ts: 1000, at: 0, newSrc: true, wantSeq: 11, wantTS: 1001},
		}},
		{"reordered packet keeps its place", []in{
			{ssrc: 1, seq: 10, ts: 1000, wantSeq: 10, wantTS: 1000},
			{ssrc: 2, seq: 100, ts: 0, at: time.Millisecond, newSrc: true, wantSeq: 11, wantTS: 1090},
			{ssrc: 2, seq: 102, ts: 0, at: 2 * time.Millisecond, wantSeq: 13, wantTS: 1090},
			{ssrc: 2, seq: 101, ts: 0, at: 3 * time.Millisecond, wantSeq: 12, wantTS: 1090},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rewriter{clockRate: 90000}
			for i, p := range tt.pkts {
				if p.newSrc {
					r.newSource()
				}
				h := rtp.Header{SSRC: p.ssrc, SequenceNumber: p.seq, Timestamp: p.ts}
				r.rewrite(&h, t0.Add(p.at))
				if h.SequenceNumber != p.wantSeq || h.Timestamp != p.wantTS {
					t.Fatalf("packet %d: seq %d ts %d, want seq %d ts %d", i, h.SequenceNumber, h.Timestamp, p.wantSeq, p.wantTS)
				}
			}
		})
	}
}

func TestSeqAfter(t *testing.T) {
	tests := []struct {
		a, b uint16
		want bool
	}{
		{1, 0, true}, {0, 1, false}, {0, 65535, true}, {65535, 0, false}, {5, 5, false}, {32768, 0, false}, {32767, 0, true},
	}
	for _, tt := range tests {
		if got := seqAfter(tt.a, tt.b); got != tt.want {
			t.Errorf("seqAfter(%d, %d) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
