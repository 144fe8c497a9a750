package rtc

import (
	"context"
	"fmt"
	"time"
)

// watchRetry is how long Watch waits after a failed attempt before the
// next one: short, as a watcher exists to see what happens.
const watchRetry = 250 * time.Millisecond

// Watch is a native peer that watches a channel: it joins channel as uid
// (afresh), calls fn with every event of its session and the time it was
// reported, keeps itself joined (reconnecting after Down or a failed
// attempt), and leaves when ctx ends. It returns nil then, or an error if
// the server refused it. fn runs on the session's goroutine: it must be
// quick. cfg.Report is ignored.
func Watch(ctx context.Context, cfg Config, channel string, uid uint32, token string, fn func(Event, time.Time)) error {
	broken := make(chan bool, 1) // true: retry at once (Down); false: after watchRetry
	refused := make(chan Refused, 1)
	cfg.Report = func(e Event) {
		fn(e, time.Now())
		switch e := e.(type) {
		case Down:
			trySend(broken, true)
		case AttemptFailed:
			trySend(broken, false)
		case Refused:
			trySend(refused, e)
		}
	}
	s, err := New(cfg)
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	defer s.Close()
	s.Join(channel, uid, token, true)
	for n := 0; ; n++ {
		select {
		case <-ctx.Done():
			s.Stop(true)
			return nil
		case r := <-refused:
			return fmt.Errorf("watch %s as %d: refused (reason %d): %s", channel, uid, r.Reason, r.Message)
		case now := <-broken:
			if !now && !sleepCtx(ctx, watchRetry) {
				continue // ctx ended: the next round leaves.
			}
			s.Reconnect(n, false)
		}
	}
}

// trySend sends v unless ch is full.
func trySend[T any](ch chan T, v T) {
	select {
	case ch <- v:
	default:
	}
}

// sleepCtx waits d, or less if ctx ends; it reports whether d passed.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
