package ossemu

import (
	"context"
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

// runStreams plays streams through the model, scaled by p.TimeScale, and
// returns each stream's real finish time measured from the scenario start.
func runStreams(t *testing.T, p Performance, streams []streamRun) []time.Duration {
	t.Helper()
	c := newControls()
	defer c.close()
	c.bw.set(p)
	scale := p.scale()
	got := make([]time.Duration, len(streams))
	errs := make([]error, len(streams))
	begin := time.Now()
	var wg sync.WaitGroup
	for i, st := range streams {
		wg.Go(func() {
			time.Sleep(time.Duration(float64(st.start) * scale))
			ctx := context.Background()
			if st.cancelAt > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, time.Until(begin.Add(time.Duration(float64(st.cancelAt)*scale))))
				defer cancel()
			}
			errs[i] = c.copyWait(ctx, st.size)
			got[i] = time.Since(begin)
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

// checkTimes compares real finish times with the modeled ones: late by at
// most the scheduling latency of a busy machine, and early only by as much
// as a late-starting stream lets the others run alone (2%).
func checkTimes(t *testing.T, p Performance, streams []streamRun, got []time.Duration) {
	t.Helper()
	for i, st := range streams {
		want := time.Duration(float64(st.want) * p.scale())
		t.Logf("stream %d: modeled %v, scaled %v, measured %v (%.3fx)", i, st.want, want, got[i], float64(got[i])/float64(want))
		if got[i] < want*98/100-time.Millisecond || got[i] > want*11/10+25*time.Millisecond {
			t.Errorf("stream %d finished after %v, want %v", i, got[i], want)
		}
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
			checkTimes(t, tc.perf, tc.streams, runStreams(t, tc.perf, tc.streams))
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
	c := newControls()
	defer c.close()
	c.bw.set(Performance{CopyRate: 100 * mib, TimeScale: 0.2})
	begin := time.Now()
	done := make(chan time.Duration)
	go func() {
		_ = c.copyWait(context.Background(), 100*mib)
		done <- time.Since(begin)
	}()
	// After 0.5 s modeled (50 MiB), halve the rate: 50 MiB at 50 MiB/s is
	// another second, 1.5 s in all, 300 ms scaled.
	time.Sleep(100 * time.Millisecond)
	c.bw.set(Performance{CopyRate: 50 * mib, TimeScale: 0.2})
	got := <-done
	if want := 300 * time.Millisecond; got < want-time.Millisecond || got > want*11/10+25*time.Millisecond {
		t.Errorf("copy took %v, want %v", got, want)
	}
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
