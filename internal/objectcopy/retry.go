package objectcopy

import (
	"errors"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/retry"
)

const (
	// maxAttempts is how often one request is sent at most. It is higher than
	// the SDK's 3 because a copy of many parts meets many transient faults,
	// and one part that runs out of attempts fails the whole copy.
	maxAttempts = 6
	// maxThrottledAttempts is how often a request that OSS keeps
	// throttling, asking it to wait, is sent at most: it is paced (see
	// pace), but still competes with the requests sent for the first time.
	maxThrottledAttempts = 30
	// retryBaseDelay and retryMaxDelay shape the full-jitter backoff.
	retryBaseDelay = 100 * time.Millisecond
	retryMaxDelay  = 5 * time.Second
	// minRetryBudget is the number of retries a copy may spend in total,
	// plus one for every partsPerRetry parts. The bound keeps a copy against
	// a failing service from retrying every part maxAttempts times.
	minRetryBudget = 10
	partsPerRetry  = 5
)

var (
	errRetryBudgetSpent = errors.New("objectcopy: retry budget spent")
	errRetriesSpent     = errors.New("objectcopy: attempts spent")
)

// retryPolicy is the SDK retryer the engine passes to every request it sends.
// It keeps the SDK's classification (5xx, 408, 429, connection errors and
// timeouts are transient; 403, 404, 409 and 412 are not, except a
// RequestTimeTooSkewed 403, which the SDK fixes by correcting its clock) and
// backoff, and adds a budget shared by all requests of one copy.
type retryPolicy struct {
	std    *retry.Standard
	budget atomic.Int64
	// throttled is set once OSS answered 503 (Service Unavailable), which
	// it answers when requests come faster than it serves them: Tuner
	// lowers the parallelism.
	throttled atomic.Bool
	// paced is when the last throttled request was told to come back, and
	// spacing the longest wait OSS asked for: see pace.
	mu      sync.Mutex
	paced   time.Time
	spacing time.Duration
}

func newRetryPolicy(budget int64) *retryPolicy {
	r := &retryPolicy{std: retry.NewStandard(func(o *retry.RetryOptions) {
		o.MaxAttempts = maxAttempts
		o.BaseDelay = retryBaseDelay
		o.MaxBackoff = retryMaxDelay
	})}
	r.budget.Store(budget)
	return r
}

// IsErrorRetryable reports whether err is transient.
func (r *retryPolicy) IsErrorRetryable(err error) bool { return r.std.IsErrorRetryable(err) }

// MaxAttempts is the number of attempts per request that OSS throttles;
// RetryDelay ends the others after maxAttempts.
func (r *retryPolicy) MaxAttempts() int { return maxThrottledAttempts }

// RetryDelay is the backoff before the given attempt. The SDK asks for it
// only when it is about to retry, so this is where a retry is charged to the
// budget; an error tells the SDK to give up with the last attempt's error.
//
// A 503 that says how long to wait (x-oss-qos-delay-time: OSS throttled
// the account, for QPS or bandwidth) is charged nothing: the copy sent too
// much at once, which its Tuner corrects next time, and the service is not
// failing. Its request comes back when pace says, up to
// maxThrottledAttempts; a request that failed otherwise gets no more than
// maxAttempts, throttled attempts included.
func (r *retryPolicy) RetryDelay(attempt int, err error) (time.Duration, error) {
	var se *oss.ServiceError
	if errors.As(err, &se) && se.StatusCode == http.StatusServiceUnavailable {
		r.throttled.Store(true)
		if wait, ok := qosDelay(se); ok {
			return r.pace(time.Now(), wait), nil
		}
	}
	if attempt > maxAttempts {
		return 0, errRetriesSpent
	}
	if r.budget.Add(-1) < 0 {
		return 0, errRetryBudgetSpent
	}
	return r.std.RetryDelay(attempt, err)
}

// pace is the delay, from now, after which a request that OSS throttled
// asking it to wait comes back: no earlier than asked, and spaced from the
// throttled request before it by the longest wait OSS asked for, which is
// about how often it lets one more request in. OSS asks every request it
// throttles at once to wait until its next free slot, one; were they all
// to come back then, all but one would be throttled again, until the parts
// that lost most often ran out of attempts and failed the copy (100 parts
// at once against a QPS limit of 64 did). Spaced, they come back about as
// fast as OSS lets them in.
func (r *retryPolicy) pace(now time.Time, wait time.Duration) time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	at := now.Add(wait)
	if next := r.paced.Add(r.spacing); next.After(at) {
		at = next
	}
	r.paced = at
	r.spacing = max(r.spacing, wait)
	return at.Sub(now)
}

// qosDelay is the wait a throttling answer asks for, in milliseconds in
// x-oss-qos-delay-time, at most retryMaxDelay; false when it asks none.
func qosDelay(se *oss.ServiceError) (time.Duration, bool) {
	ms, err := strconv.ParseInt(se.Headers.Get("x-oss-qos-delay-time"), 10, 64)
	if err != nil || ms < 0 {
		return 0, false
	}
	return min(time.Duration(ms)*time.Millisecond, retryMaxDelay), true
}

// apply installs the policy on one request. RetryMaxAttempts is set too
// because a client configured with a retry count would otherwise override
// the policy's.
func (r *retryPolicy) apply(o *oss.Options) {
	o.Retryer = r
	o.RetryMaxAttempts = oss.Ptr(maxThrottledAttempts)
}
