package mqtt

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The helper process: the test binary re-executed with helperEnv set runs
// a Reporter and obeys lines on stdin, so tests can SIGKILL a real
// process. Commands: "event N" (onUserJoined n=N), "transition N"
// (onConnectionStateChanged), "burst A B" (events A..B), "state X",
// "sync", "connected" (waits for a connection), "stats", "close".
const (
	helperEnv    = "EDGE_MQTT_HELPER"
	helperURL    = "EDGE_MQTT_HELPER_URL"
	helperDir    = "EDGE_MQTT_HELPER_DIR"
	helperDevice = "EDGE_MQTT_HELPER_DEVICE"
)

func helperMain() int {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	r, err := Start(Options{
		Broker: Broker{URL: os.Getenv(helperURL)}, Device: os.Getenv(helperDevice),
		StateDir: os.Getenv(helperDir), Version: "test", Logger: log,
		Backoff: func(int) time.Duration { return 100 * time.Millisecond },
	})
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	fmt.Println("ready")
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		if helperLine(r, strings.Fields(in.Text())) {
			return 0
		}
	}
	return 0
}

// helperLine runs one command; true means exit.
func helperLine(r *Reporter, f []string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	num := func(i int) int { n, _ := strconv.Atoi(f[i]); return n }
	switch f[0] {
	case "event", "transition":
		_ = r.Event(time.Now(), testDoc(f[0], num(1)))
	case "burst":
		for i := num(1); i <= num(2); i++ {
			_ = r.Event(time.Now(), testDoc("event", i))
		}
	case "bigburst": // bigburst A B SIZE: events A..B, each padded to SIZE bytes
		pad := strings.Repeat("x", num(3))
		for i := num(1); i <= num(2); i++ {
			_ = r.Event(time.Now(), json.RawMessage(fmt.Sprintf(`{"event":"onUserJoined","remote_uid":%d,"pad":%q}`, i, pad)))
		}
	case "mem":
		b, _ := json.Marshal(readMem())
		fmt.Println("mem", string(b))
	case "state":
		_ = r.State(time.Now(), json.RawMessage(`{"state":"`+f[1]+`"}`))
	case "sync":
		fmt.Println("synced", r.Sync(ctx))
	case "connected":
		for !r.Stats().Connected && ctx.Err() == nil {
			time.Sleep(10 * time.Millisecond)
		}
		fmt.Println("connected", r.Stats().ConnSeq)
	case "stats":
		b, _ := json.Marshal(r.Stats())
		fmt.Println("stats", string(b))
	case "close":
		fmt.Println("closed", r.Close(ctx))
		return true
	}
	return false
}

// memFigures are a process's memory figures: the live Go heap after a GC,
// and the resident set now and at its peak, from /proc/self/status.
type memFigures struct {
	HeapLive uint64 `json:"heap_live"`
	RSS      uint64 `json:"rss"`
	HWM      uint64 `json:"hwm"`
}

func readMem() memFigures {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	f := memFigures{HeapLive: ms.HeapInuse}
	raw, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(raw), "\n") {
		fs := strings.Fields(l)
		if len(fs) >= 2 && (fs[0] == "VmRSS:" || fs[0] == "VmHWM:") {
			kb, _ := strconv.ParseUint(fs[1], 10, 64)
			if fs[0] == "VmRSS:" {
				f.RSS = kb << 10
			} else {
				f.HWM = kb << 10
			}
		}
	}
	return f
}

// testDoc is an event document for the tests: kind "event" is an ordinary
// event, "transition" a state transition.
func testDoc(kind string, n int) json.RawMessage {
	name := "onUserJoined"
	if kind == "transition" {
		name = "onConnectionStateChanged"
	}
	return json.RawMessage(fmt.Sprintf(`{"event":%q,"channel":"c","uid":1,"remote_uid":%d}`, name, n))
}

// helperProc is a running helper process.
type helperProc struct {
	t     *testing.T
	cmd   *exec.Cmd
	stdin io.WriteCloser
	lines chan string
	done  chan struct{}
}

func startHelper(t *testing.T, url, dir, device string) *helperProc {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"=1", helperURL+"="+url, helperDir+"="+dir, helperDevice+"="+device)
	cmd.Stderr = testWriter{t}
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatalf("start helper: %v", err)
	}
	h := &helperProc{t: t, cmd: cmd, stdin: stdin, lines: make(chan string, 100), done: make(chan struct{})}
	go h.read(stdout)
	t.Cleanup(h.kill)
	h.expect("ready", 10*time.Second)
	return h
}

// connected waits until the helper's reporter is connected and returns
// its line "connected CONN_SEQ".
func (h *helperProc) connected() string {
	h.t.Helper()
	h.send("connected")
	return h.expect("connected", 15*time.Second)
}

func (h *helperProc) read(r io.Reader) {
	defer close(h.done)
	defer close(h.lines)
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		h.lines <- sc.Text()
	}
	_ = h.cmd.Wait()
}

func (h *helperProc) send(line string) {
	h.t.Helper()
	if _, err := io.WriteString(h.stdin, line+"\n"); err != nil {
		h.t.Fatalf("helper %q: %v", line, err)
	}
}

// expect waits for a line starting with prefix and returns it.
func (h *helperProc) expect(prefix string, timeout time.Duration) string {
	h.t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case l, ok := <-h.lines:
			if !ok {
				h.t.Fatalf("helper exited while waiting for %q", prefix)
			}
			if strings.HasPrefix(l, prefix) {
				return l
			}
		case <-deadline:
			h.t.Fatalf("helper: no %q within %s", prefix, timeout)
		}
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (h *helperProc) kill() {
	_ = h.cmd.Process.Signal(syscall.SIGKILL)
	<-h.done
}
