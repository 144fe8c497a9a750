package systest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// hostSystemd reports whether the host runs systemd as init (sd_booted).
func hostSystemd() bool {
	_, err := os.Stat("/run/systemd/system")
	return err == nil
}

// cgroupRoots returns the cgroup hierarchies systemd-nspawn and the
// container's systemd use: the unified (v2) one, and on a hybrid host also
// the named v1 "systemd" one.
func cgroupRoots() []string {
	const base = "/sys/fs/cgroup"
	if fsType(base) == "cgroup2" {
		return []string{base}
	}
	var roots []string
	for _, p := range []string{base + "/unified", base + "/systemd"} {
		if t := fsType(p); t == "cgroup2" || t == "cgroup" {
			roots = append(roots, p)
		}
	}
	return roots
}

// fsType names the file system at path: "cgroup2", "cgroup" or "".
func fsType(path string) string {
	var st syscall.Statfs_t
	if syscall.Statfs(path, &st) != nil {
		return ""
	}
	switch st.Type {
	case 0x63677270: // CGROUP2_SUPER_MAGIC
		return "cgroup2"
	case 0x27e0eb: // CGROUP_SUPER_MAGIC
		return "cgroup"
	}
	return ""
}

// makeCgroups creates a cgroup named name in each root and returns the
// directories. On a host without systemd nobody else hands out cgroups, so
// the container gets its own instead of taking over the root cgroup.
func makeCgroups(name string) ([]string, error) {
	var dirs []string
	for _, r := range cgroupRoots() {
		d := filepath.Join(r, name)
		if err := os.Mkdir(d, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
			return dirs, fmt.Errorf("cgroup %s: %w", d, err)
		}
		dirs = append(dirs, d)
	}
	return dirs, nil
}

// removeCgroup kills what is left in a cgroup tree and removes it, deepest
// first. rmdir fails while killed processes are still being reaped, so it
// is retried for a while.
func removeCgroup(dir string) error {
	subs, _ := os.ReadDir(dir)
	for _, s := range subs {
		if s.IsDir() {
			removeCgroup(filepath.Join(dir, s.Name()))
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return Poll(ctx, "removal of cgroup "+dir, func() (bool, error) {
		killAll(dir)
		err := syscall.Rmdir(dir)
		if err == nil || errors.Is(err, syscall.ENOENT) {
			return true, nil
		}
		return false, err
	})
}

// killAll sends SIGKILL to every process in one cgroup.
func killAll(dir string) {
	b, _ := os.ReadFile(filepath.Join(dir, "cgroup.procs"))
	for _, f := range strings.Fields(string(b)) {
		if pid, err := strconv.Atoi(f); err == nil {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}
