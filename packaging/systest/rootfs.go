package systest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// freshCopy gives the test its own writable view of the cached root lower:
// an overlayfs with lower as its read-only layer (about 15 ms), or where the
// kernel refuses overlayfs, a copy (cp -a, about 4 s for the 250 MB base).
// Both are removed when the test ends.
func freshCopy(t testing.TB, lower string) string {
	t.Helper()
	dir := t.TempDir()
	root := filepath.Join(dir, "root")
	err := overlay(lower, dir, root)
	if err == nil {
		t.Cleanup(func() { unmount(t, root) })
		return root
	}
	t.Logf("overlayfs refused (%v); copying the root instead", err)
	out, err := exec.Command("cp", "-a", "--reflink=auto", lower, root).CombinedOutput()
	if err != nil {
		t.Fatalf("copy root: %v: %s", err, out)
	}
	return root
}

// overlay mounts lower read-only under root, with its upper and work
// directories in dir.
func overlay(lower, dir, root string) error {
	upper, work := filepath.Join(dir, "upper"), filepath.Join(dir, "work")
	for _, d := range []string{upper, work, root} {
		if err := os.Mkdir(d, 0o755); err != nil {
			return fmt.Errorf("overlay: %w", err)
		}
	}
	opts := fmt.Sprintf("lowerdir=%s,upperdir=%s,workdir=%s", lower, upper, work)
	if err := syscall.Mount("overlay", root, "overlay", 0, opts); err != nil {
		os.Remove(root)
		os.Remove(work)
		os.Remove(upper)
		return fmt.Errorf("mount overlay: %w", err)
	}
	return nil
}

// unmount detaches a mount; a container still holding it does not block
// the test's cleanup.
func unmount(t testing.TB, path string) {
	if err := syscall.Unmount(path, syscall.MNT_DETACH); err != nil {
		t.Errorf("unmount %s: %v", path, err)
	}
}
