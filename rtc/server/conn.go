package server

import (
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/edge-agent/edge-agent/rtc/signal"
)

// outQueue is how many messages may wait for a slow client before the
// server gives up on its connection. A join in a full channel queues
// joined, one offer and a dozen candidates; 256 leaves room for bursts of
// peer notices without letting a stuck client hold much memory.
const outQueue = 256

type outMsg struct {
	data  []byte
	final bool // close the connection after writing this one
}

// conn is one signalling connection. Its reader goroutine (serve) owns the
// fields below "reader state"; send and close may be called from anywhere.
type conn struct {
	srv   *Server
	t     transport
	ip    string
	log   *slog.Logger
	nonce string
	out   chan outMsg
	done  chan struct{}
	once  sync.Once

	joined atomic.Bool

	// reader state
	sess      *session
	peer      *peer
	nonceUsed bool
}

func newConn(srv *Server, t transport, ip string) *conn {
	return &conn{
		srv: srv, t: t, ip: ip,
		log:   srv.log.With("remote", ip),
		nonce: signal.NewID(16),
		out:   make(chan outMsg, outQueue),
		done:  make(chan struct{}),
	}
}

// send queues b for the client. A connection whose queue is full is
// closed: the client stopped reading.
func (c *conn) send(b signal.Body) { c.enqueue(b, false) }

// sendFinal queues b and closes the connection once it is written.
func (c *conn) sendFinal(b signal.Body) { c.enqueue(b, true) }

func (c *conn) enqueue(b signal.Body, final bool) {
	msg, err := signal.Encode(b)
	if err != nil {
		c.log.Error("encode", "type", b.Type(), "err", err)
		return
	}
	select {
	case <-c.done:
		return
	case c.out <- outMsg{data: msg, final: final}:
	default:
		c.log.Warn("send queue full, closing", "type", b.Type())
		c.close()
	}
}

// close ends the connection at once (queued messages are dropped). It
// never blocks, so it may be called under a channel lock: the writer
// goroutine closes the transport (which writes a close frame).
func (c *conn) close() {
	c.once.Do(func() { close(c.done) })
}

// closeAfterFlush closes the connection once the queued messages are written.
func (c *conn) closeAfterFlush() {
	select {
	case <-c.done:
	case c.out <- outMsg{final: true}:
	default:
		c.close()
	}
}

// writeLoop writes queued messages and a heartbeat whenever nothing else
// was written for one heartbeat interval.
func (c *conn) writeLoop() {
	defer c.t.Close()
	hb := signal.MustEncode(&signal.Heartbeat{})
	tick := time.NewTicker(c.srv.opts.Heartbeat)
	defer tick.Stop()
	for {
		var m outMsg
		select {
		case <-c.done:
			return
		case m = <-c.out:
		case <-tick.C:
			m = outMsg{data: hb}
		}
		if !c.write(m) {
			c.close()
			return
		}
		tick.Reset(c.srv.opts.Heartbeat)
	}
}

func (c *conn) write(m outMsg) bool {
	if m.data != nil {
		if err := c.t.Write(m.data); err != nil {
			c.log.Debug("write", "err", err)
			return false
		}
		c.srv.metrics.messagesOut.Add(1)
	}
	return !m.final
}

// serve runs the connection: hello, then messages until the transport ends.
// It is the reader goroutine.
func (c *conn) serve() {
	if !c.srv.track(c) {
		_ = c.t.Close()
		return
	}
	defer c.finish()
	if !c.srv.spawn(c.writeLoop) {
		_ = c.t.Close()
		return
	}
	joinTimer := time.AfterFunc(c.srv.opts.JoinTimeout, func() {
		if !c.joined.Load() {
			c.close()
		}
	})
	defer joinTimer.Stop()
	c.send(&signal.Hello{Nonce: c.nonce, Versions: []int{signal.Version},
		HeartbeatMS: c.srv.opts.Heartbeat.Milliseconds(), MaxMessage: signal.MaxMessageSize})
	for c.readOne() {
	}
}

// readOne reads and handles one message; false ends the connection.
func (c *conn) readOne() bool {
	msg, err := c.t.Read()
	if c.sess != nil && (err == nil || errors.Is(err, errOversized) || errors.Is(err, errBinary)) {
		c.sess.touch()
	}
	switch {
	case errors.Is(err, errOversized):
		c.refuse(&signal.Error{Code: signal.CodeOversized, Detail: "message discarded"})
		return true
	case errors.Is(err, errBinary):
		c.refuse(&signal.Error{Code: signal.CodeMalformed, Detail: "binary messages are not part of the protocol"})
		return true
	case err != nil:
		return false
	}
	c.srv.metrics.messagesIn.Add(1)
	return c.handle(msg)
}

// finish runs when the reader ends: a session loses its connection, which
// is just silence (SPEC §3: the process may have been killed).
func (c *conn) finish() {
	c.close()
	if c.sess != nil {
		c.sess.ch.detach(c.sess, c)
	}
	c.srv.untrack(c)
}

// refuse answers a message with a non-fatal protocol error.
func (c *conn) refuse(e *signal.Error) {
	c.srv.metrics.protocolErrors.inc(string(e.Code))
	c.log.Debug("refused", "err", e)
	c.send(e.Message(false))
}

// fail answers with a fatal error and closes the connection.
func (c *conn) fail(e *signal.Error) {
	c.srv.metrics.joinRefusals.inc(string(e.Code))
	c.log.Info("join refused", "err", e)
	c.sendFinal(e.Message(true))
}

func (s *Server) track(c *conn) bool {
	if !s.enter() {
		return false
	}
	s.mu.Lock()
	s.conns[c] = struct{}{}
	s.mu.Unlock()
	return true
}

func (s *Server) untrack(c *conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	s.wg.Done()
}
