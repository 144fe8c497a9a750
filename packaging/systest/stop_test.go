package systest_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/edge-agent/edge-agent/packaging/systest"
)

// TestAgentUnit_StopLeavesRestartHandsOver drives the stop-or-restart
// decision of systemd/README.md under a real systemd: the stand-in asks
// systemd for its unit's queued job on SIGTERM and logs what it would do.
func TestAgentUnit_StopLeavesRestartHandsOver(t *testing.T) {
	c := bootWithAgentUnit(t, goBuild(t, binaries["standin"]))
	run(t, c, "systemctl", "start", "edge-agent.service")
	s := waitActive(t, c, 0)
	tests := []struct {
		name string
		cmd  []string
		want string
	}{
		{"systemctl restart", []string{"systemctl", "restart", "edge-agent.service"}, "job=restart action=handover"},
		{"systemctl try-restart", []string{"systemctl", "try-restart", "edge-agent.service"}, "job=restart action=handover"},
		{"systemctl reload-or-restart", []string{"systemctl", "reload-or-restart", "edge-agent.service"}, "job=restart action=handover"},
		{"package upgrade", []string{"deb-systemd-invoke", "restart", "edge-agent.service"}, "job=restart action=handover"},
		{"systemctl kill -s TERM", []string{"systemctl", "kill", "-s", "TERM", "edge-agent.service"}, "job=none action=leave"},
		{"systemctl stop", []string{"systemctl", "stop", "edge-agent.service"}, "job=stop action=leave"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen := len(journalLines(t, c, "sigterm:"))
			run(t, c, tt.cmd...)
			line := waitSigterm(t, c, seen)
			if !strings.Contains(line, tt.want) {
				t.Errorf("on SIGTERM: %q, want %q", line, tt.want)
			}
			if tt.cmd[1] != "stop" {
				s = waitActive(t, c, s.ActiveAt) // Back, as a restart must be.
			}
		})
	}
}

// waitSigterm waits for the stand-in's (seen+1)th "sigterm:" line.
func waitSigterm(t *testing.T, c *systest.Container, seen int) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	var lines []string
	err := systest.Poll(ctx, "the stand-in's SIGTERM line", func() (bool, error) {
		lines = journalLines(t, c, "sigterm:")
		return len(lines) > seen, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return lines[seen]
}
