package server

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// childServerEnv makes the test binary a bare channel server (see TestMain),
// so that a benchmark can measure the server's CPU apart from its clients'.
const childServerEnv = "EDGE_CHANNELD_BENCH_SERVER"

// runChildServer serves on loopback, prints its address, and stops when
// its stdin closes.
func runChildServer() int {
	srv, err := New(Options{Insecure: true, JoinRate: 1e6, JoinBurst: 1 << 20, MaxUsers: 1 << 20,
		ICE: ICEOptions{Loopback: true, Interfaces: []string{"lo"}}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: time.Second}
	go func() { _ = hs.Serve(ln) }()
	fmt.Println(ln.Addr())
	_, _ = io.Copy(io.Discard, os.Stdin)
	_ = hs.Close()
	_ = srv.Close()
	return 0
}

// startChildServer runs the test binary as a server and returns its
// signalling URL and a function that reads its CPU time so far.
func startChildServer(b *testing.B) (string, func() time.Duration) {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench=^$")
	cmd.Env = append(os.Environ(), childServerEnv+"=1")
	cmd.Stderr = os.Stderr
	stdin, err1 := cmd.StdinPipe()
	stdout, err2 := cmd.StdoutPipe()
	if err1 != nil || err2 != nil {
		b.Fatal(err1, err2)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = stdin.Close()
		_ = cmd.Wait()
	})
	addr, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatalf("child server: %v", err)
	}
	pid := cmd.Process.Pid
	return "ws://" + strings.TrimSpace(addr) + "/ws", func() time.Duration { return procCPU(b, pid) }
}

// procCPU reads utime+stime of pid from /proc (in USER_HZ = 100 ticks).
func procCPU(b *testing.B, pid int) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatal(err)
	}
	// Fields after the command name, which is in parentheses and may hold spaces.
	f := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+2:]))
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		b.Fatalf("parse /proc/%d/stat: %v %v", pid, err1, err2)
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond
}
