package netwatch_test

import (
	"log/slog"

	"github.com/edge-agent/edge-agent/netwatch"
)

// The agent's loop selects on Deltas together with its other inputs; the
// monitor never waits for it.
func ExampleMonitor() {
	m := netwatch.New(netwatch.Options{Logger: slog.Default()})
	if err := m.Start(); err != nil {
		slog.Error("netwatch unavailable; relying on the silence timers", "err", err)
		return
	}
	defer m.Close()
	slog.Info("network", "type", m.Snapshot().Path().NetworkType())

	for d := range m.Deltas() {
		if d.TypeChanged {
			slog.Info("onNetworkTypeChanged", "type", d.Type) // DISCONNECTED on PathLost
		}
		switch {
		case d.PathLost:
			// No usable link: stop wasting rejoin attempts; the silence
			// timers still decide the state callbacks.
		case d.PathRestored:
			// A usable link is back: rejoin or restart ICE now.
		case d.Usable && (d.PathChanged || d.AddrChanged || d.TimeJumped):
			// While connected: RECONNECTING(CLIENT_IP_ADDRESS_CHANGED) and
			// an ICE restart over d.Path.
		}
	}
}
