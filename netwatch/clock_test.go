package netwatch

import (
	"testing"
	"time"
)

func TestClockJumped(t *testing.T) {
	base := clockReading{wall: time.Unix(1_700_000_000, 0), mono: time.Hour}
	at := func(wall, mono time.Duration) clockReading {
		return clockReading{wall: base.wall.Add(wall), mono: base.mono + mono}
	}
	tests := []struct {
		name string
		now  clockReading
		want bool
	}{
		{name: "clocks agree", now: at(time.Second, time.Second), want: false},
		{name: "ntp slew", now: at(time.Second+500*time.Microsecond, time.Second), want: false},
		{name: "late tick (cpu starved) moves both", now: at(5*time.Second, 5*time.Second), want: false},
		{name: "suspend of one hour: monotonic stood still", now: at(time.Hour+time.Second, time.Second), want: true},
		{name: "short suspend below the threshold", now: at(2500*time.Millisecond, time.Second), want: false},
		{name: "clock stepped back", now: at(-time.Minute, time.Second), want: true},
		{name: "exactly the threshold", now: at(time.Second+clockJumpThreshold, time.Second), want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := clockJumped(base, tt.now); got != tt.want {
				t.Errorf("clockJumped = %v (jump %v), want %v", got, clockJump(base, tt.now), tt.want)
			}
		})
	}
}

func TestSystemClock_NoJumpNow(t *testing.T) {
	c := systemClock()
	a, b := c(), c()
	if clockJumped(a, b) {
		t.Errorf("two immediate readings jumped by %v", clockJump(a, b))
	}
	if a.wall != a.wall.Round(0) {
		t.Errorf("wall reading keeps a monotonic component")
	}
}

func TestResubscribeBackoff(t *testing.T) {
	tests := []struct {
		name    string
		failure int
		want    time.Duration
	}{
		{name: "first failure: at once", failure: 1, want: 0},
		{name: "second", failure: 2, want: 50 * time.Millisecond},
		{name: "third", failure: 3, want: 100 * time.Millisecond},
		{name: "tenth", failure: 10, want: 50 * time.Millisecond << 8},
		{name: "capped", failure: 100, want: 30 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := resubscribeBackoff(tt.failure); got != tt.want {
				t.Errorf("resubscribeBackoff(%d) = %v, want %v", tt.failure, got, tt.want)
			}
		})
	}
}

func TestLogLimiter(t *testing.T) {
	l := newLogLimiter(time.Minute)
	t0 := time.Unix(0, 0)
	steps := []struct {
		name       string
		key        string
		at         time.Duration
		ok         bool
		suppressed int
	}{
		{name: "first", key: "a", at: 0, ok: true},
		{name: "repeat suppressed", key: "a", at: time.Second, ok: false},
		{name: "other key independent", key: "b", at: 2 * time.Second, ok: true},
		{name: "repeat suppressed again", key: "a", at: 3 * time.Second, ok: false},
		{name: "after the period, with the count", key: "a", at: time.Minute, ok: true, suppressed: 2},
	}
	for _, s := range steps {
		ok, n := l.allow(s.key, t0.Add(s.at))
		if ok != s.ok || n != s.suppressed {
			t.Errorf("%s: allow = %v, %d; want %v, %d", s.name, ok, n, s.ok, s.suppressed)
		}
	}
}
