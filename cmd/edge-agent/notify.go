package main

import (
	"fmt"
	"log/slog"
	"time"

	sd "github.com/coreos/go-systemd/v22/daemon"

	"github.com/edge-agent/edge-agent/agent"
)

// notifier speaks sd_notify to systemd (Type=notify). Outside systemd
// (no NOTIFY_SOCKET) every call is a no-op.
type notifier struct {
	log *slog.Logger
	// watchdog is the interval at which the loop must ping; 0: no watchdog.
	watchdog time.Duration
}

func newNotifier(log *slog.Logger) *notifier {
	n := &notifier{log: log.With("component", "sd_notify")}
	// (0, nil) means no watchdog is asked for; an error means a malformed
	// WATCHDOG_USEC, which systemd never sets: run without one.
	if d, err := sd.SdWatchdogEnabled(false); err == nil {
		n.watchdog = d
	}
	return n
}

func (n *notifier) send(state string) {
	if _, err := sd.SdNotify(false, state); err != nil {
		n.log.Warn("sd_notify failed", "state", state, "err", err)
	}
}

// ready says the daemon is configured and listening.
func (n *notifier) ready() { n.send(sd.SdNotifyReady) }

// stopping says the daemon is shutting down.
func (n *notifier) stopping() { n.send(sd.SdNotifyStopping) }

// tickEvery is how often the agent's loop must feed the watchdog: three
// times per interval, so that one late tick on a loaded box is no kill.
func (n *notifier) tickEvery() time.Duration { return n.watchdog / 3 }

// tick feeds the watchdog. It is called from the agent's loop, so a hung
// loop stops feeding it and systemd kills and restarts the daemon.
func (n *notifier) tick() { n.send(sd.SdNotifyWatchdog) }

// Observe puts every state change into STATUS=, which systemctl status shows.
func (n *notifier) Observe(u agent.Update) {
	if u.Event.Kind != agent.OnConnectionStateChanged {
		return
	}
	st := u.Status
	n.send(fmt.Sprintf("STATUS=%s (%s) channel %s uid %d, %d peers", st.State, st.Reason, st.Channel, st.UID, len(st.Peers)))
}
