// Package netlab builds small networks for system tests: network namespaces
// joined to the host by veth pairs, with the means to break them the way real
// networks break — a cable pulled (carrier lost), a link set down, an address
// or route removed, or a path that silently drops everything (nftables drop
// rules on arrival, with no link event and no error for any sender).
//
// It needs root, iproute2 and nftables. Require skips a test when they are
// missing, or fails it when EDGE_REQUIRE_SYSTEM_TESTS=1.
package netlab

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
)

// Require skips tb when the lab cannot run here, or fails it when
// EDGE_REQUIRE_SYSTEM_TESTS=1 says it must.
func Require(tb testing.TB) {
	tb.Helper()
	why := ""
	switch {
	case os.Geteuid() != 0:
		why = "needs root (network namespaces)"
	case !onPath("ip"):
		why = "needs ip (Debian package iproute2)"
	case !onPath("nft"):
		why = "needs nft (Debian package nftables)"
	}
	if why == "" {
		return
	}
	if os.Getenv("EDGE_REQUIRE_SYSTEM_TESTS") == "1" {
		tb.Fatalf("system test cannot run: %s (EDGE_REQUIRE_SYSTEM_TESTS=1)", why)
	}
	tb.Skipf("system test skipped: %s", why)
}

func onPath(name string) bool {
	_, err := exec.LookPath(name)
	return err == nil
}

// run runs a command and fails tb with its output if it fails.
func run(tb testing.TB, name string, args ...string) {
	tb.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		tb.Fatalf("%s %s: %v: %s", name, strings.Join(args, " "), err, out)
	}
}

// nftRun feeds nft a script.
func nftRun(tb testing.TB, ns, script string) {
	tb.Helper()
	args := []string{"-f", "-"}
	name := "nft"
	if ns != "" {
		name, args = "ip", append([]string{"netns", "exec", ns, "nft"}, args...)
	}
	cmd := exec.Command(name, args...)
	cmd.Stdin = strings.NewReader(script)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		tb.Fatalf("nft in %q: %v: %s\nscript:\n%s", ns, err, out.String(), script)
	}
}

var nsSeq atomic.Int64

// NS is a named network namespace, deleted when the test ends.
type NS struct {
	Name string
}

// NewNS creates a namespace with loopback up.
func NewNS(tb testing.TB, role string) *NS {
	tb.Helper()
	name := fmt.Sprintf("lab%d-%d-%s", os.Getpid(), nsSeq.Add(1), role)
	run(tb, "ip", "netns", "add", name)
	tb.Cleanup(func() { exec.Command("ip", "netns", "del", name).Run() })
	run(tb, "ip", "-n", name, "link", "set", "lo", "up")
	return &NS{Name: name}
}

// Command returns a command that runs inside the namespace.
func (n *NS) Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	return exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", n.Name, name}, args...)...)
}
