// Command agentbench measures the edge-agent binary the way issue 3 asks,
// with the real binaries on loopback: it builds cmd/edge-agent and
// cmd/edge-channeld, runs the channel server, a native peer (package rtc)
// watching the channel, and the agent as a child process, and prints the
// figures. It asserts nothing: it is a benchmark.
//
// Usage (from the module root):
//
//	go run ./bench/agentbench [flags] resources|restart|join|all
//
// resources: the agent's RSS and CPU while it publishes the test clip
// (~2 Mbit/s), sampled from /proc; restart: SIGKILL and an immediate
// restart on the same state directory, kill → rejoined and kill → media at
// the peer; join: fresh joins, process start → CONNECTING (T0) →
// onJoinChannelSuccess (T1), and T1 → the peer's PeerJoined (T2).
// See README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// options are the command-line settings.
type options struct {
	workDir     string // binaries, state directories and logs
	keep        bool   // keep workDir when it was made here
	agentBin    string // prebuilt edge-agent; empty: build it
	channeldBin string // prebuilt edge-channeld; empty: build it
	warmup      time.Duration
	duration    time.Duration
	kills       int
	settle      time.Duration
	joins       int
	env         stringList // extra environment of the publishing process
	perf        time.Duration
	publisher   string // resources: "agent" or "pubonly"
	serverIfs   string // edge-channeld --interfaces; empty: all
}

func main() {
	os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr))
}

// realMain runs the benchmarks named by args and returns the exit status.
func realMain(args []string, stdout, stderr io.Writer) int {
	o, which, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "agentbench:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := runAll(ctx, o, which, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "agentbench:", err)
		return 1
	}
	return 0
}

// benches are the benchmarks by name, in the order "all" runs them.
var benches = []struct {
	name string
	run  func(ctx context.Context, l *lab, w io.Writer) error
}{
	{"resources", benchResources},
	{"restart", benchRestart},
	{"join", benchJoin},
}

func parseFlags(args []string, stderr io.Writer) (options, []string, error) {
	var o options
	fs := flag.NewFlagSet("agentbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.workDir, "work-dir", "", "directory for binaries, state and logs (default: a new temporary one)")
	fs.BoolVar(&o.keep, "keep", false, "keep the temporary work directory (logs of every process)")
	fs.StringVar(&o.agentBin, "agent", "", "prebuilt edge-agent binary (default: go build ./cmd/edge-agent)")
	fs.StringVar(&o.channeldBin, "channeld", "", "prebuilt edge-channeld binary (default: go build ./cmd/edge-channeld)")
	fs.DurationVar(&o.warmup, "warmup", 5*time.Second, "resources: publishing time before sampling starts")
	fs.DurationVar(&o.duration, "duration", 30*time.Second, "resources: sampling window")
	fs.IntVar(&o.kills, "kills", 20, "restart: number of SIGKILLs")
	fs.DurationVar(&o.settle, "settle", time.Second, "restart: publishing time between media again and the next kill")
	fs.IntVar(&o.joins, "joins", 20, "join: number of fresh joins")
	fs.Var(&o.env, "agent-env", "KEY=VALUE in the environment of the agent (or pubonly); repeatable. GODEBUG=gctrace=1 adds a GC summary to resources")
	fs.StringVar(&o.publisher, "publisher", "agent", "resources: agent (edge-agent) or pubonly (bench/pubonly: the media path alone, with Go heap and CPU profiles)")
	fs.DurationVar(&o.perf, "perf", 0, "resources: after sampling, record the agent with perf for this long and print its hottest symbols (0: no)")
	fs.StringVar(&o.serverIfs, "server-interfaces", "lo", "edge-channeld --interfaces: where the server gathers ICE candidates (empty: every interface)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: agentbench [flags] resources|restart|join|all ...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, nil, err
	}
	if o.publisher != "agent" && o.publisher != "pubonly" {
		return o, nil, fmt.Errorf("-publisher %q: want agent or pubonly", o.publisher)
	}
	which, err := pick(fs.Args())
	return o, which, err
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string { return strings.Join(*s, " ") }

// Set adds one value.
func (s *stringList) Set(v string) error {
	if !strings.Contains(v, "=") {
		return fmt.Errorf("%q: want KEY=VALUE", v)
	}
	*s = append(*s, v)
	return nil
}

// pick checks the benchmark names; "all" or none means every one.
func pick(names []string) ([]string, error) {
	if len(names) == 0 || (len(names) == 1 && names[0] == "all") {
		out := make([]string, 0, len(benches))
		for _, b := range benches {
			out = append(out, b.name)
		}
		return out, nil
	}
	for _, n := range names {
		if benchByName(n) == nil {
			return nil, fmt.Errorf("unknown benchmark %q (want resources, restart, join or all)", n)
		}
	}
	return names, nil
}

func benchByName(name string) func(context.Context, *lab, io.Writer) error {
	for _, b := range benches {
		if b.name == name {
			return b.run
		}
	}
	return nil
}

// runAll sets up the lab (binaries, server) and runs each benchmark.
func runAll(ctx context.Context, o options, which []string, w, stderr io.Writer) error {
	l, err := newLab(ctx, o, stderr)
	if err != nil {
		return err
	}
	defer l.close()
	printMachine(w)
	fmt.Fprintf(w, "server: edge-channeld --loopback, ICE candidates on %q (\"\" = every interface); agent ICE: every interface (%d up)\n",
		o.serverIfs, interfacesUp())
	for _, name := range which {
		fmt.Fprintf(w, "\n== %s (load average before: %s)\n", name, loadAverage())
		if err := benchByName(name)(ctx, l, w); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		fmt.Fprintf(w, "   load average after: %s\n", loadAverage())
	}
	return nil
}
