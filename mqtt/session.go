package mqtt

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// conn is one live connection to the broker. Each connection is its own
// paho client: paho's automatic reconnect is off because the will (with
// its conn_seq) is fixed when a client is made, and each attempt needs a
// new conn_seq. paho's store stays in memory and clean sessions are used:
// the outbox is the only durable queue, and re-sending after a reconnect
// is the reporter's job, so paho never completes a token without a PUBACK
// (its resume path does, see paho issue #563).
type conn struct {
	client  paho.Client
	gen     uint64
	connSeq uint64
}

// flight is an event sent on the current connection, awaiting its PUBACK.
type flight struct {
	seq   uint64
	acked bool
}

type ackMsg struct {
	gen, seq uint64
	err      error
}

type lostMsg struct {
	client paho.Client
	err    error
}

type dialResult struct {
	conn *conn
	err  error
}

// offlineWait bounds the wait for the clean-stop offline status's PUBACK.
const offlineWait = 2 * time.Second

// session is the publisher goroutine's state: it alone touches the
// connection, the window and the state version; other goroutines talk to
// it through channels.
type session struct {
	r       *Reporter
	log     *slog.Logger
	ob      *outbox
	counter *connCounter
	results chan dialResult
	lost    chan lostMsg
	acks    chan ackMsg

	samplerMu sync.Mutex
	sampler   procSampler

	conn     *conn
	gen      uint64
	dialing  bool
	attempt  int
	retryC   <-chan time.Time
	window   []flight
	sentTo   uint64 // highest seq sent on this connection
	stateVer uint64 // version of the state last published on this connection
	draining bool
}

func newSession(r *Reporter) *session {
	return &session{
		r: r, log: r.log, ob: r.ob, counter: loadConnCounter(r.dir, r.log),
		results: make(chan dialResult), lost: make(chan lostMsg),
		acks: make(chan ackMsg, r.opts.Window),
	}
}

// run is the publisher goroutine.
func (s *session) run() {
	defer close(s.r.sessDone)
	s.startDial()
	var telC <-chan time.Time
	if iv := s.r.opts.TelemetryInterval; iv > 0 {
		t := time.NewTicker(iv)
		defer t.Stop()
		telC = t.C
	}
	drain := s.r.drain
	for {
		select {
		case <-s.r.quit:
			s.stop(false)
			return
		case <-drain:
			drain, s.draining = nil, true
			s.pump()
		case res := <-s.results:
			s.onDial(res)
		case m := <-s.lost:
			s.onLost(m)
		case a := <-s.acks:
			s.onAck(a)
		case <-s.r.kick:
			s.pump()
		case <-s.retryC:
			s.retryC = nil
			s.startDial()
		case <-telC:
			s.periodicTelemetry()
		case msg := <-s.r.telemetry:
			s.publish(s.r.topics.telemetry, 0, false, msg)
		}
		if s.draining && (s.conn == nil || len(s.window) == 0) {
			s.stop(true)
			return
		}
	}
}

// onDial takes the result of a connect attempt.
func (s *session) onDial(res dialResult) {
	s.dialing = false
	if res.err == nil && !res.conn.client.IsConnectionOpen() {
		// Lost between CONNACK and now; paho's report of it came before
		// this result and was ignored.
		res = dialResult{err: errors.New("connection lost right after connect")}
	}
	if res.err != nil {
		s.attempt++
		level := slog.LevelDebug
		if s.attempt == 1 || s.attempt%20 == 0 { // rate-limited: a long outage logs every ~100 s
			level = slog.LevelWarn
		}
		s.log.Log(context.Background(), level, "broker connect failed", "attempt", s.attempt, "err", res.err)
		s.retryC = time.After(s.r.opts.Backoff(s.attempt))
		return
	}
	s.conn, s.attempt, s.stateVer, s.sentTo = res.conn, 0, 0, 0
	s.r.current.Store(res.conn)
	s.log.Info("connected to broker", "conn_seq", res.conn.connSeq, "pending", s.ob.stats().pending)
	online := statusDoc{Online: true, ConnSeq: res.conn.connSeq, Boot: s.r.boot, Version: s.r.opts.Version, TS: time.Now()}
	s.publish(s.r.topics.status, 1, true, online.encode())
	s.pump()
}

// onLost handles paho's report that a connection died.
func (s *session) onLost(m lostMsg) {
	if s.conn == nil || m.client != s.conn.client {
		return // an older connection, already dropped
	}
	s.dropConn("connection lost", m.err)
}

