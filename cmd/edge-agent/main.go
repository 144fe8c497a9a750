// Command edge-agent is the daemon of a kiosk or camera: it keeps a
// real-time session alive in a channel and reports everything to the fleet
// console (SPEC §6.1).
//
// Usage:
//
//	edge-agent [run] [flags]   the daemon (the default)
//	edge-agent status [--json] the live state, through the control socket
//	edge-agent demo            everything on one machine
//	edge-agent fleet --mqtt U  a live table of every device under a prefix
//	edge-agent version         version, commit, Go version, build date
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// exitUsage is the exit status for bad configuration or usage.
const exitUsage = 2

func main() {
	os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr))
}

// realMain runs a subcommand and returns the exit status.
func realMain(args []string, stdout, stderr io.Writer) int {
	cmd := "run"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	var err error
	switch cmd {
	case "run":
		err = run(ctx, args, stderr)
	case "demo":
		err = demo(ctx, args, stdout, stderr)
	case "fleet":
		err = fleetCmd(ctx, args, stdout, stderr)
	case "status":
		err = status(ctx, args, stdout)
	case "version":
		err = printVersion(stdout)
	default:
		err = usageError{fmt.Errorf("unknown command %q (want run, status, demo, fleet or version)", cmd)}
	}
	return exitStatus(err, stderr)
}

// usageError marks an error of usage or configuration: exit status 2.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

// exitStatus prints err as one line and maps it to an exit status.
func exitStatus(err error, stderr io.Writer) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp), errors.Is(err, errWaitStopped):
		return 0
	case errors.As(err, new(usageError)):
		fmt.Fprintf(stderr, "edge-agent: %v\n", err)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "edge-agent: %v\n", err)
		return 1
	}
}
