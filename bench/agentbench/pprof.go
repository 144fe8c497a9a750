package main

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
)

// pprofLines is how many lines of each `go tool pprof -top` are printed.
const pprofLines = 22

// reportPprof prints the top of the profiles pubonly wrote at exit: the
// Go heap in use and the CPU of the whole run.
func reportPprof(ctx context.Context, l *lab, w io.Writer) error {
	for _, p := range []struct{ file, title string }{
		{"pubonly-heap.pprof", "Go heap in use at exit, after a GC (pubonly)"},
		{"pubonly-cpu.pprof", "Go CPU profile of the whole pubonly run (warm-up included)"},
	} {
		path := filepath.Join(l.dir, p.file)
		out, err := exec.CommandContext(ctx, "go", "tool", "pprof", "-top", "-nodecount", "40", path).Output()
		if err != nil {
			return fmt.Errorf("go tool pprof %s: %w", path, err)
		}
		fmt.Fprintf(w, "   %s (go tool pprof -top %s):\n", p.title, path)
		lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
		for _, line := range lines[:min(len(lines), pprofLines)] {
			fmt.Fprintf(w, "     %s\n", line)
		}
	}
	return nil
}
