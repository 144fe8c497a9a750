package deb

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"strings"
	"time"
)

// Maintainer is the packages' Maintainer and the changelog's signer: a
// placeholder address of the project (.invalid never resolves) until the
// project has a list of its own.
const Maintainer = "edge-agent developers <dev@edge-agent.invalid>"

// gzipBest compresses data as `gzip -9n` does: best compression (the
// header says so, as lintian checks), no file name, no time stamp, so the
// same input always gives the same bytes.
func gzipBest(data []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	// Name and ModTime stay zero: nothing of the build machine in the header.
	zw.OS = 3 // Unix, as gzip(1) on Linux writes.
	if _, err := zw.Write(data); err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	return buf.Bytes(), nil
}

// writeGzip writes data to path, compressed by gzipBest.
func writeGzip(path string, data []byte) error {
	z, err := gzipBest(data)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := os.WriteFile(path, z, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// changelogEntry is the one entry of a package's changelog.Debian: the
// package is built from git, so its history is the git log; the entry says
// which commit this build is.
type changelogEntry struct {
	pkg, version string
	src          Source
	revision     int
	date         time.Time
}

// String renders the entry in the format of deb-changelog(5).
func (e changelogEntry) String() string {
	what := fmt.Sprintf("Snapshot of commit %s.", e.src.ShortCommit(12))
	if e.src.Tag != "" && e.src.Ahead == 0 && !e.src.Dirty {
		what = fmt.Sprintf("Release %s (commit %s).", e.src.Tag, e.src.ShortCommit(12))
	}
	if e.src.Dirty {
		what = fmt.Sprintf("Build of commit %s with uncommitted changes.", e.src.ShortCommit(12))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s) unstable; urgency=medium\n\n", e.pkg, e.version)
	fmt.Fprintf(&b, "  * %s\n", what)
	if e.revision > 1 {
		fmt.Fprintf(&b, "  * Packaging revision %d: same source, rebuilt.\n", e.revision)
	}
	fmt.Fprintf(&b, "\n -- %s  %s\n", Maintainer, e.date.UTC().Format(time.RFC1123Z))
	return b.String()
}
