package systest

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// RequireEnv is the environment variable that turns a skip into a failure.
const RequireEnv = "EDGE_REQUIRE_SYSTEM_TESTS"

// Unavailable ends the test because the machine cannot run system tests:
// t.Skip with the reason, or t.Fatal when RequireEnv is "1".
func Unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := "system test unavailable: " + fmt.Sprintf(format, args...)
	if os.Getenv(RequireEnv) == "1" {
		t.Fatal(msg + " (" + RequireEnv + "=1)")
	}
	t.Skip(msg)
}

// RequireTools checks that the process is root and that every named
// program is on PATH; otherwise it calls Unavailable.
func RequireTools(t testing.TB, programs ...string) {
	t.Helper()
	if os.Geteuid() != 0 {
		Unavailable(t, "needs root")
	}
	for _, p := range programs {
		if _, err := exec.LookPath(p); err != nil {
			Unavailable(t, "%s is not installed (Debian package %s)", p, debianPackageOf(p))
		}
	}
}

// debianPackageOf names the Debian package that ships a program we use.
func debianPackageOf(program string) string {
	switch program {
	case "debootstrap":
		return "debootstrap"
	case "systemd-nspawn":
		return "systemd-container"
	case "nsenter", "mount", "umount":
		return "util-linux / mount"
	case "tar":
		return "tar"
	}
	return "?"
}
