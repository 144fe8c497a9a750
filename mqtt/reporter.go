package mqtt

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// ErrClosed is returned by a Reporter's methods after Close.
var ErrClosed = errors.New("mqtt reporter closed")

// intakeSize bounds the events and states waiting for the writer
// goroutine. The writer drains it in batches with one fsync each, so it
// fills only while the disk is stuck; then Event and State wait (see
// Event).
const intakeSize = 1024

// Reporter publishes one device's status, state, events and telemetry and
// takes its commands (see the package doc). Its methods are safe for
// concurrent use.
//
// Goroutines: a writer owns the files (outbox appends with group commit,
// compaction, the ack offset); a publisher owns the connection (connect,
// status, state, the in-flight window of events, telemetry); a command
// goroutine runs commands; short-lived ones dial and wait for PUBACKs.
type Reporter struct {
	opts   Options
	log    *slog.Logger
	topics topics
	boot   string
	dir    string
	unlock func()
	ob     *outbox

	mu     sync.RWMutex // guards closed against sends on intake
	closed bool
	intake chan submission

	state     stateSlot
	kick      chan struct{} // writer → publisher: new records or state
	telemetry chan []byte   // Telemetry → publisher
	current   atomic.Pointer[conn]
	sess      *session
	cmds      *commander

	closeOnce  sync.Once
	flushed    chan struct{} // writer has drained intake
	drain      chan struct{} // Close → publisher: deliver what you can, then stop
	sessDone   chan struct{} // publisher stopped
	quit       chan struct{} // everything stops
	writerStop chan struct{}
	writerDone chan struct{}
	cancelCmds context.CancelFunc
	wg         sync.WaitGroup
}

// Start opens the outbox in opts.StateDir/mqtt and starts reporting. It
// returns at once; the first connection is made in the background and
// retried forever with opts.Backoff.
func Start(opts Options) (*Reporter, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	r := &Reporter{
		opts: opts, log: opts.Logger, topics: newTopics(opts.Prefix, opts.Device),
		boot: newBootID(), dir: filepath.Join(opts.StateDir, "mqtt"),
		intake: make(chan submission, intakeSize), kick: make(chan struct{}, 1),
		telemetry: make(chan []byte, 4), flushed: make(chan struct{}),
		drain: make(chan struct{}), sessDone: make(chan struct{}), quit: make(chan struct{}),
		writerStop: make(chan struct{}), writerDone: make(chan struct{}),
	}
	if err := r.open(); err != nil {
		return nil, err
	}
	r.startGoroutines()
	r.log.Info("reporter started", "broker", opts.Broker.URL, "device", opts.Device,
		"boot", r.boot, "last_seq", r.ob.lastSeq(), "pending", r.ob.stats().pending)
	return r, nil
}

// open makes the state directory, locks it and opens the outbox.
func (r *Reporter) open() error {
	if err := os.MkdirAll(r.dir, 0o700); err != nil {
		return fmt.Errorf("mqtt state dir: %w", err)
	}
	unlock, err := lockDir(r.dir)
	if err != nil {
		return err
	}
	ob, err := openOutbox(r.dir, r.opts.OutboxMaxBytes, r.opts.OutboxMaxEvents, r.log)
	if err != nil {
		unlock()
		return err
	}
	r.unlock, r.ob = unlock, ob
	return nil
}

func (r *Reporter) startGoroutines() {
	ctx, cancel := context.WithCancel(context.Background())
	r.cancelCmds = cancel
	r.cmds = r.newCommander()
	r.sess = newSession(r)
	r.wg.Add(3)
	go func() { defer r.wg.Done(); r.runWriter() }()
	go func() { defer r.wg.Done(); r.sess.run() }()
	go func() { defer r.wg.Done(); r.cmds.run(ctx) }()
}

func (r *Reporter) newCommander() *commander {
	o := r.opts
	return &commander{
		verifier: verifier{key: o.CommandKey, insecure: o.InsecureCommands, maxSkew: o.CommandMaxSkew},
		topics:   r.topics, seen: loadSeen(r.dir, o.CommandMaxSkew, r.log),
		handler: o.OnCommand, timeout: o.CommandTimeout, log: r.log,
		in: make(chan inbound, commandQueue), publish: r.publishReply, now: time.Now,
	}
}

// Event queues one event: doc is a JSON object without "seq" and "ts"
// (e.g. agent.EventDoc, marshalled), ts the moment the callback happened.
// The reporter gives it the next seq and publishes
// {"seq":N,"ts":"RFC 3339 nano",...doc's fields} on events, QoS 1, once
// it is durable in the outbox. An onConnectionStateChanged event is kept
// longest when the outbox is full.
//
// Event never waits for the broker. It waits for the disk only when 1024
// events are already queued for it (a stuck disk): call it from the
// observer's goroutine, not from a loop that must never block. The error
// is a bad document or ErrClosed; write errors are logged.
func (r *Reporter) Event(ts time.Time, doc json.RawMessage) error {
	event, err := checkDoc(doc)
	if err != nil {
		return fmt.Errorf("mqtt event: %w", err)
	}
	if event == overflowEvent {
		return fmt.Errorf("mqtt event: %q is the reporter's own event", overflowEvent)
	}
	return r.submit(submission{kind: subEvent, ts: ts, doc: clone(doc), class: classOf(event)})
}

// State sets the state document: doc is a JSON object without "seq" and
// "ts" (e.g. agent.StatusDoc, marshalled). It is published retained, QoS
// 1, as {"seq":S,"ts":ts,...} where S is the seq of the last event handed
// to Event before it, and again after every connect. Only the latest
// state matters: one not yet published is replaced. It waits like Event.
func (r *Reporter) State(ts time.Time, doc json.RawMessage) error {
	if _, err := checkDoc(doc); err != nil {
		return fmt.Errorf("mqtt state: %w", err)
	}
	return r.submit(submission{kind: subState, ts: ts, doc: clone(doc)})
}

// Telemetry publishes figures (a JSON object without "ts", "seq" and
// "process") on telemetry now, QoS 0, with the process's own figures; it
// is dropped when not connected. The periodic telemetry
// (Options.TelemetryInterval, Options.Figures) needs no call.
func (r *Reporter) Telemetry(ts time.Time, figures json.RawMessage) error {
	r.mu.RLock()
	closed := r.closed
	r.mu.RUnlock()
	if closed {
		return ErrClosed
	}
	msg, err := telemetryMessage(ts, r.sess.sampleProcess(ts), figures)
	if err != nil {
		return fmt.Errorf("mqtt telemetry: %w", err)
	}
	select {
	case r.telemetry <- msg:
	default: // QoS 0 figures: the next ones will do
	}
	return nil
}

// Sync waits until every event and state handed in before it is durable
// on disk (not: delivered). For tests, and for an agent about to exit.
func (r *Reporter) Sync(ctx context.Context) error {
	done := make(chan struct{})
	if err := r.submit(submission{kind: subSync, done: done}); err != nil {
		return err
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (r *Reporter) submit(s submission) error {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.closed {
		return ErrClosed
	}
	r.intake <- s
	return nil
}

func clone(b []byte) []byte { return append([]byte(nil), b...) }
