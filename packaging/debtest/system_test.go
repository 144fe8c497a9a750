package debtest

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/edge-agent/edge-agent/packaging/deb"
	"github.com/edge-agent/edge-agent/packaging/systest"
)

// cmdTimeout bounds one command in a container; dpkg -i of a 7 MB package
// with a service restart takes about a second.
const cmdTimeout = 2 * time.Minute

// debDir is where the packages are copied in the container.
const debDir = "/root/debs"

// inside runs a command in the container and fails the test if it fails.
func inside(t *testing.T, c *systest.Container, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	out, err := c.Run(ctx, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// insideStatus runs a command whose failure is an answer (systemctl
// is-active, test -e) and returns its output and whether it succeeded.
func insideStatus(t *testing.T, c *systest.Container, args ...string) (string, bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	out, err := c.Run(ctx, args...)
	return strings.TrimSpace(out), err == nil
}

// copyDeb copies a package into the container and returns its path there.
func copyDeb(t *testing.T, c *systest.Container, p deb.Package) string {
	t.Helper()
	dst := path.Join(debDir, path.Base(p.Path))
	if err := c.CopyIn(p.Path, dst, 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

// unit is what the tests read of a unit.
type unit struct {
	props map[string]string
}

func (u unit) get(k string) string { return u.props[k] }

// showUnit reads the properties the tests use.
func showUnit(ctx context.Context, c *systest.Container, name string) (unit, error) {
	p, err := c.Show(ctx, name, "ActiveState", "SubState", "StatusText", "NRestarts", "MainPID", "UnitFileState")
	return unit{props: p}, err
}

// waitUnit polls the unit until cond holds, failing the test after within.
func waitUnit(t *testing.T, c *systest.Container, name, what string, within time.Duration, cond func(unit) bool) unit {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	var u unit
	err := systest.Poll(ctx, name+" "+what, func() (bool, error) {
		var err error
		u, err = showUnit(ctx, c, name)
		return err == nil && cond(u), err
	})
	if err != nil {
		j, _ := c.Journal(name)
		t.Fatalf("%v (last: %v)\njournal:\n%s", err, u.props, lastLines(j, 30))
	}
	return u
}

// steady watches the unit for window and fails the test as soon as bad
// reports a problem. It observes, it does not synchronise: the window is
// the claim under test ("no restart in 3 s").
func steady(t *testing.T, c *systest.Container, name string, window time.Duration, bad func(unit) error) {
	t.Helper()
	if err := steadyFor(c, name, window, bad); err != nil {
		t.Fatal(err)
	}
}

// steadyFor is steady returning the failure, with the unit's journal.
func steadyFor(c *systest.Container, name string, window time.Duration, bad func(unit) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), window)
	defer cancel()
	err := systest.Poll(ctx, name+" steady", func() (bool, error) {
		u, err := showUnit(ctx, c, name)
		if err != nil {
			return false, nil // ctx ending mid-query; a real failure shows in bad
		}
		if err := bad(u); err != nil {
			return true, err
		}
		return false, nil
	})
	if !errors.Is(err, context.DeadlineExceeded) {
		j, _ := c.Journal(name)
		return fmt.Errorf("%s: %w\njournal:\n%s", name, err, lastLines(j, 30))
	}
	return nil
}

// leftovers lists what a purged package left on the container's disk: any
// path whose name contains name (outside /proc, /sys, /dev, the journal and
// the copied packages).
func leftovers(t *testing.T, c *systest.Container, name string) string {
	t.Helper()
	return inside(t, c, "find", "/", "-xdev",
		"(", "-path", "/proc", "-o", "-path", "/sys", "-o", "-path", "/dev", "-o", "-path", "/var/log/journal",
		"-o", "-path", debDir, ")", "-prune", "-o", "-name", "*"+name+"*", "-print")
}

// dpkgStatus returns the package's status abbreviation ("ii", "rc"), or ""
// when dpkg knows nothing of it.
func dpkgStatus(t *testing.T, c *systest.Container, name string) string {
	t.Helper()
	out, ok := insideStatus(t, c, "dpkg-query", "-W", "-f=${db:Status-Abbrev}", name)
	if !ok {
		return ""
	}
	return strings.TrimSpace(out)
}

// lastLines returns the last n lines of s.
func lastLines(s string, n int) string {
	l := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(l[max(0, len(l)-n):], "\n")
}
