package debtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/edge-agent/edge-agent/packaging/deb"
)

// TestPackages_Reproducible builds every package twice, from two clones of
// the same commit at different paths, and compares the bytes. Clones
// rather than the work tree: others may be editing it meanwhile, and a
// commit is what "the same inputs" means.
func TestPackages_Reproducible(t *testing.T) {
	t.Parallel()
	root := repoRoot(t)
	head := gitOut(t, root, "rev-parse", "HEAD")
	a := buildClone(t, root, head, "a")
	b := buildClone(t, root, head, filepath.Join("b", "elsewhere"))
	var fig bytes.Buffer
	a.WriteFigures(&fig)
	t.Logf("%s, from commit %s:\n%s", a.Version, head[:12], fig.String())
	for _, arch := range a.Arches {
		for _, pa := range arch.Packages {
			pb, ok := b.Package(pa.Name, pa.Arch)
			if !ok {
				t.Errorf("second build has no %s for %s", pa.Name, pa.Arch)
				continue
			}
			ha, hb := sha256File(t, pa.Path), sha256File(t, pb.Path)
			if ha != hb || filepath.Base(pa.Path) != filepath.Base(pb.Path) {
				t.Errorf("%s differs: %s %s vs %s %s", pa.Name+"/"+pa.Arch, filepath.Base(pa.Path), ha, filepath.Base(pb.Path), hb)
				continue
			}
			t.Logf("%s  %s", ha, filepath.Base(pa.Path))
		}
	}
}

// buildClone clones the repository at root into a new directory under sub,
// checks out commit and builds every package there.
func buildClone(t *testing.T, root, commit, sub string) deb.Result {
	t.Helper()
	dir := filepath.Join(t.TempDir(), sub)
	gitOut(t, root, "clone", "--quiet", "--shared", "--no-checkout", root, dir)
	gitOut(t, dir, "checkout", "--quiet", "--detach", commit)
	var log bytes.Buffer
	start := time.Now()
	res, err := deb.Build(context.Background(), deb.Options{Root: dir, Out: filepath.Join(dir, "dist"), Log: &log})
	if err != nil {
		t.Fatalf("build in %s: %v\n%s", dir, err, log.String())
	}
	t.Logf("clone %s built in %v", sub, time.Since(start).Round(time.Second/10))
	return res
}

