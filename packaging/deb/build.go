package deb

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Programs are the commands built, each into the package of the same name.
var Programs = []string{"edge-agent", "edge-channeld"}

// Options say what Build builds. The zero value builds every architecture
// from the work tree the current directory is in, into "dist".
type Options struct {
	Root     string   // the repository; "": the one holding the current directory
	Out      string   // directory for the .deb files; "": Root/dist
	Arches   []Arch   // nil: Arches
	Revision int      // Debian revision; 0: 1
	Upstream string   // upstream version; "": derived from git (Source.Upstream)
	Epoch    int64    // SOURCE_DATE_EPOCH; 0: the commit's time
	NFPM     []string // the nfpm command; nil: NFPMCommand
	Log      io.Writer
}

// Package is one .deb written by Build.
type Package struct {
	Name, Version, Arch string
	Path                string // the .deb
	Size                int64  // bytes of the .deb
	Binary              int64  // bytes of the program in it
}

// ArchResult is what one architecture's build wrote, and what it cost.
type ArchResult struct {
	Arch     Arch
	Compile  time.Duration // go build of both programs
	Pack     time.Duration // generated files and nfpm, both packages
	Packages []Package
}

// Result is what Build did.
type Result struct {
	Version  string // the Debian version of every package
	Upstream string // its upstream part, as the programs' `version` prints it
	Source   Source
	Epoch    int64
	Arches   []ArchResult
}

// Package returns the package of program name for the Debian architecture
// arch.
func (r Result) Package(name, arch string) (Package, bool) {
	for _, a := range r.Arches {
		for _, p := range a.Packages {
			if p.Name == name && p.Arch == arch {
				return p, true
			}
		}
	}
	return Package{}, false
}

// builder holds what every architecture's build shares.
type builder struct {
	Options
	src               Source
	version, upstream string
	goroot, modCache  string
}

// Build builds the packages of every program for every architecture of o.
func Build(ctx context.Context, o Options) (Result, error) {
	b, err := newBuilder(ctx, o)
	if err != nil {
		return Result{}, err
	}
	res := Result{Version: b.version, Upstream: b.upstream, Source: b.src, Epoch: b.Epoch}
	fmt.Fprintf(b.Log, "building %s (commit %s, SOURCE_DATE_EPOCH=%d) into %s\n", b.version, b.src.ShortCommit(12), b.Epoch, b.Out)
	start := time.Now()
	if err := prepareNFPM(ctx, b.NFPM, b.Root); err != nil {
		return res, err
	}
	fmt.Fprintf(b.Log, "nfpm %s ready in %v\n", NFPMVersion, time.Since(start).Round(time.Millisecond))
	for _, a := range b.Arches {
		r, err := b.buildArch(ctx, a)
		if err != nil {
			return res, err
		}
		res.Arches = append(res.Arches, r)
	}
	return res, nil
}

// newBuilder fills in o's defaults and reads the source and the toolchain.
func newBuilder(ctx context.Context, o Options) (*builder, error) {
	var err error
	if o.Root == "" {
		if o.Root, err = git(ctx, ".", "rev-parse", "--show-toplevel"); err != nil {
			return nil, err
		}
	}
	b := &builder{Options: o}
	b.Out = cmp.Or(b.Out, filepath.Join(b.Root, "dist"))
	if b.Out, err = filepath.Abs(b.Out); err != nil {
		return nil, fmt.Errorf("output directory: %w", err)
	}
	b.Arches = cmpOrSlice(b.Arches, Arches)
	b.NFPM = cmpOrSlice(b.NFPM, NFPMCommand)
	b.Revision = max(b.Revision, 1)
	if b.Log == nil {
		b.Log = io.Discard
	}
	if b.src, err = ReadSource(ctx, b.Root); err != nil {
		return nil, err
	}
	if b.upstream = o.Upstream; b.upstream == "" {
		if b.upstream, err = b.src.Upstream(); err != nil {
			return nil, err
		}
	} else if !upstreamRule.MatchString(b.upstream) {
		return nil, fmt.Errorf("version %q is not a Debian upstream version (digits first; letters, digits, . + ~)", b.upstream)
	}
	b.version = DebianVersion(b.upstream, b.Revision)
	if b.Epoch == 0 {
		b.Epoch = b.src.Time.Unix()
	}
	if b.goroot, b.modCache, err = goEnv(ctx); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(b.Out, 0o755); err != nil {
		return nil, fmt.Errorf("output directory: %w", err)
	}
	return b, nil
}

