package ossemu

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"
)

const mib = 1 << 20

// streamRun is one copy stream of a scenario: it starts at (modeled) time
// start with size bytes and, if cancelAt > 0, is cancelled at that time.
type streamRun struct {
	start, cancelAt time.Duration
	size            int64
	want            time.Duration // modeled finish (or cancel) time
}

// measured is what happened to one stream, in real time from the start of
// the scenario.
type measured struct{ start, end time.Duration }

// runStreams plays streams through the model, scaled by p.TimeScale.
func runStreams(t *testing.T, p Performance, streams []streamRun) []measured {
	t.Helper()
	c := newControls()
	defer c.close()
	c.bw.set(p)
	scale := p.scale()
	got := make([]measured, len(streams))
	errs := make([]error, len(streams))
	begin := time.Now()
	var wg sync.WaitGroup
	for i, st := range streams {
		wg.Go(func() {
			time.Sleep(time.Duration(float64(st.start) * scale))
			ctx := context.Background()
			if st.cancelAt > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithDeadline(ctx, begin.Add(time.Duration(float64(st.cancelAt)*scale)))
				defer cancel()
			}
			got[i].start = time.Since(begin)
			errs[i] = c.copyWait(ctx, st.size)
			got[i].end = time.Since(begin)
		})
	}
	wg.Wait()
	for i, st := range streams {
		if (errs[i] != nil) != (st.cancelAt > 0) {
			t.Errorf("stream %d: err = %v, cancelled at %v", i, errs[i], st.cancelAt)
		}
	}
	return got
}

// fluidFinish computes when streams finish under fair sharing by stepping
// time in small increments: a method independent of the model's virtual
// time, used as the test's oracle. Cancelled streams end at their cancel.
func fluidFinish(p Performance, starts, cancels []time.Duration, sizes []int64) []time.Duration {
	const dt = 5 * time.Microsecond
	left := make([]float64, len(sizes))
	for i, n := range sizes {
		left[i] = float64(n)
	}
	end := make([]time.Duration, len(sizes))
	for now, pending := time.Duration(0), len(sizes); pending > 0; now += dt {
		var active []int
		for i := range sizes {
			if end[i] == 0 && starts[i] <= now {
				if cancels[i] > 0 && now >= cancels[i] {
					end[i], pending = cancels[i], pending-1
					continue
				}
				active = append(active, i)
			}
		}
		step := p.streamRate(len(active)) * dt.Seconds()
		for _, i := range active {
			if left[i] -= step; left[i] <= 0 {
				end[i], pending = now+dt, pending-1
			}
		}
	}
	return end
}

// checkTimes compares the real finish times with the oracle's for the real
// start and cancel times, and reports (for retryLate) a finish earlier than
// that or later than a busy machine's scheduling latency allows. It also
// checks that the scenario's nominal times are the oracle's, so that the
// table states the model correctly.
func checkTimes(t *testing.T, p Performance, streams []streamRun, got []measured) (late string) {
	t.Helper()
	scale := p.scale()
	n := len(streams)
	nominalStarts, starts := make([]time.Duration, n), make([]time.Duration, n)
	nominalCancels, cancels := make([]time.Duration, n), make([]time.Duration, n)
	sizes := make([]int64, n)
	for i, st := range streams {
		nominalStarts[i], starts[i] = time.Duration(float64(st.start)*scale), got[i].start
		if st.cancelAt > 0 {
			nominalCancels[i], cancels[i] = time.Duration(float64(st.cancelAt)*scale), got[i].end
		}
		sizes[i] = st.size
	}
	nominal := fluidFinish(p, nominalStarts, nominalCancels, sizes)
	want := fluidFinish(p, starts, cancels, sizes)
	for i, st := range streams {
		if d := nominal[i] - time.Duration(float64(st.want)*scale); d < -50*time.Microsecond || d > 50*time.Microsecond {
			t.Errorf("stream %d: the table says %v, the oracle %v (scaled)", i, st.want, nominal[i])
		}
		t.Logf("stream %d: modeled %v, scaled %v, oracle for the real start %v, measured %v (%.3fx)",
			i, st.want, nominal[i], want[i], got[i].end, float64(got[i].end)/float64(want[i]))
		if got[i].end < want[i]-time.Millisecond {
			late += fmt.Sprintf("stream %d finished early, after %v, want %v; ", i, got[i].end, want[i])
		}
		if got[i].end > want[i]*3/2+100*time.Millisecond {
			late += fmt.Sprintf("stream %d finished after %v, want %v; ", i, got[i].end, want[i])
		}
	}
	return late
}

