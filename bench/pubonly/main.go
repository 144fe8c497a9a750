// Command pubonly is the agent's media path without the agent: one
// rtc.Session publishing the built-in test clip, nothing else (no state
// machine, control socket, MQTT, netwatch, systemd notification). agentbench
// runs it in place of edge-agent (-publisher pubonly) to tell the cost of
// the media path from the cost of the rest of the daemon, and it can write
// Go profiles of itself, which the agent binary cannot.
//
// Usage:
//
//	pubonly -server ws://HOST:PORT/ws -channel C -uid 1 -state-dir D [-memprofile F] [-cpuprofile F]
//
// It joins (resuming what the state directory holds), prints the
// session's events on stderr, and on SIGTERM or SIGINT writes the
// profiles, leaves and exits.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"syscall"

	"github.com/edge-agent/edge-agent/rtc"
)

// config is the command line.
type config struct {
	server, channel, stateDir string
	uid                       uint
	memProfile, cpuProfile    string
}

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintln(os.Stderr, "pubonly:", err)
		os.Exit(1)
	}
}

func parse(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("pubonly", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.server, "server", "", "channel server URL, ws://HOST:PORT/ws")
	fs.StringVar(&c.channel, "channel", "bench", "channel to join")
	fs.UintVar(&c.uid, "uid", 1, "uid to join as")
	fs.StringVar(&c.stateDir, "state-dir", "", "resume state directory (empty: none)")
	fs.StringVar(&c.memProfile, "memprofile", "", "write a heap profile (in use, after a GC) here at exit")
	fs.StringVar(&c.cpuProfile, "cpuprofile", "", "write a CPU profile of the whole run here")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if c.server == "" || c.uid == 0 || c.uid > 1<<32-1 {
		return c, errors.New("-server and a uid in 1…4294967295 are required")
	}
	return c, nil
}

// run publishes until SIGTERM or SIGINT.
func run(args []string, stderr io.Writer) error {
	c, err := parse(args, stderr)
	if err != nil {
		return err
	}
	if c.cpuProfile != "" {
		stop, err := startCPUProfile(c.cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	s, err := rtc.New(rtc.Config{Server: c.server, AppID: "demo", StateDir: c.stateDir, Media: rtc.MediaTest,
		Logger: log, Report: func(e rtc.Event) { log.Info("event", "event", fmt.Sprint(e)) }})
	if err != nil {
		return fmt.Errorf("session: %w", err)
	}
	defer s.Close()
	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer cancel()
	s.Join(c.channel, uint32(c.uid), "", false)
	<-ctx.Done()
	if c.memProfile != "" {
		if err := writeHeapProfile(c.memProfile); err != nil {
			return err
		}
	}
	s.Stop(true)
	return nil
}

func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("heap profile: %w", err)
	}
	defer f.Close()
	runtime.GC() // the profile shows the heap as of the last GC
	if err := pprof.WriteHeapProfile(f); err != nil {
		return fmt.Errorf("heap profile: %w", err)
	}
	return nil
}
