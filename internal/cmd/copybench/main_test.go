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
	if n := len(cfg.roundTrips) * len(cfg.streamRates) * len(cfg.caps); n != 27 || cfg.runs != 3 {
		t.Errorf("%d models and %d runs, want 27 and 3", n, cfg.runs)
	}
	if _, err := parseFlags([]string{"-copiers", "nope"}); err == nil {
		t.Error("an unknown copier was accepted")
	}
}
