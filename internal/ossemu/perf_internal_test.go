package ossemu

import (
	"context"
	"fmt"
	"runtime"
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
	go func() { errs <- c.sleep(context.Background(), c.bw.roundTrip()) }()
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
