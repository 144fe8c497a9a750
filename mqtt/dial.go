package mqtt

import (
	"fmt"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// startDial starts one connect attempt in the background, unless one runs,
// a connection is up, or the session is draining.
func (s *session) startDial() {
	if s.dialing || s.conn != nil || s.draining {
		return
	}
	s.dialing = true
	s.gen++
	gen := s.gen
	s.r.wg.Add(1)
	go func() {
		defer s.r.wg.Done()
		res := s.connect(gen)
		select {
		case s.results <- res:
		case <-s.r.quit:
			if res.conn != nil {
				res.conn.client.Disconnect(0)
			}
		}
	}()
}

// connect makes one attempt: a new conn_seq (durable first), a client
// whose will is offline with that conn_seq, CONNECT, and the command
// subscription. It waits for paho's tokens with a timeout, never forever.
func (s *session) connect(gen uint64) dialResult {
	connSeq, err := s.counter.next()
	if err != nil {
		return dialResult{err: fmt.Errorf("persist conn_seq: %w", err)}
	}
	o, err := s.r.opts.Broker.ClientOptions(s.r.opts.ClientID)
	if err != nil {
		return dialResult{err: err}
	}
	opts := s.r.opts
	applyTimeouts(o, opts.KeepAlive, opts.ConnectTimeout, opts.WriteTimeout)
	will := statusDoc{ConnSeq: connSeq, Boot: s.r.boot, Version: opts.Version, TS: time.Now()}
	o.SetBinaryWill(s.r.topics.status, will.encode(), 1, true)
	o.SetConnectionLostHandler(s.onConnectionLost)
	c := paho.NewClient(o)
	if err := s.waitToken(c.Connect(), "connect"); err != nil {
		c.Disconnect(0)
		return dialResult{err: err}
	}
	if opts.OnCommand != nil {
		tok := c.Subscribe(s.r.topics.cmdFilter, 1, s.r.cmds.receive)
		if err := s.waitToken(tok, "subscribe "+s.r.topics.cmdFilter); err != nil {
			c.Disconnect(0)
			return dialResult{err: err}
		}
	}
	return dialResult{conn: &conn{client: c, gen: gen, connSeq: connSeq}}
}

// waitToken waits for tok up to the connect timeout (plus a second of
// margin over paho's own). It does not give up on quit: leaving paho in
// the middle of a connect would leave its goroutines behind.
func (s *session) waitToken(tok paho.Token, op string) error {
	d := s.r.opts.ConnectTimeout + time.Second
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-tok.Done():
		if err := tok.Error(); err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		return nil
	case <-t.C:
		return fmt.Errorf("%s: no answer in %s", op, d)
	}
}

// onConnectionLost is paho's connection-lost handler (called on a goroutine
// of its own): it hands the news to the publisher.
func (s *session) onConnectionLost(c paho.Client, err error) {
	select {
	case s.lost <- lostMsg{client: c, err: err}:
	case <-s.r.quit:
	}
}
