package netwatch

import "time"

// DefaultClockCheck is how often the wall clock is compared with the
// monotonic clock. A resume from suspend is noticed within this time;
// 1 s is well inside the 4 s INTERRUPTED timer of SPEC §2 and costs two
// clock reads per second.
const DefaultClockCheck = time.Second

// clockJumpThreshold is the divergence between wall and monotonic elapsed
// time reported as a jump. Linux's monotonic clock stops during suspend
// while the wall clock does not, so a suspend shows as the wall clock
// running ahead; a clock step (NTP, an operator) shows either way. NTP
// slewing moves the clocks apart by at most 0.5 ms per second, and a
// suspend or step of less than 2 s leaves sessions alive (the shortest
// timer of SPEC §2 is 4 s), so 2 s flags only what matters.
const clockJumpThreshold = 2 * time.Second

// clockReading is one reading of both clocks.
type clockReading struct {
	wall time.Time     // wall clock, without monotonic reading
	mono time.Duration // monotonic time since an arbitrary origin
}

// systemClock returns a function reading the real clocks, with the
// monotonic origin at the time of the call.
func systemClock() func() clockReading {
	origin := time.Now()
	return func() clockReading {
		now := time.Now()
		return clockReading{wall: now.Round(0), mono: now.Sub(origin)}
	}
}

// clockJump returns how far the wall clock moved beyond (or behind) the
// monotonic clock between two readings.
func clockJump(prev, now clockReading) time.Duration {
	return now.wall.Sub(prev.wall) - (now.mono - prev.mono)
}

// clockJumped reports whether the clocks diverged by at least the threshold.
func clockJumped(prev, now clockReading) bool {
	j := clockJump(prev, now)
	return j >= clockJumpThreshold || j <= -clockJumpThreshold
}
