// Package mqtttest runs Debian's mosquitto for tests: a broker of the test's
// own, on a free loopback port, with a config in the test's temporary
// directory — never the system service.
package mqtttest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// Mosquitto is a Debian mosquitto process started by a test, on its own
// port, with a config in t.TempDir(). It is never the system service.
type Mosquitto struct {
	t    testing.TB
	bin  string
	dir  string
	port int
	conf string
	cmd  *exec.Cmd
	done chan struct{}
}

// Need returns the mosquitto binary, or skips the test (fails it when
// EDGE_REQUIRE_SYSTEM_TESTS=1).
func Need(t testing.TB) string {
	t.Helper()
	bin, err := exec.LookPath("mosquitto")
	if err != nil {
		for _, p := range []string{"/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto"} {
			if _, e := os.Stat(p); e == nil {
				return p
			}
		}
		why := "mosquitto not installed (apt-get install -y mosquitto)"
		if os.Getenv("EDGE_REQUIRE_SYSTEM_TESTS") == "1" {
			t.Fatal(why)
		}
		t.Skip(why)
	}
	return bin
}

// Start starts a broker on a free loopback port; listener is the config of
// the listener (after "listener PORT 127.0.0.1"), e.g. TLS settings; empty
// means plain anonymous MQTT. It stops when the test ends.
func Start(t testing.TB, listener string) *Mosquitto {
	t.Helper()
	m := &Mosquitto{t: t, bin: Need(t), dir: t.TempDir()}
	for try := 0; try < 5; try++ {
		m.port = freePort(t)
		m.conf = m.config(listener)
		if m.start() {
			t.Cleanup(m.Stop)
			return m
		}
	}
	t.Fatal("mosquitto did not start in 5 tries; see its log above")
	return nil
}

func (m *Mosquitto) config(listener string) string {
	conf := fmt.Sprintf("listener %d 127.0.0.1\n%s\n", m.port, listener)
	if listener == "" {
		conf += "allow_anonymous true\n"
	}
	// Persistence keeps the test subscriber's session (and its queue)
	// across a broker restart, as a real console's persistent session
	// would; unlimited queues so that it misses nothing.
	conf += "persistence true\npersistence_location " + m.dir + "/\nmax_queued_messages 0\n"
	conf += "log_dest stderr\nlog_type error\n"
	if os.Geteuid() == 0 {
		conf += "user root\n" // else it drops to user mosquitto and cannot read t.TempDir()
	}
	return conf
}

// start runs mosquitto and waits until it accepts connections; false if
// it exited (e.g. the port was taken).
func (m *Mosquitto) start() bool {
	path := filepath.Join(m.dir, "mosquitto.conf")
	if err := os.WriteFile(path, []byte(m.conf), 0o600); err != nil {
		m.t.Fatal(err)
	}
	m.cmd = exec.Command(m.bin, "-c", path)
	m.cmd.Stderr = logWriter{m.t}
	if err := m.cmd.Start(); err != nil {
		m.t.Fatalf("start mosquitto: %v", err)
	}
	m.done = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) { _ = cmd.Wait(); close(done) }(m.cmd, m.done)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-m.done:
			return false
		default:
		}
		if c, err := net.DialTimeout("tcp", m.Addr(), 100*time.Millisecond); err == nil {
			_ = c.Close()
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	m.Stop()
	return false
}

// Restart starts the stopped broker again on the same port.
func (m *Mosquitto) Restart() {
	m.t.Helper()
	for try := 0; try < 50; try++ {
		if m.start() {
			return
		}
		time.Sleep(100 * time.Millisecond) // the port may linger briefly
	}
	m.t.Fatal("mosquitto did not restart")
}

// Stop terminates the broker (SIGTERM, then SIGKILL) and waits for it.
func (m *Mosquitto) Stop() {
	if m.cmd == nil || m.cmd.Process == nil {
		return
	}
	select {
	case <-m.done:
		return
	default:
	}
	_ = m.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-m.done:
	case <-time.After(5 * time.Second):
		_ = m.cmd.Process.Kill()
		<-m.done
	}
}

// Addr is the broker's host:port.
func (m *Mosquitto) Addr() string { return "127.0.0.1:" + strconv.Itoa(m.port) }

// URL is the broker's URL with the given scheme (tcp, ssl).
func (m *Mosquitto) URL(scheme string) string { return scheme + "://" + m.Addr() }

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// logWriter puts the broker's output into the test's log.
type logWriter struct{ t testing.TB }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Logf("mosquitto: %s", p)
	return len(p), nil
}
