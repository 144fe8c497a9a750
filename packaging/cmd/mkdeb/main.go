// Command mkdeb builds the Debian packages of edge-agent and edge-channeld
// (`make deb`): for each architecture it cross-compiles both programs and
// writes dist/edge-agent_VERSION_ARCH.deb and
// dist/edge-channeld_VERSION_ARCH.deb, then prints what each architecture
// cost and weighs. See packaging/README.md.
//
// Usage:
//
//	mkdeb [-out DIR] [-arch amd64,arm64,armhf] [-revision N] [-version UPSTREAM]
//
// SOURCE_DATE_EPOCH, when set, is the time stamp of every file; otherwise
// the last commit's time is.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/edge-agent/edge-agent/packaging/deb"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "mkdeb: %v\n", err)
		os.Exit(1)
	}
}

// run parses the flags, builds, and prints the figures.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	o, err := parseFlags(args)
	if err != nil {
		return err
	}
	o.Log = stdout
	start := time.Now()
	res, err := deb.Build(ctx, o)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\n%s, built in %v:\n", res.Version, time.Since(start).Round(100*time.Millisecond))
	if err := res.WriteFigures(stdout); err != nil {
		return err
	}
	for _, a := range res.Arches {
		for _, p := range a.Packages {
			fmt.Fprintln(stdout, p.Path)
		}
	}
	return nil
}

// parseFlags turns the command line and SOURCE_DATE_EPOCH into Options.
func parseFlags(args []string) (deb.Options, error) {
	var o deb.Options
	fs := flag.NewFlagSet("mkdeb", flag.ContinueOnError)
	fs.StringVar(&o.Out, "out", "", "directory for the packages (default: dist at the repository's root)")
	arches := fs.String("arch", "amd64,arm64,armhf", "Debian architectures, comma-separated")
	fs.IntVar(&o.Revision, "revision", 1, "Debian revision")
	fs.StringVar(&o.Upstream, "version", "", "upstream version (default: derived from git)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	for _, name := range strings.Split(*arches, ",") {
		a, err := deb.ArchByName(strings.TrimSpace(name))
		if err != nil {
			return o, err
		}
		o.Arches = append(o.Arches, a)
	}
	if e := os.Getenv("SOURCE_DATE_EPOCH"); e != "" {
		n, err := strconv.ParseInt(e, 10, 64)
		if err != nil {
			return o, fmt.Errorf("SOURCE_DATE_EPOCH=%q: %w", e, err)
		}
		o.Epoch = n
	}
	return o, nil
}
