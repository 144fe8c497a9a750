package debtest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/edge-agent/edge-agent/packaging/systest"
	"github.com/edge-agent/edge-agent/rtc/rtctest"
)

const (
	agentUnit = "edge-agent.service"
	// channel is the channel the agent (uid 1) and the watching peer
	// (uid 2) join; the server is the test's own.
	channel = "pkgtest"
	// upgradeWindow is how long the peer must see nothing after an
	// upgrade: past the native peers' 20 s, so that a drop would show.
	upgradeWindow = 25 * time.Second
)

// TestAgentPackage_InstallUpgradeRemovePurge takes the amd64 package
// through its life in a booted Debian, with a native peer watching the
// channel from the host: a fresh install runs and waits for its
// configuration; configured, it joins; an upgrade restarts it without the
// peer noticing; removal leaves the channel (the peer sees QUIT); purge
// leaves nothing behind.
func TestAgentPackage_InstallUpgradeRemovePurge(t *testing.T) {
	t.Parallel()
	first := pkg(t, packages(t), "edge-agent", "amd64")
	second := pkg(t, upgradePackages(t), "edge-agent", "amd64")
	srv := startChannelServer(t, extractProgram(t, pkg(t, packages(t), "edge-channeld", "amd64")))
	c := systest.Boot(t, systest.Debian(t), systest.Options{Network: systest.HostNetwork})
	peer := rtctest.WatchNative(t, srv.ws(), channel, 2)

	installWaiting(t, c, copyDeb(t, c, first))
	configureAgent(t, c, srv)
	peer.Await(0, "joined 1", 30*time.Second)
	waitUnit(t, c, agentUnit, "connected", 30*time.Second, func(u unit) bool {
		return strings.Contains(u.get("StatusText"), "CONNECTED")
	})

	upgradeUnnoticed(t, c, copyDeb(t, c, second), second.Version, peer)
	removeLeaves(t, c, peer)
	purgeLeavesNothing(t, c)
}

// installWaiting installs the package and checks that the service is
// enabled and running, and says what to configure.
func installWaiting(t *testing.T, c *systest.Container, debPath string) {
	t.Helper()
	start := time.Now()
	inside(t, c, "dpkg", "-i", debPath)
	t.Logf("dpkg -i: %v", time.Since(start).Round(time.Millisecond))
	if out, _ := insideStatus(t, c, "systemctl", "is-enabled", agentUnit); out != "enabled" {
		t.Errorf("after install: is-enabled %q, want enabled", out)
	}
	waitUnit(t, c, agentUnit, "running, waiting for its configuration", 30*time.Second, func(u unit) bool {
		return u.get("SubState") == "running" && strings.Contains(u.get("StatusText"), "not configured yet")
	})
	status, _ := insideStatus(t, c, "systemctl", "status", "--no-pager", agentUnit)
	t.Logf("systemctl status after install:\n%s", status)
	for _, want := range []string{"Active: active (running)", "Status: \"not configured yet: server:", "/etc/edge-agent/agent.toml"} {
		if !strings.Contains(status, want) {
			t.Errorf("systemctl status lacks %q", want)
		}
	}
	steady(t, c, agentUnit, 3*time.Second, func(u unit) error {
		if u.get("NRestarts") != "0" || u.get("ActiveState") != "active" {
			return fmt.Errorf("not steady while waiting: %v", u.props)
		}
		return nil
	})
	if _, ok := insideStatus(t, c, "getent", "passwd", "edge-agent"); !ok {
		t.Error("no user edge-agent after install")
	}
}