// onAck handles a PUBACK (or a failure) of an event sent on connection gen.
func (s *session) onAck(a ackMsg) {
	if s.conn == nil || a.gen != s.conn.gen {
		return
	}
	if a.err != nil {
		s.dropConn("event not acknowledged", a.err)
		return
	}
	for i := range s.window {
		if s.window[i].seq == a.seq {
			s.window[i].acked = true
		}
	}
	n := 0
	for n < len(s.window) && s.window[n].acked {
		n++
	}
	if n > 0 {
		s.ob.ackUpTo(s.window[n-1].seq)
		s.window = append(s.window[:0], s.window[n:]...)
	}
	s.pump()
}

// dropConn gives up the current connection and schedules a new one. What
// was in flight will be sent again, from the first unacknowledged event.
func (s *session) dropConn(why string, err error) {
	s.log.Warn("broker connection dropped", "why", why, "conn_seq", s.conn.connSeq, "err", err)
	s.conn.client.Disconnect(0)
	s.conn, s.window = nil, nil
	s.r.current.Store(nil)
	s.ob.resetInflight()
	s.attempt = 1
	s.retryC = time.After(s.r.opts.Backoff(s.attempt))
}

// pump publishes the state if it changed, then fills the window with
// events from the outbox, in seq order.
func (s *session) pump() {
	if s.conn == nil {
		return
	}
	if msg, ver := s.r.state.get(); msg != nil && ver != s.stateVer {
		s.publish(s.r.topics.state, 1, true, msg)
		s.stateVer = ver
	}
	for len(s.window) < s.r.opts.Window {
		seq, msg, ok := s.ob.takeNext(s.sentTo)
		if !ok {
			return
		}
		tok := s.conn.client.Publish(s.r.topics.events, 1, false, msg)
		s.sentTo = seq
		s.window = append(s.window, flight{seq: seq})
		s.await(tok, s.conn.gen, seq)
	}
}

// await reports the completion of tok to the publisher. paho completes
// every token of a connection when it ends (with an error), so this
// goroutine lives at most as long as the connection.
func (s *session) await(tok paho.Token, gen, seq uint64) {
	s.r.wg.Add(1)
	go func() {
		defer s.r.wg.Done()
		select {
		case <-tok.Done():
		case <-s.r.quit:
			return
		}
		select {
		case s.acks <- ackMsg{gen: gen, seq: seq, err: tok.Error()}:
		case <-s.r.quit:
		}
	}()
}

// publish sends a message whose delivery is not tracked: status, state
// (both republished on every connect) and telemetry (QoS 0).
func (s *session) publish(topic string, qos byte, retained bool, msg []byte) paho.Token {
	if s.conn == nil {
		return nil
	}
	return s.conn.client.Publish(topic, qos, retained, msg)
}

// stop ends the session: status offline (clean), then disconnect. When
// clean, it waits a little for the offline status to be acknowledged so
// that the broker has it before the DISCONNECT that discards the will.
func (s *session) stop(clean bool) {
	if s.conn == nil {
		return
	}
	off := statusDoc{ConnSeq: s.conn.connSeq, Boot: s.r.boot, Version: s.r.opts.Version, TS: time.Now(), Clean: true}
	tok := s.publish(s.r.topics.status, 1, true, off.encode())
	quiesce := uint(0)
	if clean {
		t := time.NewTimer(offlineWait)
		select {
		case <-tok.Done():
		case <-t.C:
		case <-s.r.quit:
		}
		t.Stop()
		quiesce = 250
	}
	s.conn.client.Disconnect(quiesce)
	s.r.current.Store(nil)
	s.conn = nil
}

// periodicTelemetry publishes the process's and the agent's figures.
func (s *session) periodicTelemetry() {
	if s.conn == nil {
		return
	}
	now := time.Now()
	var figures json.RawMessage
	if s.r.opts.Figures != nil {
		figures = s.r.opts.Figures()
	}
	proc := s.sampleProcess(now)
	msg, err := telemetryMessage(now, proc, figures)
	if err != nil {
		s.log.Debug("agent telemetry figures left out", "err", err)
		msg, _ = telemetryMessage(now, proc, nil)
	}
	s.publish(s.r.topics.telemetry, 0, false, msg)
}

func (s *session) sampleProcess(now time.Time) processFigures {
	s.samplerMu.Lock()
	defer s.samplerMu.Unlock()
	return s.sampler.sample(now)
}
