package agent

import (
	"fmt"
	"time"
)

// Timers are the durations of SPEC §2. The defaults are the SDK's.
type Timers struct {
	// Interrupted is the silence after which CONNECTED becomes
	// RECONNECTING(INTERRUPTED): 4 s.
	Interrupted time.Duration
	// Lost is the silence after which onConnectionLost fires: 10 s.
	Lost time.Duration
	// PeerOffline is the silence after which native peers see the device
	// offline (the channel server's window): 20 s. FAILED counts from it.
	PeerOffline time.Duration
	// Failed is the time after PeerOffline without a rejoin that ends in
	// FAILED(JOIN_FAILED): 20 min (T7 = T6 + 20 min).
	Failed time.Duration
	// RetryAfterFailed is how long the daemon waits in FAILED before it
	// joins again by itself: 60 s.
	RetryAfterFailed time.Duration
}

// DefaultTimers returns the SDK's timers and the daemon's retry policy.
func DefaultTimers() Timers {
	return Timers{
		Interrupted:      4 * time.Second,
		Lost:             10 * time.Second,
		PeerOffline:      20 * time.Second,
		Failed:           20 * time.Minute,
		RetryAfterFailed: 60 * time.Second,
	}
}

// suspect is the silence after which the session starts recovering silently,
// before anything is reported: half the interrupted threshold, i.e. 2 s or
// four missed heartbeats of the server's 500 ms. Starting then gives a
// recovery the other 2 s to succeed before INTERRUPTED has to be reported.
func (t Timers) suspect() time.Duration { return t.Interrupted / 2 }

// failAt is the silence at which the session fails: T7 − T3.
func (t Timers) failAt() time.Duration { return t.PeerOffline + t.Failed }

// Validate checks that the timers are positive and in the SDK's order.
func (t Timers) Validate() error {
	switch {
	case t.Interrupted <= 0:
		return fmt.Errorf("interrupted-after must be positive, got %s", t.Interrupted)
	case t.Lost <= t.Interrupted:
		return fmt.Errorf("lost-after (%s) must be longer than interrupted-after (%s)", t.Lost, t.Interrupted)
	case t.PeerOffline <= t.Lost:
		return fmt.Errorf("peer offline window (%s) must be longer than lost-after (%s)", t.PeerOffline, t.Lost)
	case t.Failed <= 0:
		return fmt.Errorf("failed-after must be positive, got %s", t.Failed)
	case t.RetryAfterFailed <= 0:
		return fmt.Errorf("retry-after-failed must be positive, got %s", t.RetryAfterFailed)
	}
	return nil
}

// Backoff returns the wait before recovery attempt n+1 after attempt n failed.
type Backoff func(attempt int) time.Duration

// DefaultBackoff doubles from 50 ms up to 4 s. The first steps are short
// because on a LAN an attempt costs milliseconds and waiting is what peers
// notice — right after a link returns the kernel may still refuse the first
// connection (its neighbour entry for the gateway failed while the link was
// gone: "no route to host"), and the second one goes through. The cap keeps a
// fleet of hundreds from hammering a server that is down, and stays below the
// 4 s interruption window so that a network that heals is found within one
// window.
func DefaultBackoff(attempt int) time.Duration {
	const first, ceiling = 50 * time.Millisecond, 4 * time.Second
	if attempt < 0 {
		attempt = 0
	}
	if attempt >= 7 {
		return ceiling
	}
	return min(first<<attempt, ceiling)
}