// buildArch compiles and packages both programs for a.
func (b *builder) buildArch(ctx context.Context, a Arch) (ArchResult, error) {
	r := ArchResult{Arch: a}
	stage, err := os.MkdirTemp("", "edge-deb-"+a.Debian+"-")
	if err != nil {
		return r, fmt.Errorf("stage directory: %w", err)
	}
	defer os.RemoveAll(stage)
	start := time.Now()
	st := stamp{version: b.upstream, commit: b.src.ShortCommit(12), date: time.Unix(b.Epoch, 0)}
	if err := goBuild(ctx, b.Root, stage, a, st, Programs); err != nil {
		return r, err
	}
	r.Compile = time.Since(start)
	start = time.Now()
	for _, prog := range Programs {
		p, err := b.pack(ctx, a, stage, prog)
		if err != nil {
			return r, err
		}
		r.Packages = append(r.Packages, p)
	}
	r.Pack = time.Since(start)
	fmt.Fprintf(b.Log, "%-6s compiled in %v, packaged in %v\n", a.Debian, r.Compile.Round(time.Millisecond), r.Pack.Round(time.Millisecond))
	return r, nil
}

// pack generates prog's files in stage and has nfpm write its package.
func (b *builder) pack(ctx context.Context, a Arch, stage, prog string) (Package, error) {
	p := Package{Name: prog, Version: b.version, Arch: a.Debian,
		Path: filepath.Join(b.Out, fmt.Sprintf("%s_%s_%s.deb", prog, b.version, a.Debian))}
	if err := b.generate(stage, prog); err != nil {
		return p, err
	}
	job := nfpmJob{config: "packaging/debian/" + prog + ".yaml", target: p.Path,
		version: b.version, arch: a.Debian, stage: stage, epoch: b.Epoch}
	if err := runNFPM(ctx, b.NFPM, b.Root, job); err != nil {
		return p, err
	}
	var err error
	if p.Size, err = fileSize(p.Path); err != nil {
		return p, err
	}
	p.Binary, err = fileSize(filepath.Join(stage, prog))
	return p, err
}

// generate writes what the package of prog takes from the build rather
// than from the repository: its copyright file (the licenses of what was
// linked in), its changelog and its compressed man page.
func (b *builder) generate(stage, prog string) error {
	parts, err := linkedComponents(filepath.Join(stage, prog), b.goroot, b.modCache)
	if err != nil {
		return err
	}
	cp := copyrightFile(prog, copyrightYear(b.src.Time), parts)
	if err := os.WriteFile(filepath.Join(stage, prog+".copyright"), []byte(cp), 0o644); err != nil {
		return fmt.Errorf("copyright: %w", err)
	}
	entry := changelogEntry{pkg: prog, version: b.version, src: b.src, revision: b.Revision, date: time.Unix(b.Epoch, 0)}
	if err := writeGzip(filepath.Join(stage, prog+".changelog.Debian.gz"), []byte(entry.String())); err != nil {
		return err
	}
	man, err := os.ReadFile(filepath.Join(b.Root, "packaging", "debian", prog+".1"))
	if err != nil {
		return fmt.Errorf("man page: %w", err)
	}
	return writeGzip(filepath.Join(stage, prog+".1.gz"), man)
}

// goEnv returns GOROOT and GOMODCACHE of the go command.
func goEnv(ctx context.Context) (goroot, modCache string, err error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOROOT", "GOMODCACHE").Output()
	if err != nil {
		return "", "", fmt.Errorf("go env: %w", err)
	}
	f := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(f) != 2 {
		return "", "", fmt.Errorf("go env: unexpected output %q", out)
	}
	return f[0], f[1], nil
}

func fileSize(path string) (int64, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, fmt.Errorf("size: %w", err)
	}
	return fi.Size(), nil
}

// cmpOrSlice returns s, or def when s is empty.
func cmpOrSlice[T any](s, def []T) []T {
	if len(s) == 0 {
		return def
	}
	return s
}