// timingAttempts is how often a timing check that came out late is run:
// on a machine shared by several jobs (CI tests the other packages beside
// this one) a timer can fire tens to hundreds of milliseconds late now and
// then, but a model that is late every time is wrong. An early finish is
// tried again too, since the test measures a stream's start just before
// copyWait registers it: a goroutine descheduled in between joins late,
// and the streams already running get its share for that moment (seen in
// CI: two of four streams 3% early). A model that finishes early every
// time is wrong, and still fails.
const timingAttempts = 5

// retryLate runs attempt until it reports no finish off its oracle, at
// most timingAttempts times, and fails the test if every attempt was off.
func retryLate(t *testing.T, attempt func() (late string)) {
	t.Helper()
	for i := 1; ; i++ {
		late := attempt()
		if late == "" {
			return
		}
		if i == timingAttempts {
			t.Errorf("off in %d attempts; the last: %s", i, late)
			return
		}
		t.Logf("attempt %d off (%s); trying again", i, late)
	}
}

func TestBandwidthModel(t *testing.T) {
	testCases := map[string]struct {
		perf    Performance
		streams []streamRun
	}{
		"one stream at the copy rate": {
			perf:    Performance{CopyRate: 100 * mib, AggregateCap: 1000 * mib, TimeScale: 0.2},
			streams: []streamRun{{size: 100 * mib, want: time.Second}},
		},
		"aggregate cap shared by four streams": {
			// 4 x 100 MiB/s would be 400 MiB/s: the 200 MiB/s cap leaves 50 each.
			perf: Performance{CopyRate: 100 * mib, AggregateCap: 200 * mib, TimeScale: 0.1},
			streams: []streamRun{
				{size: 100 * mib, want: 2 * time.Second},
				{size: 100 * mib, want: 2 * time.Second},
				{size: 100 * mib, want: 2 * time.Second},
				{size: 100 * mib, want: 2 * time.Second},
			},
		},
		"a finishing stream speeds up the others": {
			// Both at 50 MiB/s until the small one is done at 1 s; the big
			// one's last 50 MiB then go at the full 100 MiB/s.
			perf: Performance{CopyRate: 100 * mib, AggregateCap: 100 * mib, TimeScale: 0.2},
			streams: []streamRun{
				{size: 100 * mib, want: 1500 * time.Millisecond},
				{size: 50 * mib, want: time.Second},
			},
		},
		"late arrival slows the first stream": {
			// Alone for 0.5 s (50 MiB), then 50 MiB/s each: the first has 50
			// MiB left (1 s), the second gets 50 MiB by then and its last 50
			// MiB alone (0.5 s).
			perf: Performance{CopyRate: 100 * mib, AggregateCap: 100 * mib, TimeScale: 0.2},
			streams: []streamRun{
				{size: 100 * mib, want: 1500 * time.Millisecond},
				{start: 500 * time.Millisecond, size: 100 * mib, want: 2 * time.Second},
			},
		},
		"a cancelled stream frees its share at once": {
			// 50 MiB/s each for 0.5 s; the survivor's last 75 MiB go at 100 MiB/s.
			perf: Performance{CopyRate: 100 * mib, AggregateCap: 100 * mib, TimeScale: 0.2},
			streams: []streamRun{
				{size: 100 * mib, want: 1250 * time.Millisecond},
				{size: 100 * mib, cancelAt: 500 * time.Millisecond, want: 500 * time.Millisecond},
			},
		},
		"per-stream rate below the cap share": {
			// 3 x 20 MiB/s stays under the cap: the cap does not matter.
			perf: Performance{CopyRate: 20 * mib, AggregateCap: 1000 * mib, TimeScale: 0.1},
			streams: []streamRun{
				{size: 20 * mib, want: time.Second},
				{size: 40 * mib, want: 2 * time.Second},
				{size: 30 * mib, want: 1500 * time.Millisecond},
			},
		},
		"only an aggregate cap": {
			perf: Performance{AggregateCap: 100 * mib, TimeScale: 0.2},
			streams: []streamRun{
				{size: 50 * mib, want: time.Second},
				{size: 50 * mib, want: time.Second},
			},
		},
	}
	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			retryLate(t, func() string { return checkTimes(t, tc.perf, tc.streams, runStreams(t, tc.perf, tc.streams)) })
		})
	}
}

func TestBandwidthUnlimited(t *testing.T) {
	c := newControls()
	defer c.close()
	begin := time.Now()
	if err := c.copyWait(context.Background(), 1<<40); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(begin); d > 5*time.Millisecond {
		t.Errorf("a copy without a model took %v", d)
	}
	if len(c.bw.streams) != 0 {
		t.Errorf("%d streams registered without a model", len(c.bw.streams))
	}
}

