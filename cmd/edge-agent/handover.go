package main

import (
	"context"
	"fmt"
	"os"
	"time"

	sddbus "github.com/coreos/go-systemd/v22/dbus"
)

// askTimeout bounds the question to systemd at stop: it answers in
// milliseconds, and a stop must not wait on a D-Bus that is gone.
const askTimeout = time.Second

// restartQueued reports whether systemd has a restart of this process's own
// unit queued: `systemctl restart`, `try-restart`, `reload-or-restart`, or a
// package upgrade's `deb-systemd-invoke restart`. Those send the same SIGTERM
// as a stop; only the job queue tells them apart. (false, nil) means not
// under systemd (no INVOCATION_ID) or no restart queued: a stop, a shutdown,
// a removal, or `systemctl kill`. An error means the question could not be
// asked; the caller then treats the SIGTERM as a stop.
func restartQueued(ctx context.Context) (bool, error) {
	if os.Getenv("INVOCATION_ID") == "" {
		return false, nil
	}
	ctx, cancel := context.WithTimeout(ctx, askTimeout)
	defer cancel()
	conn, err := sddbus.NewSystemConnectionContext(ctx)
	if err != nil {
		return false, fmt.Errorf("systemd d-bus: %w", err)
	}
	defer conn.Close()
	unit, err := conn.GetUnitNameByPID(ctx, uint32(os.Getpid()))
	if err != nil {
		return false, fmt.Errorf("systemd: own unit: %w", err)
	}
	jobs, err := conn.ListJobsContext(ctx)
	if err != nil {
		return false, fmt.Errorf("systemd: jobs: %w", err)
	}
	for _, j := range jobs {
		if j.Unit == unit && (j.JobType == "restart" || j.JobType == "try-restart") {
			return true, nil
		}
	}
	return false, nil
}
