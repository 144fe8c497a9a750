package systest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Network says how a container reaches the network.
type Network int

const (
	// HostNetwork shares the host's network namespace (the default): a
	// channel server or broker on the host's loopback is reachable as
	// 127.0.0.1, and netlink shows the host's links.
	HostNetwork Network = iota
	// PrivateNetwork gives the container a network namespace with only a
	// loopback device (--private-network).
	PrivateNetwork
	// VethNetwork adds a veth pair (--network-veth): host0 inside,
	// Container.HostVeth on the host, both without addresses.
	VethNetwork
)

// Options tune Boot. The zero value is a container on the host's network.
type Options struct {
	Network Network
	// ExtraArgs are more systemd-nspawn arguments, e.g. "--bind-ro=SRC:DST".
	ExtraArgs []string
	// BootTimeout bounds the wait for the container's systemd to finish
	// starting up; 0 means DefaultBootTimeout.
	BootTimeout time.Duration
}

// DefaultBootTimeout bounds a boot: it takes about 1 s here; a loaded CI
// runner may take many times that.
const DefaultBootTimeout = 90 * time.Second

// shutdownTimeout bounds the orderly poweroff (about 2 s here) before the
// container is killed.
const shutdownTimeout = 30 * time.Second

// Container is a booted Debian under systemd-nspawn.
type Container struct {
	// Machine is the container's name and host name.
	Machine string
	// Root is the container's root directory on the host.
	Root string
	// PID is the host's PID of the container's init (PID 1 inside).
	PID int

	t       testing.TB
	cmd     *exec.Cmd
	exited  chan struct{}
	waitErr error
	console string
	cgroups []string
}

// Boot boots root (from Debian) with systemd-nspawn --boot and waits until
// the container's systemd has finished starting up. The test's cleanup
// powers it off (and kills it if that takes longer than 30 s).
func Boot(t testing.TB, root string, opts Options) *Container {
	t.Helper()
	RequireTools(t, "systemd-nspawn", "nsenter")
	c := &Container{t: t, Root: root, Machine: machineName(), exited: make(chan struct{})}
	c.console = filepath.Join(t.TempDir(), "console.log")
	if err := c.start(opts); err != nil {
		t.Fatalf("boot: %v", err)
	}
	t.Cleanup(c.shutdown)
	timeout := opts.BootTimeout
	if timeout == 0 {
		timeout = DefaultBootTimeout
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := c.findInit(ctx); err != nil {
		c.refused(err)
	}
	if err := c.waitRunning(ctx); err != nil {
		t.Fatalf("boot %s: %v\nconsole:\n%s", c.Machine, err, tailFile(c.console, 30))
	}
	return c
}

// machineName returns a short unique name ("st" and 8 hex digits), so that
// "ve-" and the name fit the 15 bytes of an interface name (HostVeth).
func machineName() string {
	b := make([]byte, 4)
	rand.Read(b)
	return "st" + hex.EncodeToString(b)
}

// HostVeth is the host side of the veth pair of VethNetwork.
func (c *Container) HostVeth() string { return "ve-" + c.Machine }

// nspawnArgs is the systemd-nspawn command line for opts.
func (c *Container) nspawnArgs(opts Options) []string {
	args := []string{"systemd-nspawn", "--boot", "--register=no", "--keep-unit",
		"--quiet", "--console=read-only", "--machine=" + c.Machine, "-D", c.Root}
	switch opts.Network {
	case PrivateNetwork:
		args = append(args, "--private-network")
	case VethNetwork:
		args = append(args, "--network-veth")
	}
	return append(args, opts.ExtraArgs...)
}

// start starts systemd-nspawn in a cgroup of its own: on a systemd host a
// delegated scope (systemd-run --scope), elsewhere cgroups made here.
func (c *Container) start(opts Options) error {
	args := c.nspawnArgs(opts)
	if hostSystemd() {
		args = append([]string{"systemd-run", "--scope", "--quiet", "--collect",
			"--property=Delegate=yes", "--unit=edge-systest-" + c.Machine}, args...)
	} else {
		dirs, err := makeCgroups("edge-systest-" + c.Machine)
		c.cgroups = dirs
		if err != nil {
			c.removeCgroups()
			return err
		}
		// The shell joins the cgroups, then becomes nspawn (same PID).
		script := `for d in $EDGE_SYSTEST_CGROUPS; do echo $$ > "$d/cgroup.procs" || exit 1; done; exec "$@"`
		args = append([]string{"/bin/sh", "-c", script, "sh"}, args...)
	}
	return c.exec(args)
}

// exec starts the command with its output going to the console log.
func (c *Container) exec(args []string) error {
	logf, err := os.Create(c.console)
	if err != nil {
		return fmt.Errorf("console log: %w", err)
	}
	c.cmd = exec.Command(args[0], args[1:]...)
	c.cmd.Env = append(os.Environ(), "EDGE_SYSTEST_CGROUPS="+strings.Join(c.cgroups, " "))
	c.cmd.Stdout, c.cmd.Stderr = logf, logf
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := c.cmd.Start(); err != nil {
		logf.Close()
		c.removeCgroups()
		return fmt.Errorf("start systemd-nspawn: %w", err)
	}
	go func() {
		c.waitErr = c.cmd.Wait()
		logf.Close()
		close(c.exited)
	}()
	return nil
}

// findInit waits for nspawn's child in a new PID namespace: the
// container's systemd.
func (c *Container) findInit(ctx context.Context) error {
	nspawn := c.cmd.Process.Pid
	own := pidNamespace(os.Getpid())
	return Poll(ctx, "the container's init", func() (bool, error) {
		select {
		case <-c.exited:
			return true, fmt.Errorf("systemd-nspawn exited: %v", c.waitErr)
		default:
		}
		for _, pid := range children(nspawn) {
			if ns := pidNamespace(pid); ns != "" && ns != own {
				c.PID = pid
				return true, nil
			}
		}
		return false, nil
	})
}

// refused ends a test whose container did not start: the kernel or the
// host refused (no namespaces, no cgroups, ...). Like a missing tool, this
// skips unless system tests are required.
func (c *Container) refused(err error) {
	c.t.Helper()
	Unavailable(c.t, "systemd-nspawn could not start a container: %v\n%s", err, tailFile(c.console, 20))
}

// waitRunning waits until the container's systemd has finished starting
// up. "degraded" (a unit failed) is accepted and the failed units are
// logged: the test decides whether they matter.
func (c *Container) waitRunning(ctx context.Context) error {
	var state string
	err := Poll(ctx, "systemctl is-system-running", func() (bool, error) {
		// --wait blocks until start-up is over; before the container's
		// systemd listens it fails at once, and the poll tries again.
		out, err := c.Run(ctx, "systemctl", "is-system-running", "--wait")
		state = strings.TrimSpace(out)
		switch state {
		case "running":
			return true, nil
		case "degraded":
			failed, _ := c.Run(ctx, "systemctl", "--failed", "--no-legend")
			c.t.Logf("container %s is degraded; failed units:\n%s", c.Machine, failed)
			return true, nil
		}
		return false, err
	})
	if err != nil {
		return fmt.Errorf("system state %q: %w", state, err)
	}
	return nil
}