// TestBandwidthModelChange shows that SetPerformance applies to copies in
// progress from the moment it is called.
func TestBandwidthModelChange(t *testing.T) {
	retryLate(t, func() string { return modelChange(t) })
}

func modelChange(t *testing.T) (late string) {
	c := newControls()
	defer c.close()
	c.bw.set(Performance{CopyRate: 100 * mib, TimeScale: 0.2})
	begin := time.Now()
	done := make(chan time.Duration)
	go func() {
		_ = c.copyWait(context.Background(), 100*mib)
		done <- time.Since(begin)
	}()
	// After about 0.5 s modeled (50 MiB), halve the rate. At 500 MiB per
	// real second until the change at c, then 250, the copy ends at
	// c + (100 MiB - 500 MiB/s * c) / (250 MiB/s) = 400ms - c.
	time.Sleep(100 * time.Millisecond)
	changed := time.Since(begin)
	c.bw.set(Performance{CopyRate: 50 * mib, TimeScale: 0.2})
	got := <-done
	want := 400*time.Millisecond - changed
	t.Logf("rate halved after %v: copy took %v, model %v", changed, got, want)
	if got < want-time.Millisecond {
		t.Errorf("copy took %v, want %v", got, want)
	}
	if got > want*11/10+25*time.Millisecond {
		return fmt.Sprintf("copy took %v, want %v", got, want)
	}
	return ""
}

// TestControlsCloseEndsWaits shows that closing the server ends modeled
// waits at once instead of letting them run their course.
func TestControlsCloseEndsWaits(t *testing.T) {
	c := newControls()
	c.bw.set(Performance{RoundTrip: time.Hour, CopyRate: 1})
	errs := make(chan error, 2)
	go func() { errs <- c.requestWait(context.Background(), 0) }()
	go func() { errs <- c.copyWait(context.Background(), 1<<30) }()
	time.Sleep(20 * time.Millisecond)
	c.close()
	for range 2 {
		select {
		case err := <-errs:
			if err != errServerClosing {
				t.Errorf("err = %v, want errServerClosing", err)
			}
		case <-time.After(time.Second):
			t.Fatal("a wait did not end when the controls closed")
		}
	}
	if err := c.copyWait(context.Background(), 1); err != errServerClosing {
		t.Errorf("a copy starting after close: err = %v, want errServerClosing", err)
	}
}

// TestSleepIsPunctual shows that short modeled waits end on time. With a
// plain Go timer each of these waits ended 0.3-1 ms late on an idle
// machine, real time that no time scale shrinks. When even a goroutine
// that spins to its deadlines ends late, the machine is too busy to tell a
// punctual waker from a late one: such an attempt proves nothing either
// way, and a test that only ever saw those is skipped, not passed.
func TestSleepIsPunctual(t *testing.T) {
	const n, d = 20, 2500 * time.Microsecond
	const slack = n * 150 * time.Microsecond
	busy := ""
	for i := 1; i <= timingAttempts; i++ {
		if spun := spinLate(n, d); spun > slack {
			busy = fmt.Sprintf("spinning %d times to a deadline %v ahead ended %v late", n, d, spun)
			t.Logf("attempt %d: %s; trying again", i, busy)
			continue
		}
		late := sleepLate(t, n, d)
		t.Logf("%d waits of %v: %v late in all", n, d, late)
		if late < 0 {
			t.Fatalf("%d waits of %v ended %v early", n, d, -late)
		}
		if late <= slack {
			return
		}
		if i == timingAttempts {
			t.Fatalf("%d waits of %v ended %v late, more than %v, while the machine kept time", n, d, late, slack)
		}
		t.Logf("attempt %d late; trying again", i)
	}
	t.Skipf("the machine was too busy to measure punctuality in %d attempts; the last: %s", timingAttempts, busy)
}

