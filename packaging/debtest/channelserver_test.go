package debtest

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/edge-agent/edge-agent/packaging/systest"
)

// channelServer is edge-channeld, from the amd64 package, running on the
// host: a container on the host's network reaches it as 127.0.0.1.
type channelServer struct {
	port int
	cmd  *exec.Cmd
	mu   sync.Mutex
	log  bytes.Buffer
}

// startChannelServer runs bin as an insecure server (any token) on a free
// loopback port and waits until it answers /healthz.
func startChannelServer(t *testing.T, bin string) *channelServer {
	t.Helper()
	s := &channelServer{port: freePort(t)}
	s.cmd = exec.Command(bin, "serve", "--insecure", "--loopback", "--log-level", "info",
		"--listen", fmt.Sprintf("127.0.0.1:%d", s.port))
	s.cmd.Stdout, s.cmd.Stderr = s, s
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start edge-channeld: %v", err)
	}
	t.Cleanup(func() {
		s.cmd.Process.Signal(syscall.SIGTERM)
		s.cmd.Wait()
		if t.Failed() {
			t.Logf("edge-channeld's log:\n%s", s.output())
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err := systest.Poll(ctx, "edge-channeld /healthz", func() (bool, error) {
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/healthz", s.port))
		if err != nil {
			return false, err
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK, nil
	})
	if err != nil {
		t.Fatalf("%v\n%s", err, s.output())
	}
	return s
}

// Write collects the server's log (stdout and stderr).
func (s *channelServer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.Write(p)
}

func (s *channelServer) output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.String()
}

// ws is the signalling URL.
func (s *channelServer) ws() string { return fmt.Sprintf("ws://127.0.0.1:%d/ws", s.port) }

// freePort returns a TCP port nothing listens on at the moment.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
