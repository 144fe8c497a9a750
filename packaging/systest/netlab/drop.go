package netlab

import (
	"fmt"
	"os/exec"
	"testing"
)

var execCommand = exec.Command

// Cut makes the link drop every packet, both ways, on arrival: the
// namespace drops what comes in on Dev, the host drops what comes in on
// HostDev. No link changes and no sender gets an error — the network just
// goes silent, as a bad Wi-Fi or a dead uplink does.
func (l *Link) Cut(tb testing.TB) { tb.Helper(); l.Loss(tb, 100) }

// Loss drops percent of the packets arriving on each end (numgen random).
func (l *Link) Loss(tb testing.TB, percent int) {
	tb.Helper()
	l.Heal(tb)
	rule := "drop"
	if percent < 100 {
		rule = fmt.Sprintf("numgen random mod 100 < %d drop", percent)
	}
	nftRun(tb, l.NS.Name, fmt.Sprintf("table inet %s {\n chain in {\n  type filter hook input priority -10; policy accept;\n  iifname %q %s\n }\n}\n", l.table, l.Dev, rule))
	nftRun(tb, "", fmt.Sprintf("table inet %s {\n chain in {\n  type filter hook input priority -10; policy accept;\n  iifname %q %s\n }\n}\n", l.table, l.HostDev, rule))
	tb.Cleanup(func() { l.heal() })
}

// Heal removes the drop rules.
func (l *Link) Heal(tb testing.TB) { tb.Helper(); l.heal() }

func (l *Link) heal() {
	_ = execCommand("ip", "netns", "exec", l.NS.Name, "nft", "delete", "table", "inet", l.table).Run()
	_ = execCommand("nft", "delete", "table", "inet", l.table).Run()
}
