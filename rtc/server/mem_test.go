package server

import (
	"io"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/edge-agent/edge-agent/rtc/signal"
)

// memTransport is one end of an in-memory signalling connection: channels
// instead of a socket, so that the server's real connection code runs in a
// synctest bubble. Closing either end closes both, like a TCP reset.
type memTransport struct {
	in   chan []byte
	peer *memTransport
	done chan struct{}
	once *sync.Once
}

func memPipe() (server, client *memTransport) {
	done, once := make(chan struct{}), &sync.Once{}
	server = &memTransport{in: make(chan []byte, 4096), done: done, once: once}
	client = &memTransport{in: make(chan []byte, 4096), done: done, once: once}
	server.peer, client.peer = client, server
	return server, client
}

func (t *memTransport) Read() ([]byte, error) {
	select {
	case m := <-t.in:
		if len(m) > signal.MaxMessageSize {
			return nil, errOversized
		}
		return m, nil
	case <-t.done:
		return nil, io.EOF
	}
}

func (t *memTransport) Write(msg []byte) error {
	select {
	case <-t.done:
		return io.ErrClosedPipe
	case t.peer.in <- msg:
		return nil
	}
}

func (t *memTransport) Close() error {
	t.once.Do(func() { close(t.done) })
	return nil
}

func (t *memTransport) closed() bool {
	select {
	case <-t.done:
		return true
	default:
		return false
	}
}

// memClient is a scripted client on a memTransport, for synctest tests.
type memClient struct {
	t      *testing.T
	tr     *memTransport
	hello  *signal.Hello
	joined *signal.Joined
	join   signal.Join

	mu       sync.Mutex
	lastSent time.Time
	stopBeat chan struct{}
	beatDone chan struct{}
	beats    []time.Time // arrival times of server heartbeats
}

// dialMem opens an in-memory connection to srv and reads its hello.
func dialMem(t *testing.T, srv *Server) *memClient {
	t.Helper()
	sv, cl := memPipe()
	go newConn(srv, sv, "192.0.2.1").serve()
	c := &memClient{t: t, tr: cl}
	t.Cleanup(func() { c.kill() })
	synctest.Wait()
	h, ok := c.next().(*signal.Hello)
	if !ok {
		t.Fatalf("first message is not hello")
	}
	c.hello = h
	return c
}

func (c *memClient) sendRaw(msg []byte) {
	c.mu.Lock()
	c.lastSent = time.Now()
	c.mu.Unlock()
	if err := c.tr.Write(msg); err != nil {
		c.t.Fatalf("send: %v", err)
	}
}

func (c *memClient) send(b signal.Body) { c.sendRaw(signal.MustEncode(b)) }

// next returns the next message that is not a heartbeat, waiting for the
// bubble to settle first; it fails the test if there is none.
func (c *memClient) next() signal.Body {
	c.t.Helper()
	if b := c.poll(); b != nil {
		return b
	}
	c.t.Fatalf("no message")
	return nil
}

// poll returns the next non-heartbeat message once the bubble settled, or nil.
func (c *memClient) poll() signal.Body {
	c.t.Helper()
	synctest.Wait()
	for {
		select {
		case m := <-c.tr.in:
			b, err := signal.Decode(m)
			if err != nil {
				c.t.Fatalf("server sent %s: %v", m, err)
			}
			if _, hb := b.(*signal.Heartbeat); hb {
				c.mu.Lock()
				c.beats = append(c.beats, time.Now())
				c.mu.Unlock()
				continue
			}
			return b
		default:
			return nil
		}
	}
}

// none fails the test if a non-heartbeat message is waiting.
func (c *memClient) none(what string) {
	c.t.Helper()
	if b := c.poll(); b != nil {
		c.t.Fatalf("%s: unexpected %s %+v", what, b.Type(), b)
	}
}

// doJoin joins and starts heartbeats; it returns joined.
func (c *memClient) doJoin(j signal.Join) *signal.Joined {
	c.t.Helper()
	c.join = j
	c.send(&j)
	m, ok := c.next().(*signal.Joined)
	if !ok {
		c.t.Fatalf("join of uid %d: no joined", j.UID)
	}
	c.joined = m
	c.beat()
	return m
}

// beat sends a heartbeat every 500 ms until quiet.
func (c *memClient) beat() {
	c.stopBeat, c.beatDone = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(c.beatDone)
		tick := time.NewTicker(500 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-c.stopBeat:
				return
			case <-tick.C:
				if c.tr.closed() {
					return
				}
				_ = c.tr.Write(signal.MustEncode(&signal.Heartbeat{}))
				c.mu.Lock()
				c.lastSent = time.Now()
				c.mu.Unlock()
			}
		}
	}()
}

// quiet stops heartbeats and returns the time of the last data sent.
func (c *memClient) quiet() time.Time {
	if c.stopBeat != nil {
		close(c.stopBeat)
		<-c.beatDone
		c.stopBeat = nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lastSent
}

// kill ends the connection without leave, like a SIGKILL: the time of the
// last data sent is returned.
func (c *memClient) kill() time.Time {
	last := c.quiet()
	_ = c.tr.Close()
	return last
}

// resume opens a new connection and resumes c's session on it.
func (c *memClient) resume(srv *Server) (*memClient, *signal.Joined) {
	c.t.Helper()
	n := dialMem(c.t, srv)
	j := c.join
	claim := signal.ResumeClaim{AppID: j.AppID, Channel: j.Channel, UID: j.UID, Session: c.joined.Session, Nonce: n.hello.Nonce}
	j.Resume = &signal.Resume{Session: c.joined.Session, Proof: claim.Proof(c.joined.ResumeSecret)}
	return n, n.doJoin(j)
}

// expect fails unless the next message is want.
func (c *memClient) expect(what string, want signal.Body) {
	c.t.Helper()
	got := c.poll()
	if got == nil {
		c.t.Fatalf("%s: no message, want %s %+v", what, want.Type(), want)
	}
	if string(signal.MustEncode(got)) != string(signal.MustEncode(want)) {
		c.t.Fatalf("%s: got %s %+v, want %+v", what, got.Type(), got, want)
	}
}

// expectError fails unless the next message is an error with this code
// and fatality.
func (c *memClient) expectError(what string, code signal.Code, fatal bool) *signal.ErrorMsg {
	c.t.Helper()
	got, ok := c.poll().(*signal.ErrorMsg)
	if !ok || got.Code != code || got.Fatal != fatal {
		c.t.Fatalf("%s: got %+v, want error %s fatal=%v", what, got, code, fatal)
	}
	return got
}

func native(uid uint32) signal.Join {
	return signal.Join{AppID: "demo", Channel: "lobby", UID: uid, Kind: signal.KindNative}
}

func web(uid uint32) signal.Join {
	j := native(uid)
	j.Kind = signal.KindWeb
	return j
}

// newTestServer starts an insecure, signalling-only server with default
// timers, closed when the test ends.
func newTestServer(t *testing.T, o Options) *Server {
	t.Helper()
	if o.Apps == nil {
		o.Insecure = true
	}
	o.SignallingOnly = true
	srv, err := New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// sleepUntil advances the bubble's clock to t.
func sleepUntil(t time.Time) {
	time.Sleep(time.Until(t))
	synctest.Wait()
}
