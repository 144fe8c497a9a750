package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// startLimit bounds every wait for something to start: a build excepted,
// each takes well under a second on loopback.
const startLimit = 10 * time.Second

// lab is what every benchmark runs against: the binaries and a running
// channel server on loopback.
type lab struct {
	opts       options
	dir        string
	made       bool // dir was made here: removed by close unless -keep
	agentBin   string
	pubOnlyBin string // built for -publisher pubonly only
	port       int
	server     *exec.Cmd
	stderr     io.Writer
	agents     int // agents started so far, to name their logs
}

// newLab builds what is missing and starts the server.
func newLab(ctx context.Context, o options, stderr io.Writer) (*lab, error) {
	l := &lab{opts: o, dir: o.workDir, stderr: stderr}
	if l.dir == "" {
		dir, err := os.MkdirTemp("", "agentbench-")
		if err != nil {
			return nil, fmt.Errorf("work directory: %w", err)
		}
		l.dir, l.made = dir, true
	}
	channeld, err := l.binaries(ctx)
	if err == nil {
		err = l.startServer(ctx, channeld)
	}
	if err != nil {
		l.close()
		return nil, err
	}
	return l, nil
}

// binaries builds edge-agent and edge-channeld unless given; it returns
// the server's path.
func (l *lab) binaries(ctx context.Context) (string, error) {
	l.agentBin = l.opts.agentBin
	channeld := l.opts.channeldBin
	if l.agentBin != "" && channeld != "" && l.opts.publisher != "pubonly" {
		return channeld, nil
	}
	root, err := moduleRoot(ctx)
	if err != nil {
		return "", err
	}
	if l.agentBin == "" {
		l.agentBin = filepath.Join(l.dir, "edge-agent")
		if err := goBuild(ctx, root, l.agentBin, "./cmd/edge-agent"); err != nil {
			return "", err
		}
	}
	if channeld == "" {
		channeld = filepath.Join(l.dir, "edge-channeld")
		if err := goBuild(ctx, root, channeld, "./cmd/edge-channeld"); err != nil {
			return "", err
		}
	}
	if l.opts.publisher == "pubonly" {
		l.pubOnlyBin = filepath.Join(l.dir, "pubonly")
		if err := goBuild(ctx, root, l.pubOnlyBin, "./bench/pubonly"); err != nil {
			return "", err
		}
	}
	return channeld, nil
}

// moduleRoot returns the directory of the go.mod that the current
// directory belongs to.
func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("not inside the edge-agent module: run from its root, or pass -agent and -channeld")
	}
	return filepath.Dir(mod), nil
}

func goBuild(ctx context.Context, root, out, pkg string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, pkg)
	cmd.Dir = root
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %w\n%s", pkg, err, msg)
	}
	return nil
}

// startServer runs edge-channeld on a free loopback port, its log in the
// work directory, and waits for /healthz. The join rate limit (5 a second
// per IP) is lifted: every join of a benchmark comes from 127.0.0.1. By
// default the server gathers ICE candidates on lo only (-server-interfaces):
// on a host with many interfaces (test namespaces' veths) the agent checks
// a pair per server address and interface, which slows every join.
func (l *lab) startServer(ctx context.Context, bin string) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	logf, err := os.Create(filepath.Join(l.dir, "edge-channeld.log"))
	if err != nil {
		return fmt.Errorf("server log: %w", err)
	}
	defer logf.Close()
	args := []string{"serve", "--insecure", "--loopback", "--listen", fmt.Sprintf("127.0.0.1:%d", port),
		"--join-rate", "1000", "--join-burst", "1000"}
	if l.opts.serverIfs != "" {
		args = append(args, "--interfaces", l.opts.serverIfs)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start edge-channeld: %w", err)
	}
	l.server, l.port = cmd, port
	return waitHealthy(ctx, fmt.Sprintf("http://127.0.0.1:%d/healthz", port))
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// waitHealthy polls url until it answers 200, for at most startLimit.
func waitHealthy(ctx context.Context, url string) error {
	deadline := time.Now().Add(startLimit)
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return fmt.Errorf("healthz: %w", err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("edge-channeld not healthy within %v: %v", startLimit, err)
		}
		time.Sleep(10 * time.Millisecond) // polling interval
	}
}

// url is the server's signalling URL.
func (l *lab) url() string { return fmt.Sprintf("ws://127.0.0.1:%d/ws", l.port) }

// serverPID is the server's process id, for its CPU time.
func (l *lab) serverPID() int { return l.server.Process.Pid }

// tempDir makes a new directory in the work directory.
func (l *lab) tempDir(prefix string) (string, error) {
	d, err := os.MkdirTemp(l.dir, prefix)
	if err != nil {
		return "", fmt.Errorf("directory: %w", err)
	}
	return d, nil
}

// close stops the server and removes a work directory made here.
func (l *lab) close() {
	if l.server != nil {
		_ = l.server.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() {
			_ = l.server.Wait()
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(startLimit):
			_ = l.server.Process.Kill()
			<-done
		}
	}
	if l.made && !l.opts.keep {
		_ = os.RemoveAll(l.dir)
	} else {
		fmt.Fprintln(l.stderr, "agentbench: logs and state in", l.dir)
	}
}

// printMachine prints what the figures were measured on.
func printMachine(w io.Writer) {
	fmt.Fprintf(w, "machine: %d CPUs (%s), %s, %s/%s\n", runtime.NumCPU(), cpuModel(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

// loadAverage returns the 1, 5 and 15 minute load averages.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// ms formats d in milliseconds with one decimal.
func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + " ms"
}

// interfacesUp counts the network interfaces that are up: the agent
// gathers ICE candidates on each.
func interfacesUp() int {
	ifs, err := net.Interfaces()
	if err != nil {
		return 0
	}
	n := 0
	for _, i := range ifs {
		if i.Flags&net.FlagUp != 0 {
			n++
		}
	}
	return n
}
