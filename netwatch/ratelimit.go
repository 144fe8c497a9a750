package netwatch

import (
	"sync"
	"time"
)

// logEvery is how often a repeated warning (a failing read or
// subscription) is logged at most; the ones in between are counted and the
// count is logged with the next one.
const logEvery = 30 * time.Second

// logLimiter rate-limits log lines by key. It is safe for concurrent use:
// the netlink library's goroutines report errors through it too.
type logLimiter struct {
	mu         sync.Mutex
	every      time.Duration
	last       map[string]time.Time
	suppressed map[string]int
}

func newLogLimiter(every time.Duration) *logLimiter {
	return &logLimiter{every: every, last: map[string]time.Time{}, suppressed: map[string]int{}}
}

// allow reports whether a line with key may be logged now, and how many
// were suppressed since the last one that was.
func (l *logLimiter) allow(key string, now time.Time) (ok bool, suppressed int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if last, seen := l.last[key]; seen && now.Sub(last) < l.every {
		l.suppressed[key]++
		return false, 0
	}
	l.last[key] = now
	n := l.suppressed[key]
	delete(l.suppressed, key)
	return true, n
}
