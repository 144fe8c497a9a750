package server

import (
	"errors"
	"fmt"

	"github.com/edge-agent/edge-agent/rtc/signal"
)

// handle decodes and dispatches one message from the client; false ends
// the connection.
func (c *conn) handle(msg []byte) bool {
	body, err := signal.Decode(msg)
	if err != nil {
		c.refuseDecode(err)
		return true
	}
	if !body.Type().SentBy(signal.FromClient) {
		c.refuse(&signal.Error{Code: signal.CodeMalformed, Ref: body.Type(),
			Detail: fmt.Sprintf("%s is sent by the server only", body.Type())})
		return true
	}
	if j, ok := body.(*signal.Join); ok {
		if c.sess != nil {
			c.refuse(outOfOrder(signal.TypeJoin, "already joined"))
			return true
		}
		c.join(j)
		return true
	}
	if _, ok := body.(*signal.Heartbeat); ok {
		return true
	}
	if c.sess == nil {
		c.refuse(outOfOrder(body.Type(), "join first"))
		return true
	}
	return c.handleJoined(body)
}

// refuseDecode answers a message Decode refused. A join refused for its
// app id or channel name ends the attempt (fatal, with the SPEC reason);
// everything else is a protocol error.
func (c *conn) refuseDecode(err error) {
	var e *signal.Error
	if !errors.As(err, &e) {
		e = &signal.Error{Code: signal.CodeMalformed, Detail: err.Error()}
	}
	_, joinRefusal := e.Code.Reason()
	switch {
	case joinRefusal && c.sess != nil:
		c.refuse(outOfOrder(signal.TypeJoin, "already joined"))
	case joinRefusal:
		c.fail(e)
	default:
		c.refuse(e)
	}
}

// handleJoined handles the messages of a joined session.
func (c *conn) handleJoined(body signal.Body) bool {
	switch m := body.(type) {
	case *signal.Leave:
		c.sess.ch.leave(c.sess, c)
		return false
	case *signal.RenewToken:
		c.renew(m)
	case *signal.Answer:
		c.toPeer(body, func(p *peer) { p.post(func() { p.answer(m.SDP) }) })
	case *signal.Candidate:
		c.toPeer(body, func(p *peer) { p.post(func() { p.candidate(m) }) })
	case *signal.RestartICE:
		c.toPeer(body, func(p *peer) { p.post(p.restartICE) })
	default:
		c.refuse(outOfOrder(body.Type(), "unexpected"))
	}
	return true
}

func (c *conn) toPeer(body signal.Body, f func(*peer)) {
	if c.peer == nil {
		c.refuse(outOfOrder(body.Type(), "this server relays no media"))
		return
	}
	f(c.peer)
}

func outOfOrder(t signal.Type, detail string) *signal.Error {
	return &signal.Error{Code: signal.CodeOutOfOrder, Ref: t, Detail: detail}
}
