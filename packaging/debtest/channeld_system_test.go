package debtest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/edge-agent/edge-agent/packaging/systest"
)

const channeldUnit = "edge-channeld.service"

// channeldApps is an apps file with one app.
const channeldApps = "# one app\npkgtest 0123456789abcdef0123456789abcdef\n"

// healthz asks the server for GET /healthz with bash's /dev/tcp (the
// container has no HTTP client).
const healthz = `exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /healthz HTTP/1.0\r\n\r\n' >&3 && cat <&3`

// TestChanneldPackage_InstallRemovePurge takes the amd64 server package
// through its life in a booted Debian with a network of its own: a fresh
// install is enabled and does not crash-loop; with an app added and a
// restart it serves; removal stops it; purge leaves nothing behind.
func TestChanneldPackage_InstallRemovePurge(t *testing.T) {
	t.Parallel()
	p := pkg(t, packages(t), "edge-channeld", "amd64")
	c := systest.Boot(t, systest.Debian(t), systest.Options{Network: systest.PrivateNetwork})
	inside(t, c, "dpkg", "-i", copyDeb(t, c, p))
	if out, _ := insideStatus(t, c, "systemctl", "is-enabled", channeldUnit); out != "enabled" {
		t.Errorf("after install: is-enabled %q, want enabled", out)
	}
	if mode := strings.TrimSpace(inside(t, c, "stat", "-c", "%a %U", "/etc/edge-channeld/apps")); mode != "600 root" {
		t.Errorf("/etc/edge-channeld/apps: %s, want 600 root", mode)
	}
	freshInstallSteady(t, c)

	if err := c.WriteFile("/etc/edge-channeld/apps", []byte(channeldApps), 0o600); err != nil {
		t.Fatal(err)
	}
	inside(t, c, "systemctl", "restart", channeldUnit)
	waitServing(t, c)

	inside(t, c, "dpkg", "-r", "edge-channeld")
	if out, _ := insideStatus(t, c, "systemctl", "is-active", channeldUnit); out != "inactive" {
		t.Errorf("after remove: is-active %q, want inactive", out)
	}
	inside(t, c, "dpkg", "-P", "edge-channeld")
	if left := leftovers(t, c, "edge-channeld"); left != "" {
		t.Errorf("after purge, left behind:\n%s", left)
	}
}

// freshInstallSteady checks that the server, installed without an app,
// neither crash-loops nor fails: it runs and says what to configure. A
// failure here does not end the test, which goes on to configure an app.
func freshInstallSteady(t *testing.T, c *systest.Container) {
	t.Helper()
	err := steadyFor(c, channeldUnit, 3*time.Second, func(u unit) error {
		if u.get("NRestarts") != "0" || u.get("ActiveState") == "failed" {
			return fmt.Errorf("a fresh install without apps must wait, not crash-loop: %v", u.props)
		}
		return nil
	})
	if err != nil {
		t.Error(err)
		return
	}
	u := waitUnit(t, c, channeldUnit, "running", 15*time.Second, func(u unit) bool { return u.get("SubState") == "running" })
	t.Logf("fresh install: %s", u.get("StatusText"))
}

// waitServing waits until the server answers /healthz.
func waitServing(t *testing.T, c *systest.Container) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := systest.Poll(ctx, "GET /healthz", func() (bool, error) {
		reply, err := c.Run(ctx, "bash", "-c", healthz)
		return strings.Contains(reply, " 200 "), err
	})
	if err != nil {
		j, _ := c.Journal(channeldUnit)
		t.Fatalf("%v\n%s", err, lastLines(j, 30))
	}
}
