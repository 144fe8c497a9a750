package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	sd "github.com/coreos/go-systemd/v22/daemon"

	"github.com/edge-agent/edge-agent/agent/config"
)

// configPoll is how often a daemon waiting for its configuration reads the
// file again: an operator who just saved it sees the agent start within a
// second, and reading a small file once a second costs nothing.
const configPoll = time.Second

// waitForConfig is what the daemon does under systemd when its configuration
// is missing or wrong (a fresh install, a typo): it says what to configure,
// in the journal and in systemctl status, keeps the watchdog fed, and waits
// until the file changes into one that works, which it returns. A stop
// during the wait returns errWaitStopped, a clean exit.
func waitForConfig(ctx context.Context, args []string, first error, stderr io.Writer) (config.Config, error) {
	path := configPath(args)
	last, lastErr := readFile(path), first
	say := func(err error) {
		what := "configuration error"
		if errors.Is(err, config.ErrNotConfigured) {
			what = "not configured yet"
		}
		fmt.Fprintf(stderr, "edge-agent: %s: %v; waiting for %s to change\n", what, err, path)
		sd.SdNotify(false, fmt.Sprintf("READY=1\nSTATUS=%s: %v (edit %s)", what, err, path))
	}
	say(first)
	every := configPoll
	if wd, err := sd.SdWatchdogEnabled(false); err == nil && wd > 0 {
		every = min(every, wd/3)
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return config.Config{}, errWaitStopped
		case <-t.C:
		}
		sd.SdNotify(false, sd.SdNotifyWatchdog)
		now := readFile(path)
		if bytes.Equal(now, last) {
			continue
		}
		last = now
		cfg, err := config.Parse(args, io.Discard)
		if err == nil {
			fmt.Fprintf(stderr, "edge-agent: %s changed: starting\n", path)
			return cfg, nil
		}
		if err.Error() != lastErr.Error() {
			say(err)
		}
		lastErr = err
	}
}

// errWaitStopped ends a wait for configuration on a stop: not a failure.
var errWaitStopped = errors.New("stopped while waiting for configuration")

// configPath returns the --config argument, or the default path.
func configPath(args []string) string {
	for i, a := range args {
		switch {
		case (a == "--config" || a == "-config") && i+1 < len(args):
			return args[i+1]
		case len(a) > 9 && (a[:9] == "--config=" || a[:8] == "-config="):
			return a[bytes.IndexByte([]byte(a), '=')+1:]
		}
	}
	return config.DefaultPath
}

// readFile returns the file's bytes, or nil if it cannot be read.
func readFile(path string) []byte {
	b, _ := os.ReadFile(path)
	return b
}
