// Command edge-channeld is the channel server (SPEC §6.2): agents and web
// pages join its channels; it decides presence from silence, lets killed
// agents resume invisibly, and relays media. It serves the viewer page
// (package rtc/server/web) at /?channel=NAME.
//
// Usage:
//
//	edge-channeld serve [flags]    run the server
//	edge-channeld token --app-id ID --secret S --channel C --uid N [--ttl 24h]
//	                               print a join token
//	edge-channeld version          version, commit, build date
//
// Bad flags or configuration exit with status 2 and one line naming the
// flag; other failures exit with status 1.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"syscall"
)

// exitUsage is the exit status for bad flags or configuration.
const exitUsage = 2

// Set by the linker (see the Makefile): -X main.version=… etc.
var (
	version = "dev"
	commit  = "unknown"
	date    = "unknown"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	code := realMain(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// realMain runs a subcommand until ctx ends and returns the exit status.
func realMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		return exitStatus(usageError{errors.New("missing command (serve, token or version)")}, stderr)
	}
	var err error
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		err = serve(ctx, rest, stderr)
	case "token":
		err = token(rest, stdout)
	case "version":
		_, err = fmt.Fprintf(stdout, "edge-channeld %s\ncommit %s\nbuilt %s\n%s %s/%s\n",
			version, commit, date, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	default:
		err = usageError{fmt.Errorf("unknown command %q (want serve, token or version)", cmd)}
	}
	return exitStatus(err, stderr)
}

// usageError marks an error of usage or configuration: exit status 2.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

// flagError names the flag that is wrong.
func flagError(name string, format string, args ...any) error {
	return usageError{fmt.Errorf("--%s: %s", name, fmt.Sprintf(format, args...))}
}

// exitStatus prints err as one line and maps it to an exit status.
func exitStatus(err error, stderr io.Writer) int {
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, new(usageError)):
		fmt.Fprintf(stderr, "edge-channeld: %v\n", err)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "edge-channeld: %v\n", err)
		return 1
	}
}

// parseFlags parses args into fs; errors become one-line usage errors, and
// -h prints the flags to stderr.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.SetOutput(stderr)
		fs.PrintDefaults()
		return err
	case err != nil:
		return usageError{err}
	case fs.NArg() > 0:
		return usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}
