package deb

import (
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"
	"time"
)

func TestGzipBest_ReproducibleAndMarked(t *testing.T) {
	data := []byte(strings.Repeat("edge-agent\n", 100))
	a, err := gzipBest(data)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := gzipBest(data)
	if !bytes.Equal(a, b) {
		t.Error("two compressions of the same data differ")
	}
	// RFC 1952: bytes 4-7 MTIME (0: none), 8 XFL (2: best), 9 OS (3: Unix).
	if got := a[4:10]; !bytes.Equal(got, []byte{0, 0, 0, 0, 2, 3}) {
		t.Errorf("header mtime/xfl/os = % x, want 00 00 00 00 02 03", got)
	}
	zr, err := gzip.NewReader(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	back, _ := io.ReadAll(zr)
	if zr.Name != "" || !bytes.Equal(back, data) {
		t.Errorf("name %q, round trip equal %v", zr.Name, bytes.Equal(back, data))
	}
}

func TestChangelogEntry_String(t *testing.T) {
	at := time.Date(2026, 11, 30, 4, 10, 4, 0, time.UTC)
	src := Source{Commit: "0efa2a81ac3d633bc7dbfce158cde55275dca73d", Time: at}
	tests := []struct {
		name     string
		src      Source
		revision int
		want     string
	}{
		{"snapshot", src, 1, "  * Snapshot of commit 0efa2a81ac3d.\n\n"},
		{"rebuild", src, 2, "  * Snapshot of commit 0efa2a81ac3d.\n  * Packaging revision 2: same source, rebuilt.\n\n"},
		{"release", Source{Commit: src.Commit, Tag: "v1.0.0"}, 1, "  * Release v1.0.0 (commit 0efa2a81ac3d).\n\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := changelogEntry{pkg: "edge-agent", version: "1.0-1", src: tt.src, revision: tt.revision, date: at}
			got := e.String()
			want := "edge-agent (1.0-1) unstable; urgency=medium\n\n" + tt.want +
				" -- " + Maintainer + "  Mon, 30 Nov 2026 04:10:04 +0000\n"
			if got != want {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
}
