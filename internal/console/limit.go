package console

import (
	"sync"
	"time"
)

// limiter is a token bucket per source address: each source may try burst
// sign-ins at once, then one more every interval. Buckets that have filled
// up again are forgotten, so memory follows the sources that are failing
// now, not every source ever seen.
type limiter struct {
	burst    float64
	interval time.Duration

	mu      sync.Mutex
	buckets map[string]bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	at     time.Time // when tokens was computed
}

func newLimiter(burst int, interval time.Duration) *limiter {
	return &limiter{burst: float64(burst), interval: interval, buckets: map[string]bucket{}}
}

// allow takes a token from source's bucket at now, if it has one.
func (l *limiter) allow(source string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > l.interval {
		for k, b := range l.buckets {
			if l.refill(b, now) >= l.burst {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b, ok := l.buckets[source]
	tokens := l.burst
	if ok {
		tokens = l.refill(b, now)
	}
	if tokens < 1 {
		l.buckets[source] = bucket{tokens: tokens, at: now}
		return false
	}
	l.buckets[source] = bucket{tokens: tokens - 1, at: now}
	return true
}

func (l *limiter) refill(b bucket, now time.Time) float64 {
	t := b.tokens + float64(now.Sub(b.at))/float64(l.interval)
	if t > l.burst {
		t = l.burst
	}
	return t
}
