package systest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// containerEnv is the environment of commands run inside: the container's
// own PATH, no pager, no colours, nothing of the test's environment.
var containerEnv = []string{
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	"LANG=C.UTF-8", "TERM=dumb", "SYSTEMD_PAGER=", "SYSTEMD_COLORS=0", "HOME=/root",
}

// Run runs a command inside the container (nsenter into its mount, UTS,
// IPC, network and PID namespaces) and returns its standard output. A
// non-zero exit is an error that carries the status and standard error.
func (c *Container) Run(ctx context.Context, args ...string) (string, error) {
	return c.run(ctx, nil, args...)
}

// run is Run with standard input.
func (c *Container) run(ctx context.Context, stdin io.Reader, args ...string) (string, error) {
	ns := []string{"-t", strconv.Itoa(c.PID), "-m", "-u", "-i", "-n", "-p", "--"}
	cmd := exec.CommandContext(ctx, "nsenter", append(ns, args...)...)
	cmd.Env = containerEnv
	cmd.Stdin = stdin
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("%s in %s: %w: %s", strings.Join(args, " "), c.Machine, err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// copyTimeout bounds writing one file into the container.
const copyTimeout = time.Minute

// CopyIn copies a host file to path inside the container with mode,
// creating parent directories. The file is replaced by rename, so a
// running binary can be replaced too (no ETXTBSY). The path is resolved
// inside the container, so its symbolic links (/lib → usr/lib) count.
func (c *Container) CopyIn(hostPath, path string, mode os.FileMode) error {
	f, err := os.Open(hostPath)
	if err != nil {
		return fmt.Errorf("copy in: %w", err)
	}
	defer f.Close()
	return c.install(f, path, mode)
}

// WriteFile writes data to path inside the container, like CopyIn.
func (c *Container) WriteFile(path string, data []byte, mode os.FileMode) error {
	return c.install(bytes.NewReader(data), path, mode)
}

// install writes r to path inside the container: to a temporary name
// first, then renamed into place.
func (c *Container) install(r io.Reader, path string, mode os.FileMode) error {
	ctx, cancel := context.WithTimeout(context.Background(), copyTimeout)
	defer cancel()
	const script = `set -e; mkdir -p "$(dirname "$1")"; cat > "$1.systest-tmp"; chmod "$2" "$1.systest-tmp"; mv -f "$1.systest-tmp" "$1"`
	_, err := c.run(ctx, r, "/bin/sh", "-c", script, "sh", path, fmt.Sprintf("%o", mode.Perm()))
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// journalTimeout bounds one journal query.
const journalTimeout = 30 * time.Second

// Journal returns the journal of one unit since boot, with microsecond
// timestamps.
func (c *Container) Journal(unit string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), journalTimeout)
	defer cancel()
	return c.Run(ctx, "journalctl", "--no-pager", "-o", "short-precise", "-u", unit)
}

// Show returns properties of a unit as systemctl show prints them.
func (c *Container) Show(ctx context.Context, unit string, props ...string) (map[string]string, error) {
	args := []string{"systemctl", "show", unit}
	for _, p := range props {
		args = append(args, "-p", p)
	}
	out, err := c.Run(ctx, args...)
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(props))
	for _, line := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			m[k] = v
		}
	}
	return m, nil
}

// HostPID translates a PID inside the container (as systemctl's MainPID)
// into the host's PID, for signals sent from the test without a command
// inside in between.
func (c *Container) HostPID(pid int) (int, error) {
	ns := pidNamespace(c.PID)
	dirs, _ := os.ReadDir("/proc")
	for _, d := range dirs {
		host, err := strconv.Atoi(d.Name())
		if err != nil || pidNamespace(host) != ns {
			continue
		}
		if ids := nsPIDs(host); len(ids) > 0 && ids[len(ids)-1] == pid {
			return host, nil
		}
	}
	return 0, fmt.Errorf("no process %d in container %s", pid, c.Machine)
}

// shutdown powers the container off: SIGTERM makes nspawn ask the
// container's systemd for an orderly poweroff; past shutdownTimeout the
// container's init and nspawn are killed.
func (c *Container) shutdown() {
	if c.t.Failed() {
		c.t.Logf("console of %s (last lines):\n%s", c.Machine, tailFile(c.console, 40))
	}
	c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.exited:
	case <-time.After(shutdownTimeout):
		c.t.Errorf("container %s did not power off within %v: killing it", c.Machine, shutdownTimeout)
		if c.PID > 0 {
			syscall.Kill(c.PID, syscall.SIGKILL)
		}
		syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
		<-c.exited
	}
	c.removeCgroups()
}

// removeCgroups removes the cgroups start made, if any.
func (c *Container) removeCgroups() {
	for _, d := range c.cgroups {
		if err := removeCgroup(d); err != nil {
			c.t.Errorf("%v", err)
		}
	}
}
