package systest_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/edge-agent/edge-agent/packaging/systest"
)

// channeldApps is an apps file with one app ("APP_ID SECRET").
const channeldApps = "# app secret\nsystest 0123456789abcdef0123456789abcdef\n"

// healthz asks the server for GET /healthz with bash's /dev/tcp (minbase
// has no HTTP client).
const healthz = `exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /healthz HTTP/1.0\r\n\r\n' >&3 && cat <&3`

// TestChanneldUnit_ServesInItsSandbox installs edge-channeld.service as the
// package would and checks that the hardened server becomes ready (READY=1,
// with its watchdog fed), listens, reads its apps credential, runs as a
// transient user and stops cleanly.
func TestChanneldUnit_ServesInItsSandbox(t *testing.T) {
	c := systest.Boot(t, systest.Debian(t), systest.Options{Network: systest.PrivateNetwork})
	must(t, c.CopyIn(goBuild(t, "github.com/edge-agent/edge-agent/cmd/edge-channeld"), "/usr/bin/edge-channeld", 0o755))
	must(t, c.CopyIn(filepath.Join(unitDir, "edge-channeld.service"), "/lib/systemd/system/edge-channeld.service", 0o644))
	must(t, c.CopyIn(filepath.Join(unitDir, "edge-channeld.env"), "/etc/edge-channeld/edge-channeld.env", 0o644))
	must(t, c.WriteFile("/etc/edge-channeld/apps", []byte(channeldApps), 0o600))
	run(t, c, "systemctl", "daemon-reload")
	run(t, c, "systemctl", "start", "edge-channeld.service")

	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var reply string
	err := systest.Poll(ctx, "GET /healthz", func() (bool, error) {
		var err error
		reply, err = c.Run(ctx, "bash", "-c", healthz)
		return strings.Contains(reply, " 200 "), err
	})
	if err != nil {
		j, _ := c.Journal("edge-channeld.service")
		t.Fatalf("%v\n%s", err, j)
	}
	pid := strings.TrimPrefix(strings.TrimSpace(run(t, c, "systemctl", "show", "-p", "MainPID", "edge-channeld.service")), "MainPID=")
	if uid := run(t, c, "stat", "-c", "%u", "/proc/"+pid); strings.TrimSpace(uid) == "0" {
		t.Errorf("edge-channeld runs as root")
	}
	run(t, c, "systemctl", "stop", "edge-channeld.service")
	if r := run(t, c, "systemctl", "show", "-p", "Result", "edge-channeld.service"); strings.TrimSpace(r) != "Result=success" {
		t.Errorf("stop: %s", r)
	}
}
