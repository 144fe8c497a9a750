package deb

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Arch is a Debian architecture and the Go target that builds for it.
type Arch struct {
	Debian string // amd64, arm64, armhf
	GOARCH string
	GOARM  string // armhf: ARMv7 with hardware floating point
}

// Arches are the architectures the packages are built for: x86 servers and
// kiosks, 64-bit ARM boards, and 32-bit ARMv7 cameras (Debian's armhf is
// ARMv7 with VFPv3-D16, what GOARM=7 targets).
var Arches = []Arch{
	{Debian: "amd64", GOARCH: "amd64"},
	{Debian: "arm64", GOARCH: "arm64"},
	{Debian: "armhf", GOARCH: "arm", GOARM: "7"},
}

// ArchByName returns the Arch of a Debian architecture name.
func ArchByName(name string) (Arch, error) {
	for _, a := range Arches {
		if a.Debian == name {
			return a, nil
		}
	}
	return Arch{}, fmt.Errorf("unknown architecture %q (want amd64, arm64 or armhf)", name)
}

// Env returns the Go environment that targets a (static: no cgo).
func (a Arch) Env() []string {
	return []string{"CGO_ENABLED=0", "GOOS=linux", "GOARCH=" + a.GOARCH, "GOARM=" + a.GOARM}
}

// stamp is what the linker writes into the programs' `version` output.
type stamp struct {
	version, commit string
	date            time.Time
}

// ldflags strips the symbol table and DWARF (-s -w) and sets the version,
// as the Makefile's build target does.
func (s stamp) ldflags() string {
	return fmt.Sprintf("-s -w -X main.version=%s -X main.commit=%s -X main.date=%s",
		s.version, s.commit, s.date.UTC().Format(time.RFC3339))
}

// goBuild cross-compiles the commands (./cmd/NAME) of the module at root
// for a into dir, one binary per command. -trimpath and -buildvcs=false
// keep the build directory and the work tree's state out of the bytes.
func goBuild(ctx context.Context, root, dir string, a Arch, s stamp, cmds []string) error {
	args := []string{"build", "-trimpath", "-buildvcs=false", "-ldflags=" + s.ldflags(), "-o", dir + string(filepath.Separator)}
	for _, c := range cmds {
		args = append(args, "./cmd/"+c)
	}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), a.Env()...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build for %s: %w\n%s", a.Debian, err, strings.TrimSpace(string(out)))
	}
	return nil
}
