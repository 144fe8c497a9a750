package deb

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// NFPMVersion is the nfpm release that builds the packages. Newer releases
// were not available from the module proxy when this was chosen.
const NFPMVersion = "v2.45.2"

// NFPMCommand runs nfpm; `go run` builds it once and caches the binary in
// the Go build cache (Go 1.24 and later).
var NFPMCommand = []string{"go", "run", "github.com/goreleaser/nfpm/v2/cmd/nfpm@" + NFPMVersion}

// nfpmJob is one package for nfpm to write.
type nfpmJob struct {
	config  string // nfpm configuration, relative to the repository root
	target  string // the .deb to write
	version string // Debian version
	arch    string // Debian architecture
	stage   string // directory of the generated files (EDGE_STAGE)
	epoch   int64  // SOURCE_DATE_EPOCH
}

// env is the environment nfpm expands the configuration with.
func (j nfpmJob) env() []string {
	return append(hostEnv(),
		"EDGE_VERSION="+j.version, "EDGE_ARCH="+j.arch, "EDGE_STAGE="+j.stage,
		"SOURCE_DATE_EPOCH="+strconv.FormatInt(j.epoch, 10))
}

// hostEnv is this process's environment with GOOS, GOARCH, GOARM and
// CGO_ENABLED cleared, so that `go run` builds nfpm for this machine even
// when the caller targets another.
func hostEnv() []string {
	return append(os.Environ(), "GOOS=", "GOARCH=", "GOARM=", "CGO_ENABLED=")
}

// runNFPM writes one package with the nfpm command cmdline, run at root.
func runNFPM(ctx context.Context, cmdline []string, root string, j nfpmJob) error {
	args := append(cmdline[1:len(cmdline):len(cmdline)],
		"package", "--config", j.config, "--packager", "deb", "--target", j.target)
	cmd := exec.CommandContext(ctx, cmdline[0], args...)
	cmd.Dir = root
	cmd.Env = j.env()
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("nfpm %s for %s: %w\n%s", j.config, j.arch, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// prepareNFPM runs `nfpm --version` once, so that fetching and building
// nfpm (the first time on a machine) is not counted as packaging time.
func prepareNFPM(ctx context.Context, cmdline []string, root string) error {
	args := append(cmdline[1:len(cmdline):len(cmdline)], "--version")
	cmd := exec.CommandContext(ctx, cmdline[0], args...)
	cmd.Dir = root
	cmd.Env = hostEnv()
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("nfpm --version: %w\n%s", err, strings.TrimSpace(string(out)))
	}
	return nil
}
