package netwatch

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

// watchReceiveBuffer is the receive buffer asked for each subscription
// socket. The default (net.core.rmem_default, about 200 KiB) holds a few
// hundred messages; a burst bigger than that (hundreds of routes
// withdrawn at once) makes the kernel drop messages and report ENOBUFS. We
// ask for 1 MiB without forcing it, so the kernel caps it at
// net.core.rmem_max silently and no privilege is needed. ENOBUFS is
// handled anyway (resubscribe and resync); this only makes it rarer.
const watchReceiveBuffer = 1 << 20

// updateBuffer is the capacity of each update channel between the
// library's reader goroutine and ours; ours only turns updates into
// wake-ups, so a small buffer is enough.
const updateBuffer = 64

// errSubscriptionClosed is a watcher's error when an update channel was
// closed without the library saying why.
var errSubscriptionClosed = errors.New("netlink subscription closed")

// netlinkWatcher is one set of link, address and route subscriptions.
//
// How the library behaves (vishvananda/netlink v1.3.1, read from its
// source): each *SubscribeWithOptions opens a socket and starts a goroutine
// that receives, calls ErrorCallback on any error, and on a receive error
// (ENOBUFS included) returns and closes the update channel; closing done
// closes the socket, which ends that goroutine the same way. That goroutine
// blocks while sending to a full update channel, so channels must be
// drained until closed. ListExisting is not used: the monitor reads its own
// consistent dump after subscribing, and only needs wake-ups.
type netlinkWatcher struct {
	done     chan struct{} // closed by stop: the library closes its sockets
	fail     chan struct{} // closed when a subscription ends by itself
	failOnce sync.Once
	stopOnce sync.Once
	stopping atomic.Bool
	wg       sync.WaitGroup // our drain goroutines
	notify   func(error)

	mu    sync.Mutex
	cause error // the last error the library reported
}

// watch subscribes to links, addresses and routes in the source's namespace.
func (s *netlinkSource) watch(notify func(error)) (watcher, error) {
	w := &netlinkWatcher{done: make(chan struct{}), fail: make(chan struct{}), notify: notify}
	var ns *netns.NsHandle
	if s.ns.IsOpen() {
		ns = &s.ns
	}
	if err := w.subscribe(ns, s.rcvbuf); err != nil {
		w.stop()
		return nil, err
	}
	return w, nil
}

// subscribe opens the three subscriptions, draining each as it opens.
func (w *netlinkWatcher) subscribe(ns *netns.NsHandle, rcvbuf int) error {
	links := make(chan netlink.LinkUpdate, updateBuffer)
	err := netlink.LinkSubscribeWithOptions(links, w.done, netlink.LinkSubscribeOptions{
		Namespace: ns, ErrorCallback: w.onError, ReceiveBufferSize: rcvbuf})
	if err != nil {
		return fmt.Errorf("netlink subscribe links: %w", err)
	}
	drain(w, links)
	addrs := make(chan netlink.AddrUpdate, updateBuffer)
	err = netlink.AddrSubscribeWithOptions(addrs, w.done, netlink.AddrSubscribeOptions{
		Namespace: ns, ErrorCallback: w.onError, ReceiveBufferSize: rcvbuf})
	if err != nil {
		return fmt.Errorf("netlink subscribe addresses: %w", err)
	}
	drain(w, addrs)
	routes := make(chan netlink.RouteUpdate, updateBuffer)
	err = netlink.RouteSubscribeWithOptions(routes, w.done, netlink.RouteSubscribeOptions{
		Namespace: ns, ErrorCallback: w.onError, ReceiveBufferSize: rcvbuf})
	if err != nil {
		return fmt.Errorf("netlink subscribe routes: %w", err)
	}
	drain(w, routes)
	return nil
}

// drain turns every update on ch into a wake-up until the library closes
// ch; a close we did not ask for is a failure of the subscription.
func drain[T any](w *netlinkWatcher, ch <-chan T) {
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		for range ch {
			w.notify(nil)
		}
		if !w.stopping.Load() {
			w.failOnce.Do(func() { close(w.fail) })
		}
	}()
}

// onError is the library's ErrorCallback, called from its goroutines. A
// receive error is followed by the channel's close (handled by drain);
// other errors (a malformed or foreign message) leave the subscription
// running, but a change may have been missed, so the monitor resyncs.
func (w *netlinkWatcher) onError(err error) {
	if w.stopping.Load() {
		return // the socket was closed by stop
	}
	w.mu.Lock()
	w.cause = err
	w.mu.Unlock()
	w.notify(err)
}

func (w *netlinkWatcher) failed() <-chan struct{} { return w.fail }

func (w *netlinkWatcher) err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.cause == nil {
		return errSubscriptionClosed
	}
	return fmt.Errorf("%w: %w", errSubscriptionClosed, w.cause)
}

// stop closes the sockets and waits until every update channel is closed.
func (w *netlinkWatcher) stop() {
	w.stopOnce.Do(func() {
		w.stopping.Store(true)
		close(w.done)
		w.wg.Wait()
	})
}
