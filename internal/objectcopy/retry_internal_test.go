package objectcopy

import (
	"slices"
	"testing"
	"time"
)

// Requests throttled together come back spaced by the longest wait asked,
// each no earlier than it was asked to, and a request throttled after the
// queue has drained waits only what it was asked.
func TestRetryPolicyPacesThrottledRequests(t *testing.T) {
	t.Parallel()
	r := newRetryPolicy(0)
	now := time.Now()
	const wait = 50 * time.Millisecond
	var got []time.Duration
	// OSS asks less of a request throttled just before its next free slot.
	for _, w := range []time.Duration{wait, wait / 5, wait, wait / 2} {
		got = append(got, r.pace(now, w))
	}
	if want := []time.Duration{wait, 2 * wait, 3 * wait, 4 * wait}; !slices.Equal(got, want) {
		t.Errorf("delays %v, want %v", got, want)
	}
	// Asked for longer than the queue holds: what was asked, and the
	// longer spacing from then on.
	if got := r.pace(now, 10*wait); got != 10*wait {
		t.Errorf("a longer wait gave %v, want %v", got, 10*wait)
	}
	if got := r.pace(now, wait); got != 20*wait {
		t.Errorf("the next gave %v, want %v", got, 20*wait)
	}
	later := now.Add(time.Minute)
	if got := r.pace(later, wait); got != wait {
		t.Errorf("after the queue drained: %v, want %v", got, wait)
	}
}