// configureAgent writes a configuration that joins the test's server.
func configureAgent(t *testing.T, c *systest.Container, srv *channelServer) {
	t.Helper()
	cfg := fmt.Sprintf("server = %q\napp-id = \"demo\"\nchannel = %q\nuid = 1\n", srv.ws(), channel)
	if err := c.WriteFile("/etc/edge-agent/agent.toml", []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
}

// upgradeUnnoticed installs the newer package while the peer watches: the
// service is restarted onto it (a new main process, the old one handing
// its session over) and for upgradeWindow the peer sees nothing at all.
func upgradeUnnoticed(t *testing.T, c *systest.Container, debPath, version string, peer *rtctest.Native) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	before, err := showUnit(ctx, c, agentUnit)
	if err != nil {
		t.Fatal(err)
	}
	mark := peer.Mark()
	start := time.Now()
	inside(t, c, "dpkg", "-i", "--force-confold", debPath)
	t.Logf("dpkg -i (upgrade): %v", time.Since(start).Round(time.Millisecond))
	if got := dpkgVersion(t, c, "edge-agent"); got != version {
		t.Errorf("after upgrade: version %q, want %q", got, version)
	}
	waitUnit(t, c, agentUnit, "restarted", 30*time.Second, func(u unit) bool {
		return u.get("ActiveState") == "active" && u.get("MainPID") != before.get("MainPID")
	})
	if j, _ := c.Journal(agentUnit); !strings.Contains(j, "action=handover") {
		t.Errorf("the old process did not hand over on the upgrade's restart:\n%s", lastLines(j, 20))
	}
	quiet(t, peer, mark, upgradeWindow)
	t.Logf("peer saw nothing for %v after the upgrade", upgradeWindow)
	waitUnit(t, c, agentUnit, "connected after the upgrade", 10*time.Second, func(u unit) bool {
		return strings.Contains(u.get("StatusText"), "CONNECTED")
	})
}

// quiet fails the test if the peer sees anything after mark within window.
// It observes for the whole window: that nothing happens is the claim.
func quiet(t *testing.T, peer *rtctest.Native, mark int, window time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), window)
	defer cancel()
	err := systest.Poll(ctx, "peer events", func() (bool, error) {
		if seen := peer.Seen(mark); len(seen) > 0 {
			return true, fmt.Errorf("the peer saw %v", seen)
		}
		return false, nil
	})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("after the upgrade: %v (want no callback at all: SPEC §3)", err)
	}
}

// removeLeaves removes the package: the service stops and leaves the
// channel (the peer sees QUIT at once, not DROPPED 20 s later); the
// configuration and the state stay.
func removeLeaves(t *testing.T, c *systest.Container, peer *rtctest.Native) {
	t.Helper()
	mark := peer.Mark()
	start := time.Now()
	inside(t, c, "dpkg", "-r", "edge-agent")
	ev := peer.Await(mark, "offline 1 QUIT", 10*time.Second)
	t.Logf("dpkg -r: returned after %v; the peer saw QUIT %v after it started", time.Since(start).Round(time.Millisecond),
		ev.At.Sub(start).Round(time.Millisecond))
	if out, _ := insideStatus(t, c, "systemctl", "is-active", agentUnit); out != "inactive" {
		t.Errorf("after remove: is-active %q, want inactive", out)
	}
	if s := dpkgStatus(t, c, "edge-agent"); s != "rc" {
		t.Errorf("after remove: dpkg status %q, want rc (configuration kept)", s)
	}
	for _, p := range []string{"/etc/edge-agent/agent.toml", "/var/lib/edge-agent"} {
		if _, ok := insideStatus(t, c, "test", "-e", p); !ok {
			t.Errorf("after remove: %s is gone; remove keeps it", p)
		}
	}
	if _, ok := insideStatus(t, c, "test", "-e", "/usr/bin/edge-agent"); ok {
		t.Error("after remove: /usr/bin/edge-agent is still there")
	}
}

// purgeLeavesNothing purges the package: no file of it is left, only the
// system user (Debian policy keeps users).
func purgeLeavesNothing(t *testing.T, c *systest.Container) {
	t.Helper()
	inside(t, c, "dpkg", "-P", "edge-agent")
	if left := leftovers(t, c, "edge-agent"); left != "" {
		t.Errorf("after purge, left behind:\n%s", left)
	}
	if _, ok := insideStatus(t, c, "test", "-e", "/run/edge-agent"); ok {
		t.Error("after purge: /run/edge-agent is still there")
	}
	if s := dpkgStatus(t, c, "edge-agent"); s != "" && s != "un" {
		t.Errorf("after purge: dpkg status %q, want none", s)
	}
	if _, ok := insideStatus(t, c, "getent", "passwd", "edge-agent"); !ok {
		t.Error("after purge: the user edge-agent is gone; policy keeps it")
	}
}

// dpkgVersion returns the installed version of a package.
func dpkgVersion(t *testing.T, c *systest.Container, name string) string {
	t.Helper()
	return strings.TrimSpace(inside(t, c, "dpkg-query", "-W", "-f=${Version}", name))
}
