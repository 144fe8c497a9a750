package netwatch

import (
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultDebounce is the window during which netlink messages are
// coalesced before the snapshot is read. One kernel operation sends its
// whole storm at once: "ip link set eth0 down" emits the link message, the
// deletion of every route through eth0 and of its IPv6 addresses, all from
// the same system call, so they arrive within about a millisecond. 10 ms
// covers that with a margin for a loaded two-core ARM board, while the
// agent must react within tens of ms (SPEC §5: carrier lost →
// DISCONNECTED, goal 50 ms). Longer sequences (a DHCP client renumbering,
// NetworkManager tearing down) are separate steps seconds apart: each is
// a real change and deserves its own Delta. The window is fixed from the
// first message (not extended by later ones), so a steady stream of
// messages cannot delay a report by more than the window.
const DefaultDebounce = 10 * time.Millisecond

// DefaultPollInterval is how often the snapshot is read when netlink
// notifications are not available. Polling is the fallback, slower by
// nature: 1 s keeps detection well inside the 4 s INTERRUPTED timer of
// SPEC §2, so that a device without notifications still wastes no rejoin
// attempts, while three netlink dumps a second cost a small fraction of a
// percent of a core on the smallest target.
const DefaultPollInterval = time.Second

// Options configure a Monitor. The zero value is ready to use.
type Options struct {
	// Logger receives the monitor's logs, with component=netwatch added;
	// nil discards them.
	Logger *slog.Logger
	// Debounce is the coalescing window; 0 means DefaultDebounce.
	Debounce time.Duration
	// PollInterval is the polling period when notifications are not
	// available; 0 means DefaultPollInterval.
	PollInterval time.Duration
	// PollOnly disables netlink notifications: the monitor only polls. It
	// exists to measure the agent without notifications and for hosts
	// whose netlink subscriptions misbehave.
	PollOnly bool
	// Ignore leaves interfaces out of every snapshot (their routes too);
	// nil ignores loopback interfaces.
	Ignore func(Interface) bool
	// SysRoot is where sysfs is mounted, for classifying interfaces; ""
	// means "/sys". It should be a sysfs of the monitored namespace.
	SysRoot string
	// Namespace is the path of a network namespace file to monitor (such
	// as /run/netns/NAME); "" means the process's own. Linux only.
	Namespace string
	// Target is the address the session talks to (the channel server).
	// When it is valid, the path in use is the kernel's route to it rather
	// than the preferred default route, so that a server on the local link
	// or behind a specific route is followed on a network with no default
	// route (see the package doc). The zero Addr follows the default routes.
	// Linux only: elsewhere it is ignored.
	Target netip.Addr
}

// Monitor watches the kernel's view of the network and reports changes as
// Deltas. Create it with New, then Start it; Close it when done.
type Monitor struct {
	opts   Options
	log    *slog.Logger
	limit  *logLimiter
	deltas chan Delta
	wake   chan struct{}
	stop   chan struct{}
	done   chan struct{}
	snap   atomic.Pointer[Snapshot]

	started   atomic.Bool
	closeOnce sync.Once
	closeErr  error
	src       source

	// Seams for tests; set by New to the real ones.
	newSource  func(Options, *slog.Logger) (source, error)
	clock      func() clockReading
	clockTicks func() (<-chan time.Time, func())
}

// New returns a Monitor configured by opts; it does nothing until Start.
func New(opts Options) *Monitor {
	opts = opts.withDefaults()
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Monitor{
		opts:      opts,
		log:       log.With("component", "netwatch"),
		limit:     newLogLimiter(logEvery),
		deltas:    make(chan Delta),
		wake:      make(chan struct{}, 1),
		stop:      make(chan struct{}),
		done:      make(chan struct{}),
		newSource: newSource,
		clock:     systemClock(),
		clockTicks: func() (<-chan time.Time, func()) {
			t := time.NewTicker(DefaultClockCheck)
			return t.C, t.Stop
		},
	}
}

func (o Options) withDefaults() Options {
	if o.Debounce <= 0 {
		o.Debounce = DefaultDebounce
	}
	if o.PollInterval <= 0 {
		o.PollInterval = DefaultPollInterval
	}
	if o.Ignore == nil {
		o.Ignore = func(i Interface) bool { return i.Loopback }
	}
	if o.SysRoot == "" {
		o.SysRoot = "/sys"
	}
	o.Target = o.Target.Unmap()
	return o
}

// errStarted is returned by a second Start.
var errStarted = errors.New("netwatch: monitor already started")

// errClosed is returned by Start after Close.
var errClosed = errors.New("netwatch: monitor closed")

// Start subscribes to notifications (falling back to polling if that
// fails), reads the first snapshot and starts watching. When it returns nil,
// Snapshot is valid. It fails when the network cannot be read at all.
func (m *Monitor) Start() error {
	if !m.started.CompareAndSwap(false, true) {
		return errStarted
	}
	select {
	case <-m.stop:
		close(m.deltas)
		close(m.done)
		return errClosed
	default:
	}
	src, err := m.newSource(m.opts, m.log)
	if err != nil {
		close(m.deltas)
		close(m.done)
		return fmt.Errorf("netwatch: open: %w", err)
	}
	m.src = src
	l := newLoop(m)
	if err := l.begin(); err != nil {
		l.end() // closes Deltas
		close(m.done)
		return errors.Join(fmt.Errorf("netwatch: first snapshot: %w", err), m.closeSource())
	}
	go l.run()
	return nil
}

// closeSource closes the source once.
func (m *Monitor) closeSource() error {
	if m.src == nil {
		return nil
	}
	err := m.src.close()
	m.src = nil
	if err != nil {
		return fmt.Errorf("netwatch: close: %w", err)
	}
	return nil
}

// Close stops the monitor, waits for its goroutines, and closes the Deltas
// channel. It may be called more than once, and without Start.
func (m *Monitor) Close() error {
	m.closeOnce.Do(func() {
		close(m.stop)
		if m.started.Load() {
			<-m.done
		}
		m.closeErr = m.closeSource()
	})
	return m.closeErr
}

// Deltas returns the channel of changes. It is closed by Close. Each
// Delta's Old is the previous delivered Delta's New (the first one's is the
// snapshot Start read), so a consumer that applies them in order is never
// out of step. The monitor never blocks on the channel: while a Delta waits
// for the consumer, a newer change replaces it with a Delta from the last
// delivered snapshot to the newest one (so a change that reverts before
// delivery is not reported, and a TimeJumped flag is kept).
func (m *Monitor) Deltas() <-chan Delta { return m.deltas }

// Snapshot returns the newest snapshot read, which may be newer than the
// last Delta delivered. It is the zero Snapshot before Start succeeds.
func (m *Monitor) Snapshot() Snapshot {
	if s := m.snap.Load(); s != nil {
		return *s
	}
	return Snapshot{}
}

// notify is the watcher's callback: it wakes the loop without blocking.
// Errors are logged at debug level only: a receive error is followed by the
// subscription's failure, which is logged as a warning then.
func (m *Monitor) notify(err error) {
	if err != nil {
		m.log.Debug("netlink notification error; resyncing", "err", err)
	}
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

// warn logs a rate-limited warning.
func (m *Monitor) warn(key, msg string, err error) {
	ok, suppressed := m.limit.allow(key, time.Now())
	if !ok {
		return
	}
	m.log.Warn(msg, "err", err, "suppressed", suppressed)
}
