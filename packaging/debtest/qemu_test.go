package debtest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/edge-agent/edge-agent/packaging/deb"
)

// emulator is the qemu-user program (Debian's qemu-user-static) that runs
// a foreign architecture's programs; called by name, it needs no binfmt
// registration.
var emulator = map[string]string{"arm64": "qemu-aarch64-static", "armhf": "qemu-arm-static"}

// goArch names the Go architecture qemu-user reports for each Debian one.
var goArch = map[string]string{"arm64": "linux/arm64", "armhf": "linux/arm"}

// TestQemu_Version runs both packaged programs of each ARM architecture
// under qemu-user: `version` names the package's version and the target.
func TestQemu_Version(t *testing.T) {
	t.Parallel()
	res := packages(t)
	for arch, qemu := range emulator {
		for _, prog := range deb.Programs {
			t.Run(arch+"/"+prog, func(t *testing.T) {
				needTools(t, qemu)
				bin := extractProgram(t, pkg(t, res, prog, arch))
				out := runEmulated(t, qemu, bin, "", "version")
				for _, want := range []string{prog + " " + res.Upstream + "\n", goArch[arch]} {
					if !strings.Contains(out, want) {
						t.Errorf("%s version = %q, want %q in it", prog, out, want)
					}
				}
			})
		}
	}
}

// unitTestPackages are the pure unit tests run on the ARM targets: the
// state machine, the configuration, the wire protocol. They need neither
// the network nor root.
var unitTestPackages = []string{"agent", "agent/config", "rtc/signal"}

// TestQemu_UnitTests cross-compiles the unit tests of unitTestPackages for
// each ARM architecture and runs them under qemu-user.
func TestQemu_UnitTests(t *testing.T) {
	t.Parallel()
	root := repoRoot(t)
	for arch, qemu := range emulator {
		a, err := deb.ArchByName(arch)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range unitTestPackages {
			t.Run(arch+"/"+p, func(t *testing.T) {
				needTools(t, qemu)
				bin := compileTests(t, root, p, a)
				start := time.Now()
				out := runEmulated(t, qemu, bin, filepath.Join(root, p), "-test.v", "-test.short", "-test.count=1", "-test.timeout=10m")
				t.Logf("%s on %s under qemu: %d passed, %d skipped in %v", p, arch, strings.Count(out, "--- PASS"),
					strings.Count(out, "--- SKIP"), time.Since(start).Round(time.Millisecond))
			})
		}
	}
}

// compileTests builds the test binary of package p (relative to root) for a.
func compileTests(t *testing.T, root, p string, a deb.Arch) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), strings.ReplaceAll(p, "/", "-")+".test")
	cmd := exec.Command("go", "test", "-c", "-trimpath", "-o", bin, "./"+p)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), a.Env()...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go test -c ./%s for %s: %v\n%s", p, a.Debian, err, out)
	}
	return bin
}

// runEmulated runs bin with args under qemu in dir and returns its output;
// a failure fails the test with the output.
func runEmulated(t *testing.T, qemu, bin, dir string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, qemu, append([]string{bin}, args...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s %s: %v\n%s", qemu, filepath.Base(bin), strings.Join(args, " "), err, out)
	}
	return string(out)
}
