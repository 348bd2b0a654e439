package ossemu

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// qpsLimiter keeps Performance.QPSLimit: one token bucket per account, each
// refilled at limit tokens per scaled second and holding at most limit, so
// that an account idle for a second may send a burst of limit requests.
type qpsLimiter struct {
	mu       sync.Mutex
	limit    int
	rate     rate.Limit // tokens per real second
	accounts map[string]*rate.Limiter
}

func (q *qpsLimiter) set(limit int, scale float64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.limit = limit
	q.rate = rate.Limit(float64(limit) / scale)
	q.accounts = map[string]*rate.Limiter{}
}

// admit takes one of account's tokens at now. Without one it says how long
// until the next, and takes none: OSS refuses the request rather than
// queueing it.
func (q *qpsLimiter) admit(account string, now time.Time) (wait time.Duration, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.limit <= 0 {
		return 0, true
	}
	l := q.accounts[account]
	if l == nil {
		l = rate.NewLimiter(q.rate, q.limit)
		q.accounts[account] = l
	}
	r := l.ReserveN(now, 1)
	if wait = r.DelayFrom(now); wait == 0 {
		return 0, true
	}
	r.CancelAt(now)
	return wait, false
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
