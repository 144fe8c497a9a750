package systest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Suite is the Debian release the system tests boot: the kiosks' own.
const Suite = "bookworm"

// BasePackages are installed on top of debootstrap's minbase: an init that
// boots under systemd-nspawn, the bus systemctl talks over, and ip.
var BasePackages = []string{"systemd", "systemd-sysv", "dbus", "iproute2"}

// CacheEnv names the environment variable that moves the cache directory
// from DefaultCacheDir.
const CacheEnv = "EDGE_SYSTEST_CACHE"

// DefaultCacheDir keeps built root file systems between tests and runs.
const DefaultCacheDir = "/var/cache/edge-agent-systest"

// recipe changes whenever buildRoot changes what it produces, so that an
// old cache entry is not reused for a new recipe.
const recipe = "2"

// Deadlines. A debootstrap from a LAN mirror takes about 4 minutes on 2
// cores; 20 leaves room for a slow mirror. Waiting for another process's
// build gets the same, plus a margin.
const (
	debootstrapTimeout = 20 * time.Minute
	lockTimeout        = debootstrapTimeout + 2*time.Minute
)

// Debian returns the path of a fresh Debian root file system for this test:
// BasePackages plus extra, built once with debootstrap and cached (see
// CacheEnv), then given to the test as an overlay (or, where overlayfs is
// refused, a copy) that is removed at the end of the test.
func Debian(t testing.TB, extra ...string) string {
	t.Helper()
	RequireTools(t)
	pkgs := packageList(extra)
	if !done(filepath.Join(cacheDir(), cacheKey(pkgs))) {
		RequireTools(t, "debootstrap")
	}
	cached, err := cachedRoot(pkgs)
	if err != nil {
		t.Fatalf("debian root: %v", err)
	}
	return freshCopy(t, cached)
}

// packageList is BasePackages plus extra, sorted and without repeats.
func packageList(extra []string) []string {
	pkgs := append(slices.Clone(BasePackages), extra...)
	slices.Sort(pkgs)
	return slices.Compact(pkgs)
}

// cacheKey names a cache entry after everything that decides its content.
func cacheKey(pkgs []string) string {
	h := sha256.Sum256([]byte(recipe + "\n" + Suite + "\nminbase\n" + strings.Join(pkgs, ",")))
	return Suite + "-" + hex.EncodeToString(h[:8])
}

func cacheDir() string {
	if d := os.Getenv(CacheEnv); d != "" {
		return d
	}
	return DefaultCacheDir
}

// cachedRoot returns the cached root for pkgs, building it first if needed.
// A lock file serialises builders across test processes (go test runs
// packages in parallel); the entry appears by rename only once complete.
func cachedRoot(pkgs []string) (string, error) {
	dir := cacheDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("cache directory: %w", err)
	}
	key := cacheKey(pkgs)
	final := filepath.Join(dir, key)
	if done(final) {
		return filepath.Join(final, "root"), nil
	}
	unlock, err := lockFile(filepath.Join(dir, key+".lock"), lockTimeout)
	if err != nil {
		return "", err
	}
	defer unlock()
	if done(final) { // Built by another process while we waited.
		return filepath.Join(final, "root"), nil
	}
	if err := buildEntry(final, pkgs); err != nil {
		return "", err
	}
	return filepath.Join(final, "root"), nil
}

// done reports whether a cache entry is complete.
func done(entry string) bool {
	_, err := os.Stat(filepath.Join(entry, "ok"))
	return err == nil
}

// buildEntry builds the entry in a temporary directory and renames it into
// place, so that a crash never leaves a half-built entry behind a marker.
func buildEntry(final string, pkgs []string) error {
	tmp := final + ".build"
	if err := os.RemoveAll(tmp); err != nil {
		return fmt.Errorf("remove stale build: %w", err)
	}
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return fmt.Errorf("build directory: %w", err)
	}
	if err := buildRoot(filepath.Join(tmp, "root"), pkgs, filepath.Join(tmp, "debootstrap.log")); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(tmp, "ok"), []byte(strings.Join(pkgs, "\n")+"\n"), 0o600); err != nil {
		return fmt.Errorf("cache marker: %w", err)
	}
	os.RemoveAll(final)
	if err := os.Rename(tmp, final); err != nil {
		return fmt.Errorf("cache entry: %w", err)
	}
	return nil
}

// buildRoot runs debootstrap into root, then prepares the result for
// booting under nspawn (finishRoot).
func buildRoot(root string, pkgs []string, logPath string) error {
	ctx, cancel := context.WithTimeout(context.Background(), debootstrapTimeout)
	defer cancel()
	args := []string{"--variant=minbase", "--include=" + strings.Join(pkgs, ","), Suite, root}
	if m := hostMirror(Suite); m != "" {
		args = append(args, m)
	}
	logf, err := os.Create(logPath)
	if err != nil {
		return fmt.Errorf("debootstrap log: %w", err)
	}
	defer logf.Close()
	cmd := exec.CommandContext(ctx, "debootstrap", args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("debootstrap %s: %w (log: %s; last lines:\n%s)", strings.Join(args, " "), err, logPath, tailFile(logPath, 15))
	}
	return finishRoot(root)
}

// maskedUnits would only add noise or take dpkg's lock during a test.
var maskedUnits = []string{
	"apt-daily.timer", "apt-daily-upgrade.timer", "dpkg-db-backup.timer",
	"e2scrub_all.timer", "e2scrub_reap.service", "fstrim.timer",
}

// finishRoot drops the downloaded packages and the host's name (nspawn's
// machine name is the hostname) and masks units tests do not want.
func finishRoot(root string) error {
	debs, _ := filepath.Glob(filepath.Join(root, "var/cache/apt/archives/*.deb"))
	for _, f := range debs {
		os.Remove(f)
	}
	os.Remove(filepath.Join(root, "etc/hostname"))
	for _, u := range maskedUnits {
		link := filepath.Join(root, "etc/systemd/system", u)
		if err := os.Symlink("/dev/null", link); err != nil && !errors.Is(err, os.ErrExist) {
			return fmt.Errorf("mask %s: %w", u, err)
		}
	}
	return nil
}

// lockFile takes an exclusive flock on path, polling until timeout, and
// returns the function that releases it.
func lockFile(path string, timeout time.Duration) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	// Another process holds it for minutes (a debootstrap): no need to
	// look more than four times a second.
	err = pollEvery(ctx, "lock "+path, 250*time.Millisecond, func() (bool, error) {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		return err == nil, err
	})
	if err != nil {
		f.Close()
		return nil, err
	}
	return func() { syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
}

// tailFile returns the last n lines of a file, for error messages.
func tailFile(path string, n int) string {
	b, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
