package main

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// perfHz is the sampling rate of perf record: at ~3 % of a core it gives
// about 30 samples a second, enough for a split by component in 30 s.
const perfHz = "999"

// profileAgent records the running agent with perf (cpu-clock: the
// machine may have no hardware counters) and prints its CPU by component
// and its hottest functions, self and with callees.
func profileAgent(ctx context.Context, l *lab, pid int, w io.Writer) error {
	data := filepath.Join(l.dir, "perf.data")
	secs := strconv.FormatFloat(l.opts.perf.Seconds(), 'f', 0, 64)
	rec := exec.CommandContext(ctx, "perf", "record", "-e", "cpu-clock", "-F", perfHz, "-g",
		"-p", strconv.Itoa(pid), "-o", data, "--", "sleep", secs)
	if out, err := rec.CombinedOutput(); err != nil {
		return fmt.Errorf("perf record: %w\n%s", err, out)
	}
	self, err := perfReport(ctx, data, "--no-children")
	if err != nil {
		return err
	}
	incl, err := perfReport(ctx, data, "--children")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   perf, %v of the agent (%s; perf report -i %s for more):\n", l.opts.perf, samplesLine(self), data)
	fmt.Fprintln(w, "   CPU by component (self time):")
	for _, c := range byComponent(self) {
		fmt.Fprintf(w, "     %5.1f %%  %s\n", c.pct, c.name)
	}
	printTop(w, "hottest functions, self", self, 15)
	printTop(w, "hottest functions with callees", incl, 25)
	return nil
}

// perfEntry is one line of perf report --stdio --sort symbol.
type perfEntry struct {
	pct    float64
	kernel bool
	name   string
}

// perfReport returns the entries of perf report, largest first, and
// keeps the header's sample count as an entry named "#samples".
func perfReport(ctx context.Context, data, mode string) ([]perfEntry, error) {
	out, err := exec.CommandContext(ctx, "perf", "report", "-i", data, "--stdio", mode,
		"--sort", "symbol", "-g", "none", "--percent-limit", "0.1").Output()
	if err != nil {
		return nil, fmt.Errorf("perf report: %w", err)
	}
	return parsePerfReport(string(out)), nil
}

// parsePerfReport reads "  12.34%  [k] symbol" lines (with --children,
// "  12.34%  1.00%  [.] symbol": the first figure is with callees) and the
// "# Samples: N" header.
func parsePerfReport(out string) []perfEntry {
	var es []perfEntry
	for _, line := range strings.Split(out, "\n") {
		if n, ok := strings.CutPrefix(line, "# Samples: "); ok {
			es = append(es, perfEntry{name: "#samples " + strings.Fields(n)[0]})
			continue
		}
		f := strings.Fields(line)
		if len(f) < 3 || !strings.HasSuffix(f[0], "%") {
			continue
		}
		pct, err := strconv.ParseFloat(strings.TrimSuffix(f[0], "%"), 64)
		if err != nil {
			continue
		}
		i := slices.IndexFunc(f, func(s string) bool { return s == "[k]" || s == "[.]" })
		if i < 0 || i+1 >= len(f) {
			continue
		}
		name := f[i+1:]
		for len(name) > 1 && name[len(name)-1] == "-" { // the empty IPC columns
			name = name[:len(name)-1]
		}
		es = append(es, perfEntry{pct: pct, kernel: f[i] == "[k]", name: strings.Join(name, " ")})
	}
	return es
}

func samplesLine(es []perfEntry) string {
	for _, e := range es {
		if n, ok := strings.CutPrefix(e.name, "#samples "); ok {
			return n + " samples"
		}
	}
	return "samples unknown"
}

type component struct {
	name string
	pct  float64
}

// components name the parts of the agent by symbol prefix, checked in
// order; kernel symbols are one part of their own.
var components = []struct{ prefix, name string }{
	{"runtime.gc", "Go GC"}, {"runtime.scan", "Go GC"}, {"runtime.mark", "Go GC"},
	{"runtime.greyobject", "Go GC"}, {"runtime.findObject", "Go GC"}, {"runtime.wbBuf", "Go GC"},
	{"runtime.malloc", "Go allocation"}, {"runtime.(*mcache)", "Go allocation"}, {"runtime.(*mspan)", "Go allocation"},
	{"runtime.memclr", "Go allocation"}, {"runtime.", "Go scheduler, timers, other runtime"},
	{"crypto/", "crypto (SRTP, DTLS)"}, {"vendor/golang.org/x/crypto", "crypto (SRTP, DTLS)"},
	{"github.com/pion/srtp", "pion srtp"}, {"github.com/pion/interceptor", "pion interceptors (NACK, reports, TWCC)"},
	{"github.com/pion/ice", "pion ice"}, {"github.com/pion/", "pion, other"},
	{"internal/poll", "Go net, syscalls"}, {"net.", "Go net, syscalls"}, {"syscall.", "Go net, syscalls"},
	{"internal/runtime/syscall", "Go net, syscalls"},
	{"github.com/edge-agent/", "edge-agent code"},
}

// byComponent sums self percentages by component, largest first.
func byComponent(self []perfEntry) []component {
	sums := map[string]float64{}
	for _, e := range self {
		if strings.HasPrefix(e.name, "#") {
			continue
		}
		sums[componentOf(e)] += e.pct
	}
	out := make([]component, 0, len(sums))
	for n, p := range sums {
		out = append(out, component{name: n, pct: p})
	}
	slices.SortFunc(out, func(a, b component) int { return compareDesc(a.pct, b.pct) })
	return out
}

func componentOf(e perfEntry) string {
	if e.kernel {
		return "kernel (UDP send/receive, futex, epoll, scheduling)"
	}
	for _, c := range components {
		if strings.HasPrefix(e.name, c.prefix) {
			return c.name
		}
	}
	return "other Go code"
}

func compareDesc(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

func printTop(w io.Writer, title string, es []perfEntry, n int) {
	fmt.Fprintf(w, "   %s:\n", title)
	for _, e := range es {
		if strings.HasPrefix(e.name, "#") {
			continue
		}
		if n--; n < 0 {
			return
		}
		tag := "   "
		if e.kernel {
			tag = "[k]"
		}
		fmt.Fprintf(w, "     %5.1f %%  %s %s\n", e.pct, tag, e.name)
	}
}
