package rtc

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/edge-agent/edge-agent/rtc/signal"
	"github.com/gorilla/websocket"
)

const (
	// outQueue is how many messages may wait for the writer. Signalling is a
	// few messages a second; a full queue means the connection is stuck.
	outQueue = 64
	// writeTimeout bounds one WebSocket write.
	writeTimeout = 2 * time.Second
	// readTimeout closes a connection on which the server has said nothing
	// for this long (it sends a heartbeat every 500 ms): a half-open TCP
	// connection must not look alive forever. It is longer than the agent's
	// 4 s INTERRUPTED threshold, so the agent's recovery acts first.
	readTimeout = 5 * time.Second
	// readLimit is the largest message read; the server sends at most
	// signal.MaxMessageSize.
	readLimit = signal.MaxMessageSize + 1024
)

// wsConn is one signalling connection: a dial, then a reader and a writer
// goroutine. The loop owns it; its goroutines report back through the
// session's queue, naming the connection so stale reports can be told.
type wsConn struct {
	ctx    context.Context
	cancel context.CancelFunc
	ws     *websocket.Conn // set by the loop when the dial succeeded
	out    chan []byte
	nonce  string // from hello
	closed sync.Once
	wrote  chan struct{} // closed when the writer has ended
	read   chan struct{} // closed when the reader has ended
}

// dial starts connecting to the server; onDialed follows on the loop.
func (s *Session) dial() *wsConn {
	ctx, cancel := context.WithCancel(context.Background())
	c := &wsConn{ctx: ctx, cancel: cancel, out: make(chan []byte, outQueue), wrote: make(chan struct{}), read: make(chan struct{})}
	d := websocket.Dialer{HandshakeTimeout: s.cfg.AttemptTimeout}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		ws, _, err := d.DialContext(ctx, s.url, nil)
		if err != nil {
			err = fmt.Errorf("dial %s: %w", s.url, err)
		}
		s.q.push(func() { s.onDialed(c, ws, err) })
	}()
	return c
}

// start runs the connection's reader and writer.
func (s *Session) startConn(c *wsConn, ws *websocket.Conn) {
	c.ws = ws
	ws.SetReadLimit(readLimit)
	s.wg.Add(2)
	go s.readConn(c)
	go s.writeConn(c)
}

// readConn reads messages until the connection fails, then reports that.
func (s *Session) readConn(c *wsConn) {
	defer s.wg.Done()
	defer close(c.read)
	for {
		_ = c.ws.SetReadDeadline(time.Now().Add(readTimeout))
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			s.q.push(func() { s.onConnLost(c, fmt.Errorf("signalling read: %w", err)) })
			return
		}
		s.touch()
		body, err := signal.Decode(data)
		if err != nil {
			s.log.Warn("signalling: ignored a message", "err", err)
			continue
		}
		s.q.push(func() { s.onMessage(c, body) })
	}
}

// writeConn writes queued messages; when the queue is closed it sends a
// close frame and closes the connection.
func (s *Session) writeConn(c *wsConn) {
	defer s.wg.Done()
	defer close(c.wrote)
	for msg := range c.out {
		_ = c.ws.SetWriteDeadline(time.Now().Add(writeTimeout))
		if err := c.ws.WriteMessage(websocket.TextMessage, msg); err != nil {
			c.ws.Close()
			for range c.out { // Drain until the loop closes it.
			}
			return
		}
	}
	bye := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "")
	_ = c.ws.WriteControl(websocket.CloseMessage, bye, time.Now().Add(writeTimeout))
	// Let the server close first (it does at once after a leave or a close
	// frame) while the reader keeps draining: a socket closed with unread
	// data sends a reset, and a reset makes the server's kernel drop what
	// the server had not read yet — possibly the leave just written.
	t := time.NewTimer(closeLinger)
	select {
	case <-c.read:
	case <-t.C:
	}
	t.Stop()
	c.ws.Close()
}

// closeLinger bounds the wait for the server to close after our close
// frame: it answers in a round trip; a dead network is not waited on long.
const closeLinger = 250 * time.Millisecond

// send queues b for the server. A full queue means the connection is
// stuck: it is dropped as lost.
func (s *Session) send(b signal.Body) {
	c := s.st.conn
	if c == nil || c.ws == nil {
		return
	}
	msg, err := signal.Encode(b)
	if err != nil {
		s.log.Error("signalling: cannot encode", "err", err)
		return
	}
	select {
	case c.out <- msg:
	default:
		s.onConnLost(c, errors.New("signalling: send queue full"))
	}
}

// closeConn ends c: with flush, what was queued is written first (bounded
// by wait). It runs on the loop, which must not use c afterwards.
func closeConn(c *wsConn, flush bool, wait time.Duration) {
	c.closed.Do(func() {
		c.cancel()
		if c.ws == nil {
			return
		}
		close(c.out)
		if flush {
			t := time.NewTimer(wait)
			defer t.Stop()
			select {
			case <-c.wrote:
			case <-t.C:
			}
		}
		c.ws.Close()
	})
}
