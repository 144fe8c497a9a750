package debtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edge-agent/edge-agent/packaging/systest"
)

// TestAgentPackage_InstallsInChroot installs the package into a Debian root
// that is not booted, as an image build does (debootstrap, then dpkg in a
// chroot): the maintainer scripts must succeed without a running systemd,
// create the user and record the enablement, and start nothing.
func TestAgentPackage_InstallsInChroot(t *testing.T) {
	t.Parallel()
	p := pkg(t, packages(t), "edge-agent", "amd64")
	systest.RequireTools(t, "chroot")
	root := systest.Debian(t)
	b, err := os.ReadFile(p.Path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "root", "edge-agent.deb"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	chroot(t, root, "dpkg", "-i", "/root/edge-agent.deb")
	if out := chroot(t, root, "getent", "passwd", "edge-agent"); !strings.HasPrefix(out, "edge-agent:") {
		t.Errorf("no user edge-agent: %q", out)
	}
	link := filepath.Join(root, "etc/systemd/system/multi-user.target.wants/edge-agent.service")
	if target, err := os.Readlink(link); err != nil || target != "/lib/systemd/system/edge-agent.service" {
		t.Errorf("enablement link: %q, %v", target, err)
	}
	chroot(t, root, "dpkg", "-P", "edge-agent")
	if _, err := os.Lstat(link); err == nil {
		t.Error("purge left the enablement link")
	}
}

// chroot runs a command inside root and returns its output.
func chroot(t *testing.T, root string, args ...string) string {
	t.Helper()
	cmd := exec.Command("chroot", append([]string{root}, args...)...)
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8"}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("chroot %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}
