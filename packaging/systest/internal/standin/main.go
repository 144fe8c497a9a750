// Command standin stands in for edge-agent in the system tests of
// packaging/systest. It does what the unit file expects of the daemon and
// nothing else: READY=1 (after $STANDIN_READY_AFTER), WATCHDOG=1 at a third
// of the interval systemd asks for, and on SIGTERM the stop-or-restart
// decision of systemd/README.md, which it logs as
//
//	sigterm: job=restart action=handover
//	sigterm: job=stop action=leave
//
// It asks systemd over D-Bus with busctl, so that it needs no D-Bus library;
// the agent does the same with github.com/coreos/go-systemd/v22/dbus.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	sd "github.com/coreos/go-systemd/v22/daemon"
)

// askTimeout bounds the D-Bus question; past it the agent leaves, which is
// right for a stop and merely visible for a restart.
const askTimeout = time.Second

func main() {
	log.SetFlags(0)
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM, syscall.SIGINT)
	if d, err := time.ParseDuration(os.Getenv("STANDIN_READY_AFTER")); err == nil {
		time.Sleep(d) // Simulated start-up work, not synchronisation.
	}
	go feedWatchdog()
	notify(sd.SdNotifyReady)
	log.Printf("ready pid=%d", os.Getpid())
	<-term
	notify(sd.SdNotifyStopping)
	job, err := queuedJob()
	action := "leave"
	if err == nil && (job == "restart" || job == "try-restart") {
		action = "handover"
	}
	log.Printf("sigterm: job=%s action=%s err=%v", jobName(job), action, err)
}

func jobName(j string) string {
	if j == "" {
		return "none"
	}
	return j
}

func notify(state string) {
	if _, err := sd.SdNotify(false, state); err != nil {
		log.Printf("sd_notify %s: %v", state, err)
	}
}

// feedWatchdog sends WATCHDOG=1 at a third of WATCHDOG_USEC, as the agent's
// loop does.
func feedWatchdog() {
	d, err := sd.SdWatchdogEnabled(false)
	if err != nil || d == 0 {
		return
	}
	for range time.Tick(d / 3) {
		notify(sd.SdNotifyWatchdog)
	}
}

// queuedJob returns the type of the job systemd has queued for this
// process's own unit ("" when none).
func queuedJob() (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), askTimeout)
	defer cancel()
	var unit struct{ Data []string }
	if err := busctl(ctx, &unit, "GetUnitByPID", "u", strconv.Itoa(os.Getpid())); err != nil {
		return "", err
	}
	if len(unit.Data) != 1 {
		return "", fmt.Errorf("GetUnitByPID: unexpected reply %v", unit.Data)
	}
	var jobs struct{ Data [][][]any }
	if err := busctl(ctx, &jobs, "ListJobs"); err != nil {
		return "", err
	}
	if len(jobs.Data) != 1 {
		return "", fmt.Errorf("ListJobs: unexpected reply %v", jobs.Data)
	}
	for _, j := range jobs.Data[0] {
		// (id, unit, type, state, job path, unit path)
		if len(j) == 6 && j[5] == unit.Data[0] {
			typ, _ := j[2].(string)
			return typ, nil
		}
	}
	return "", nil
}

// busctl calls a method of systemd's manager and decodes the JSON reply.
func busctl(ctx context.Context, reply any, method string, args ...string) error {
	argv := append([]string{"--system", "--json=short", "call", "org.freedesktop.systemd1",
		"/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager", method}, args...)
	out, err := exec.CommandContext(ctx, "busctl", argv...).Output()
	if err != nil {
		return fmt.Errorf("busctl %s: %w", method, err)
	}
	if err := json.Unmarshal(out, reply); err != nil {
		return fmt.Errorf("busctl %s: %w", method, err)
	}
	return nil
}
