package server

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// pruneEvery is how often idle entries are dropped from the per-IP table,
// so that it cannot grow without bound under a scan of many addresses.
const pruneEvery = time.Minute

// ipLimiter is a token bucket per client IP.
type ipLimiter struct {
	mu        sync.Mutex
	r         rate.Limit
	burst     int
	idle      time.Duration // an entry idle this long is as good as new
	buckets   map[string]*ipBucket
	lastPrune time.Time
}

type ipBucket struct {
	l    *rate.Limiter
	seen time.Time
}

func newIPLimiter(perSecond float64, burst int) *ipLimiter {
	refill := time.Duration(float64(burst) / perSecond * float64(time.Second))
	return &ipLimiter{r: rate.Limit(perSecond), burst: burst, idle: max(refill, pruneEvery),
		buckets: map[string]*ipBucket{}}
}

// allow takes one token from ip's bucket.
func (l *ipLimiter) allow(ip string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[ip]
	if b == nil {
		b = &ipBucket{l: rate.NewLimiter(l.r, l.burst)}
		l.buckets[ip] = b
	}
	b.seen = now
	ok := b.l.AllowN(now, 1)
	if now.Sub(l.lastPrune) >= pruneEvery {
		l.prune(now)
	}
	return ok
}

func (l *ipLimiter) prune(now time.Time) {
	l.lastPrune = now
	for ip, b := range l.buckets {
		if now.Sub(b.seen) >= l.idle {
			delete(l.buckets, ip)
		}
	}
}