func gitOut(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func sha256File(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// TestPackages_Lintian runs lintian on every package: no error and no
// warning, and every override in use (an override that matches nothing
// hides nothing and should go).
func TestPackages_Lintian(t *testing.T) {
	t.Parallel()
	needTools(t, "lintian")
	res := packages(t)
	var debs []string
	for _, a := range res.Arches {
		for _, p := range a.Packages {
			debs = append(debs, p.Path)
		}
	}
	args := append([]string{"--fail-on", "error,warning", "--display-info", "--display-experimental",
		"--pedantic", "--tag-display-limit", "0"}, debs...)
	start := time.Now()
	out, err := exec.Command("lintian", args...).CombinedOutput()
	t.Logf("lintian on %d packages (%v):\n%s", len(debs), time.Since(start).Round(time.Second/10), out)
	if err != nil {
		t.Errorf("lintian: %v", err)
	}
	for _, l := range strings.Split(string(out), "\n") {
		if strings.Contains(l, "unused-override") || strings.Contains(l, "mismatched-override") {
			t.Errorf("lintian: %s", l)
		}
	}
}

// want is a file a package must hold, with its mode.
type want struct {
	path string
	mode int64
	from string // the repository file it must equal, if any
}

// TestPackages_Contents checks what the amd64 packages hold: paths, modes,
// owners, conffiles, time stamps, stripped programs, and the unit files as
// they are in the repository.
func TestPackages_Contents(t *testing.T) {
	t.Parallel()
	res := packages(t)
	root := repoRoot(t)
	tests := []struct {
		name      string
		files     []want
		conffiles string
	}{
		{"edge-agent", []want{
			{"./usr/bin/edge-agent", 0o755, ""},
			{"./lib/systemd/system/edge-agent.service", 0o644, "systemd/edge-agent.service"},
			{"./usr/lib/sysusers.d/edge-agent.conf", 0o644, "systemd/edge-agent.sysusers"},
			{"./etc/edge-agent/agent.toml", 0o644, "packaging/debian/agent.toml"},
			{"./usr/share/doc/edge-agent/copyright", 0o644, ""},
			{"./usr/share/doc/edge-agent/changelog.Debian.gz", 0o644, ""},
			{"./usr/share/doc/edge-agent/README.md", 0o644, "packaging/debian/edge-agent.README.md"},
			{"./usr/share/man/man1/edge-agent.1.gz", 0o644, ""},
			{"./usr/share/lintian/overrides/edge-agent", 0o644, "packaging/debian/edge-agent.lintian-overrides"},
		}, "/etc/edge-agent/agent.toml\n"},
		{"edge-channeld", []want{
			{"./usr/bin/edge-channeld", 0o755, ""},
			{"./lib/systemd/system/edge-channeld.service", 0o644, "systemd/edge-channeld.service"},
			{"./etc/edge-channeld/edge-channeld.env", 0o644, "systemd/edge-channeld.env"},
			{"./etc/edge-channeld/apps", 0o600, "packaging/debian/edge-channeld.apps"},
			{"./usr/share/doc/edge-channeld/copyright", 0o644, ""},
			{"./usr/share/doc/edge-channeld/changelog.Debian.gz", 0o644, ""},
			{"./usr/share/doc/edge-channeld/README.md", 0o644, "packaging/debian/edge-channeld.README.md"},
			{"./usr/share/man/man1/edge-channeld.1.gz", 0o644, ""},
			{"./usr/share/lintian/overrides/edge-channeld", 0o644, "packaging/debian/edge-channeld.lintian-overrides"},
		}, "/etc/edge-channeld/edge-channeld.env\n/etc/edge-channeld/apps\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := pkg(t, res, tt.name, "amd64")
			files := contents(t, p.Path)
			for _, w := range tt.files {
				checkEntry(t, root, files, w)
			}
			checkAll(t, files, res.Epoch)
			if got := sortedLines(control(t, p.Path, "conffiles")); got != sortedLines(tt.conffiles) {
				t.Errorf("conffiles:\n%s\nwant\n%s", got, tt.conffiles)
			}
			checkStripped(t, files["./usr/bin/"+tt.name].data)
		})
	}
}

// checkEntry checks one file of a package against w.
func checkEntry(t *testing.T, root string, files map[string]entry, w want) {
	t.Helper()
	e, ok := files[w.path]
	if !ok {
		t.Errorf("missing %s", w.path)
		return
	}
	if e.hdr.Mode&0o7777 != w.mode {
		t.Errorf("%s: mode %o, want %o", w.path, e.hdr.Mode&0o7777, w.mode)
	}
	if w.from == "" {
		return
	}
	src, err := os.ReadFile(filepath.Join(root, w.from))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(src, e.data) {
		t.Errorf("%s differs from %s", w.path, w.from)
	}
}

// checkAll checks what holds for every member: root's, and stamped with
// SOURCE_DATE_EPOCH.
func checkAll(t *testing.T, files map[string]entry, epoch int64) {
	t.Helper()
	for name, e := range files {
		if e.hdr.Uid != 0 || e.hdr.Gid != 0 || e.hdr.Uname != "root" || e.hdr.Gname != "root" {
			t.Errorf("%s: owner %s:%s (%d:%d), want root", name, e.hdr.Uname, e.hdr.Gname, e.hdr.Uid, e.hdr.Gid)
		}
		if e.hdr.ModTime.Unix() != epoch {
			t.Errorf("%s: time %v, want SOURCE_DATE_EPOCH %d", name, e.hdr.ModTime, epoch)
		}
	}
}

// checkStripped checks that a program has no symbol table and no DWARF.
func checkStripped(t *testing.T, program []byte) {
	t.Helper()
	f, err := elf.NewFile(bytes.NewReader(program))
	if err != nil {
		t.Fatalf("program: %v", err)
	}
	for _, s := range []string{".symtab", ".debug_info"} {
		if f.Section(s) != nil {
			t.Errorf("program has a %s section: not stripped", s)
		}
	}
}

func sortedLines(s string) string {
	lines := strings.Fields(s)
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}