// sleepLate is how late n modeled waits of d, one after another, end in all.
func sleepLate(t *testing.T, n int, d time.Duration) time.Duration {
	c := newControls()
	defer c.close()
	begin := time.Now()
	for range n {
		if err := c.sleep(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	return time.Since(begin) - time.Duration(n)*d
}

// spinLate is how late n spins to deadlines d apart end in all: what the
// operating system takes from a goroutine that never sleeps.
func spinLate(n int, d time.Duration) time.Duration {
	begin := time.Now()
	for range n {
		next := time.Now().Add(d)
		for time.Now().Before(next) {
			runtime.Gosched()
		}
	}
	return time.Since(begin) - time.Duration(n)*d
}

// TestWakerOrderAndCancel shows that wake-ups run in deadline order
// whatever the order they were scheduled in, that a cancelled one never
// runs, and that nothing runs after close.
func TestWakerOrderAndCancel(t *testing.T) {
	c := newControls()
	var mu sync.Mutex
	var ran []int
	base := time.Now().Add(5 * time.Millisecond)
	wus := map[int]*wakeup{}
	for _, i := range []int{3, 0, 4, 1, 2} {
		wus[i] = c.wake.at(base.Add(time.Duration(i)*time.Millisecond), func() {
			mu.Lock()
			defer mu.Unlock()
			ran = append(ran, i)
		})
	}
	c.wake.cancel(wus[1])
	c.wake.cancel(nil)
	time.Sleep(30 * time.Millisecond)
	c.close()
	c.wake.at(time.Now(), func() { t.Error("a wake-up scheduled after close ran") })
	time.Sleep(5 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(ran) != "[0 2 3 4]" {
		t.Errorf("ran %v, want [0 2 3 4]", ran)
	}
}

// TestWakerEndsWhenIdle shows that the waker's goroutine, which spins
// through the last moments before each deadline, exists only while a wait
// is pending: after waits that ended and a wait whose client hung up, an
// idle server has no goroutine left to burn CPU or to outlive the wait.
func TestWakerEndsWhenIdle(t *testing.T) {
	c := newControls()
	defer c.close()
	idle := func(what string) {
		t.Helper()
		for deadline := time.Now().Add(time.Second); ; time.Sleep(time.Millisecond) {
			c.wake.mu.Lock()
			running := c.wake.running
			c.wake.mu.Unlock()
			if !running {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("the waker's goroutine still runs a second after %s", what)
			}
		}
	}
	for range 3 {
		if err := c.sleep(context.Background(), time.Millisecond); err != nil {
			t.Fatal(err)
		}
	}
	idle("the last wait ended")

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if err := c.sleep(ctx, time.Hour); err != context.DeadlineExceeded {
		t.Fatalf("an hour's wait whose client hung up: err = %v", err)
	}
	idle("the only wait was given up")
}

// draws takes n straggle multipliers from a model with p's Straggle and Seed.
func draws(p Performance, n int) []float64 {
	c := newControls()
	defer c.close()
	c.bw.set(p)
	m := make([]float64, n)
	for i := range m {
		m[i] = c.bw.straggle()
	}
	return m
}

// TestStraggleDistribution checks the spread Performance documents: a
// lognormal of median 1, so at Straggle 0.5 about 8% of draws are above 2
// and 1% above 3.2, and at 1, 1% above 10; the same seed gives the same
// draws and another seed others.
func TestStraggleDistribution(t *testing.T) {
	testCases := map[string]struct {
		straggle   float64
		over2, p99 float64
	}{
		"0.5": {straggle: 0.5, over2: 0.083, p99: 3.20},
		"1":   {straggle: 1, over2: 0.244, p99: 10.2},
	}
	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			const n = 20000
			m := draws(Performance{Straggle: tc.straggle, Seed: 1}, n)
			sorted := slices.Clone(m)
			slices.Sort(sorted)
			median, p99 := sorted[n/2], sorted[n*99/100]
			over2 := float64(n-sort.SearchFloat64s(sorted, 2)) / n
			t.Logf("median %.3f, above 2: %.2f%%, 99th percentile %.2f", median, 100*over2, p99)
			if median < 0.97 || median > 1.03 {
				t.Errorf("median %.3f, want 1", median)
			}
			if math.Abs(over2-tc.over2) > 0.1*tc.over2 {
				t.Errorf("%.2f%% above 2, want %.1f%%", 100*over2, 100*tc.over2)
			}
			if math.Abs(p99-tc.p99) > 0.1*tc.p99 {
				t.Errorf("99th percentile %.2f, want %.2f", p99, tc.p99)
			}
			if again := draws(Performance{Straggle: tc.straggle, Seed: 1}, n); !slices.Equal(again, m) {
				t.Error("the same seed gave other draws")
			}
			if other := draws(Performance{Straggle: tc.straggle, Seed: 2}, 10); slices.Equal(other, m[:10]) {
				t.Error("another seed gave the same draws")
			}
		})
	}
	for _, m := range draws(Performance{Seed: 1}, 100) {
		if m != 1 {
			t.Fatalf("a draw of %v without Straggle", m)
		}
	}
}

