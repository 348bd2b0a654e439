package main

import (
	"slices"
	"testing"
	"time"

	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

func TestLowerBound(t *testing.T) {
	t.Parallel()
	const mib = 1 << 20
	testCases := map[string]struct {
		perf ossemu.Performance
		size int64
		want time.Duration
	}{
		// HEAD, then one CopyObject on one stream.
		"small: one CopyObject": {
			perf: ossemu.Performance{RoundTrip: 100 * time.Millisecond, CopyRate: 50 * mib, AggregateCap: 600 * mib},
			size: 5 * mib, want: 300 * time.Millisecond,
		},
		// HEAD, Initiate, one round of parts at the aggregate cap, Complete.
		"large: multipart at the cap": {
			perf: ossemu.Performance{RoundTrip: 100 * time.Millisecond, CopyRate: 50 * mib, AggregateCap: 600 * mib},
			size: 600 * mib, want: 1400 * time.Millisecond,
		},
		// A fast stream and a long round trip: CopyObject beats multipart.
		"fast stream: CopyObject at 64 MiB": {
			perf: ossemu.Performance{RoundTrip: 100 * time.Millisecond, CopyRate: 640 * mib, AggregateCap: 1280 * mib},
			size: 64 * mib, want: 300 * time.Millisecond,
		},
		// Every request waits its server time after the round trip: 4 of
		// them for multipart.
		"server time": {
			perf: ossemu.Performance{RoundTrip: 100 * time.Millisecond, ServerTime: 50 * time.Millisecond, CopyRate: 50 * mib, AggregateCap: 600 * mib},
			size: 600 * mib, want: 1600 * time.Millisecond,
		},
		// Past 5 GiB only multipart remains.
		"larger than one CopyObject takes": {
			perf: ossemu.Performance{RoundTrip: 100 * time.Millisecond, CopyRate: 6 << 30, AggregateCap: 6 << 30},
			size: 6 << 30, want: 1400 * time.Millisecond,
		},
	}
	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got := lowerBound(tc.perf, tc.size); (got - tc.want).Abs() > time.Millisecond {
				t.Errorf("bound %s, want %s", got, tc.want)
			}
		})
	}
}

func TestParseFlagsQuick(t *testing.T) {
	t.Setenv("BENCH_QUICK", "1")
	cfg, err := parseFlags(nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{1 << 20, 64 << 20, 1 << 30}; !slices.Equal(cfg.sizes, want) {
		t.Errorf("sizes %v, want %v", cfg.sizes, want)
	}
	// Fractions of a GiB per second, rounded to whole bytes.
	if want := []int64{644_245_094, 1_288_490_189, 2_684_354_560}; !slices.Equal(cfg.caps, want) {
		t.Errorf("aggregate caps %v, want %v", cfg.caps, want)
	}
	if n := len(cfg.roundTrips) * len(cfg.streamRates) * len(cfg.caps); n != 27 || cfg.runs != 5 || cfg.learn != 3 || cfg.largeTarget != time.Second {
		t.Errorf("%d models, %d runs, %d learning copies, large target %s; want 27, 5, 3, 1s", n, cfg.runs, cfg.learn, cfg.largeTarget)
	}
	if _, err := parseFlags([]string{"-copiers", "nope"}); err == nil {
		t.Error("an unknown copier was accepted")
	}
	if !cfg.stress || len(stressModels) == 0 || stressExtra.QPSLimit == 0 {
		t.Error("the default sweep has no throttled stress rows")
	}
}

// The rest of the model applies to every model of the grid.
func TestParseFlagsModel(t *testing.T) {
	t.Parallel()
	cfg, err := parseFlags([]string{"-server-time", "10ms", "-straggle", "0.5", "-seed", "7", "-qps-limit", "100", "-stress=false"})
	if err != nil {
		t.Fatal(err)
	}
	want := ossemu.Performance{ServerTime: 10 * time.Millisecond, Straggle: 0.5, Seed: 7, QPSLimit: 100}
	if cfg.extra != want || cfg.stress {
		t.Errorf("model %+v, stress %t; want %+v and no stress rows", cfg.extra, cfg.stress, want)
	}
	c := cell{roundTrip: time.Millisecond, rate: 1, capB: 2, extra: cfg.extra}
	if p := c.perf(0.5); p.ServerTime != want.ServerTime || p.Straggle != want.Straggle || p.Seed != 7 || p.QPSLimit != 100 || p.TimeScale != 0.5 {
		t.Errorf("cell's performance %+v lacks the flags' model", p)
	}
	if _, err := parseFlags([]string{"-qps-limit", "-1"}); err == nil {
		t.Error("a negative QPS limit was accepted")
	}
}

// outcomeOf is an outcome of copies whose ratios are given.
func outcomeOf(ratios ...float64) outcome {
	o := outcome{ratios: slices.Sorted(slices.Values(ratios))}
	for _, r := range ratios {
		o.runs = append(o.runs, measurement{wall: time.Duration(r * float64(time.Second)), verified: true})
	}
	return o
}

func TestSlowerBeyondSpread(t *testing.T) {
	t.Parallel()
	testCases := map[string]struct {
		copier, tuned, engine outcome
		want                  bool
	}{
		"faster":                         {outcomeOf(3, 3.1, 3.2), outcomeOf(1.05, 1.06, 1.1), outcomeOf(1.02, 1.04, 1.2), false},
		"slower within the tuned spread": {outcomeOf(3, 3.1, 3.2), outcomeOf(1.05, 1.06, 1.1), outcomeOf(1.07, 1.08, 1.09), false},
		"slower beyond the tuned spread": {outcomeOf(3, 3.1, 3.2), outcomeOf(1.05, 1.06, 1.1), outcomeOf(1.0, 1.11, 1.12), true},
		// The better Copier by median decides, not the one with the widest spread.
		"the default Copier is better": {outcomeOf(1.02, 1.03, 1.03), outcomeOf(1.05, 1.06, 1.5), outcomeOf(1.04, 1.04, 1.04), true},
	}
	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := result{outcomes: map[string]outcome{"copier": tc.copier, "tuned": tc.tuned, "engine": tc.engine}}
			if got := slowerBeyondSpread(r); got != tc.want {
				t.Errorf("slower beyond the spread: %t, want %t", got, tc.want)
			}
		})
	}
}

func TestFarBehind(t *testing.T) {
	t.Parallel()
	r := result{scale: 1, outcomes: map[string]outcome{
		"copier": outcomeOf(2.5), "tuned": outcomeOf(1.2), "engine": outcomeOf(1.1), "seed": {failed: "not run"},
	}}
	ratio := func(_ string, m measurement) float64 { return m.wall.Seconds() }
	for name, want := range map[string]bool{"copier": true, "tuned": false, "engine": false, "seed": true} {
		if got := farBehind(r, ratio, name); got != want {
			t.Errorf("%s far behind: %t, want %t", name, got, want)
		}
	}
}
