package ossemu

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// qpsLimiter keeps Performance.QPSLimit: one token bucket per account, each
// refilled at limit tokens per scaled second and holding at most limit, so
// that an account idle for a second may send a burst of limit requests.
type qpsLimiter struct {
	mu      sync.Mutex
	limit   int
	rate    float64 // tokens per real second
	buckets map[string]*tokenBucket
}

type tokenBucket struct {
	tokens float64
	at     time.Time // when tokens was counted
}

func (q *qpsLimiter) set(limit int, scale float64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.limit, q.rate = limit, float64(limit)/scale
	q.buckets = map[string]*tokenBucket{}
}

// admit takes one of account's tokens at now. Without one it says how long
// until the next.
func (q *qpsLimiter) admit(account string, now time.Time) (wait time.Duration, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.limit <= 0 {
		return 0, true
	}
	b := q.buckets[account]
	if b == nil {
		b = &tokenBucket{tokens: float64(q.limit), at: now}
		q.buckets[account] = b
	}
	b.tokens = min(float64(q.limit), b.tokens+now.Sub(b.at).Seconds()*q.rate)
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return 0, true
	}
	return time.Duration((1 - b.tokens) / q.rate * float64(time.Second)), false
}

// checkQPS refuses a request beyond its account's QPSLimit as OSS does.
func (s *Server) checkQPS(rq *request) error {
	wait, ok := s.ctl.qps.admit(rq.account, time.Now())
	if ok {
		return nil
	}
	e := newError("TotalQpsLimitExceeded")
	e.header = http.Header{}
	e.header.Set("x-oss-qos-delay-time", strconv.FormatInt(int64(math.Ceil(wait.Seconds()*1000)), 10))
	return e
}
