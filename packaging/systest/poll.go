package systest

import (
	"context"
	"fmt"
	"time"
)

// pollInterval is how often a wait re-checks its condition: short against the
// 100 ms restart delay being measured, long enough not to load a 2-core box.
const pollInterval = 10 * time.Millisecond

// Poll calls cond until it reports done, returns an error, or ctx ends.
// It is how every wait in this package synchronises: a condition under a
// deadline, never a sleep. On timeout the last error from cond, if any, is
// part of the returned error.
func Poll(ctx context.Context, what string, cond func() (bool, error)) error {
	return pollEvery(ctx, what, pollInterval, cond)
}

// pollEvery is Poll with a chosen interval.
func pollEvery(ctx context.Context, what string, every time.Duration, cond func() (bool, error)) error {
	tick := time.NewTicker(every)
	defer tick.Stop()
	var last error
	for {
		done, err := cond()
		if done {
			return err
		}
		last = err
		select {
		case <-ctx.Done():
			if last != nil {
				return fmt.Errorf("waiting for %s: %w (last: %v)", what, ctx.Err(), last)
			}
			return fmt.Errorf("waiting for %s: %w", what, ctx.Err())
		case <-tick.C:
		}
	}
}
