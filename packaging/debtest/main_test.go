package debtest

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/edge-agent/edge-agent/packaging/deb"
	"github.com/edge-agent/edge-agent/packaging/systest"
)

// baseDir holds what the tests of this package share: the packages built
// from the work tree, and their contents unpacked.
var baseDir string

func TestMain(m *testing.M) {
	var err error
	if baseDir, err = os.MkdirTemp("", "edge-debtest-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(baseDir)
	os.Exit(code)
}

// buildOnce is one deb.Build shared by every test that needs its result.
type buildOnce struct {
	once sync.Once
	res  deb.Result
	log  bytes.Buffer
	took time.Duration
	err  error
}

// get builds with the options opts returns, the first time it is called,
// and returns the result; a failed build fails every test that asks.
func (b *buildOnce) get(t *testing.T, opts func() (deb.Options, error)) deb.Result {
	t.Helper()
	b.once.Do(func() {
		o, err := opts()
		if err != nil {
			b.err = err
			return
		}
		o.Log = &b.log
		start := time.Now()
		b.res, b.err = deb.Build(context.Background(), o)
		b.took = time.Since(start)
		t.Logf("built in %v:\n%s", b.took.Round(time.Second/10), b.log.String())
	})
	if b.err != nil {
		t.Fatalf("building the packages: %v\n%s", b.err, b.log.String())
	}
	return b.res
}

var worktree, upgrade buildOnce

// packages returns the packages built from the work tree: every
// architecture, Debian revision 1.
func packages(t *testing.T) deb.Result {
	t.Helper()
	return worktree.get(t, func() (deb.Options, error) {
		return deb.Options{Out: filepath.Join(baseDir, "dist")}, nil
	})
}

// upgradePackages returns amd64 packages of the same upstream version as
// packages, one Debian revision later: what an upgrade installs.
func upgradePackages(t *testing.T) deb.Result {
	t.Helper()
	first := packages(t)
	return upgrade.get(t, func() (deb.Options, error) {
		a, err := deb.ArchByName("amd64")
		return deb.Options{Out: filepath.Join(baseDir, "dist-upgrade"), Arches: []deb.Arch{a},
			Upstream: first.Upstream, Revision: 2}, err
	})
}

// pkg returns the package of program name for arch, failing the test if
// the build did not write it.
func pkg(t *testing.T, res deb.Result, name, arch string) deb.Package {
	t.Helper()
	p, ok := res.Package(name, arch)
	if !ok {
		t.Fatalf("no %s package for %s", name, arch)
	}
	return p
}

// entry is a member of a package's data archive.
type entry struct {
	hdr  *tar.Header
	data []byte
}

// contents returns the members of a package's data archive by path
// ("./usr/bin/edge-agent"), read with dpkg-deb.
func contents(t *testing.T, debPath string) map[string]entry {
	t.Helper()
	out, err := exec.Command("dpkg-deb", "--fsys-tarfile", debPath).Output()
	if err != nil {
		t.Fatalf("dpkg-deb --fsys-tarfile %s: %v", debPath, err)
	}
	m := map[string]entry{}
	tr := tar.NewReader(bytes.NewReader(out))
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return m
		}
		if err != nil {
			t.Fatalf("%s: %v", debPath, err)
		}
		data, _ := io.ReadAll(tr)
		m[hdr.Name] = entry{hdr: hdr, data: data}
	}
}

// control returns one file of a package's control archive ("conffiles").
func control(t *testing.T, debPath, name string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("dpkg-deb", "--control", debPath, dir).CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb --control: %v: %s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// extractProgram unpacks /usr/bin/NAME of a package into a temporary
// directory and returns its path.
func extractProgram(t *testing.T, p deb.Package) string {
	t.Helper()
	e, ok := contents(t, p.Path)["./usr/bin/"+p.Name]
	if !ok {
		t.Fatalf("%s has no /usr/bin/%s", p.Path, p.Name)
	}
	path := filepath.Join(t.TempDir(), p.Name)
	if err := os.WriteFile(path, e.data, 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// repoRoot is the root of the repository the tests run in.
func repoRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Fatalf("git rev-parse: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// needTools fails (or skips, outside CI) a test whose programs are missing.
func needTools(t *testing.T, programs ...string) {
	t.Helper()
	for _, p := range programs {
		if _, err := exec.LookPath(p); err != nil {
			systest.Unavailable(t, "%s is not installed", p)
		}
	}
}
