package netwatch

import (
	"errors"
	"time"
)

// source is the seam between the monitor and the operating system: the
// Linux one reads and subscribes to netlink, the others poll the standard
// library, and tests plug in a fake.
type source interface {
	// read returns a full snapshot, normalized, At unset, nothing ignored.
	read() (Snapshot, error)
	// watch subscribes to change notifications. notify is called from
	// another goroutine with nil for each notification and with an error
	// for a problem that did not end the subscription (a message may have
	// been lost); it must not block for long. watch returns
	// errWatchUnsupported where the platform has no notifications.
	watch(notify func(error)) (watcher, error)
	// close releases the source.
	close() error
}

// watcher is one live subscription.
type watcher interface {
	// failed is closed when the subscription ended by itself (ENOBUFS, a
	// receive error, a closed update channel).
	failed() <-chan struct{}
	// err says why it failed; valid once failed is closed.
	err() error
	// stop ends the subscription and waits for its goroutines. It may be
	// called after failed is closed, and more than once.
	stop()
}

// errWatchUnsupported is returned by watch where there are no notifications.
var errWatchUnsupported = errors.New("change notifications not supported on this platform")

// resubscribeBackoff is the wait before subscribing again after the
// failure-th consecutive failure (counting from 1). The first retry is
// immediate: ENOBUFS is a one-off overflow, and every moment without a
// subscription is a moment of polling. Later ones double from 50 ms to a
// 30 s cap, so that a namespace or kernel that refuses subscriptions costs
// one attempt per 30 s, while the monitor polls meanwhile.
func resubscribeBackoff(failure int) time.Duration {
	if failure <= 1 {
		return 0
	}
	const first, max = 50 * time.Millisecond, 30 * time.Second
	d := first
	for i := 2; i < failure && d < max; i++ {
		d *= 2
	}
	return min(d, max)
}

// healthySubscription is how long a subscription must have lived for its
// failure to count as a first failure again (resetting the backoff): a
// subscription that dies at once is a broken one, one that lived 10 s hit
// a burst.
const healthySubscription = 10 * time.Second