// TestServerTimeStraggles shows that each request's server time is the
// median ServerTime times its own draw, after the round trip and scaled
// with it, and constant without Straggle.
func TestServerTimeStraggles(t *testing.T) {
	p := Performance{RoundTrip: 10 * time.Millisecond, ServerTime: 20 * time.Millisecond, Straggle: 0.5, Seed: 9, TimeScale: 0.5}
	c := newControls()
	defer c.close()
	c.bw.set(p)
	want := draws(p, 1000)
	var slow int
	for i, m := range want {
		got := c.bw.requestTime()
		if w := time.Duration(float64(10*time.Millisecond+time.Duration(float64(20*time.Millisecond)*m)) * 0.5); got != w {
			t.Fatalf("request %d: %v, want 5ms + 10ms x %.3f = %v", i, got, m, w)
		}
		if got > 5*time.Millisecond+20*time.Millisecond {
			slow++
		}
	}
	t.Logf("%d of 1000 requests took over twice the median server time", slow)
	c.bw.set(Performance{RoundTrip: 10 * time.Millisecond, ServerTime: 20 * time.Millisecond, Seed: 9, TimeScale: 0.5})
	for range 10 {
		if got := c.bw.requestTime(); got != 15*time.Millisecond {
			t.Fatalf("request without Straggle took %v, want 15ms", got)
		}
	}
}

// TestStragglingStreams shows that stragglers slow the streams they hit and
// only those: four equal parts under an aggregate cap finish when the
// oracle says for sizes multiplied by the seed's draws.
func TestStragglingStreams(t *testing.T) {
	p := Performance{CopyRate: 100 * mib, AggregateCap: 200 * mib, Straggle: 0.5, Seed: 3, TimeScale: 0.2}
	m := draws(p, 4)
	sizes, zero := make([]int64, 4), make([]time.Duration, 4)
	for i := range sizes {
		sizes[i] = int64(float64(40*mib) * m[i])
	}
	want := fluidFinish(p, zero, zero, sizes)
	slices.Sort(want)
	if want[3]-want[0] < 50*time.Millisecond {
		t.Fatalf("seed 3 gives parts too alike for the test: multipliers %.2f", m)
	}
	streams := make([]streamRun, 4)
	for i := range streams {
		streams[i] = streamRun{size: 40 * mib}
	}
	retryLate(t, func() string {
		got := runStreams(t, p, streams)
		ends := make([]time.Duration, len(got))
		for i, g := range got {
			ends[i] = g.end
		}
		slices.Sort(ends)
		var late string
		for i := range ends {
			t.Logf("part finished %d: %v, oracle %v", i+1, ends[i], want[i])
			if ends[i] < want[i]-time.Millisecond || ends[i] > want[i]*11/10+25*time.Millisecond {
				late += fmt.Sprintf("part finished %d after %v, want %v; ", i+1, ends[i], want[i])
			}
		}
		return late
	})
}

// TestQPSLimiter plays requests against the token bucket on a made-up
// clock: a burst of QPSLimit, then QPSLimit per scaled second, per account.
func TestQPSLimiter(t *testing.T) {
	var q qpsLimiter
	q.set(10, 0.5) // 10 per modeled second at time scale 0.5: 20 per real second
	t0 := time.Unix(1000, 0)
	for i := range 10 {
		if _, ok := q.admit("a", t0); !ok {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	if wait, ok := q.admit("a", t0); ok || wait != 50*time.Millisecond {
		t.Errorf("11th request: admitted %v, wait %v; want refused, wait 50ms", ok, wait)
	}
	if _, ok := q.admit("b", t0); !ok {
		t.Error("another account was refused")
	}
	if _, ok := q.admit("a", t0.Add(50*time.Millisecond)); !ok {
		t.Error("refused when the next token is due")
	}
	// Requests every millisecond for a second: the bucket is empty, so 20
	// pass, one per 50 ms.
	passed := 0
	for i := 1; i <= 1000; i++ {
		if _, ok := q.admit("a", t0.Add(50*time.Millisecond+time.Duration(i)*time.Millisecond)); ok {
			passed++
		}
	}
	if passed != 20 {
		t.Errorf("%d requests passed in a second of overload, want 20", passed)
	}
	// A long idle time refills the bucket to the burst, not beyond.
	later, passed := t0.Add(time.Hour), 0
	for range 15 {
		if _, ok := q.admit("a", later); ok {
			passed++
		}
	}
	if passed != 10 {
		t.Errorf("%d requests passed after an hour idle, want the burst of 10", passed)
	}
	q.set(0, 1)
	for range 100 {
		if _, ok := q.admit("a", later); !ok {
			t.Fatal("refused without a limit")
		}
	}
}
