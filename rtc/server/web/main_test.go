package web

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"go.uber.org/goleak"
)

// agentBinary is the edge-agent that publishes into the tests' channels:
// the real daemon, built once by TestMain.
var agentBinary string

// TestMain builds edge-agent, runs the tests and checks that they leaked
// no goroutines.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "edge-web-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	agentBinary = filepath.Join(dir, "edge-agent")
	build := exec.Command("go", "build", "-o", agentBinary, "../../../cmd/edge-agent")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build edge-agent: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	goleak.VerifyTestMain(m, goleak.Cleanup(func(code int) {
		os.RemoveAll(dir)
		os.Exit(code)
	}))
}
