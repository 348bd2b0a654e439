package main

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestRunScaleCheck runs the benchmark on a small size with a fast model and
// checks what a reader relies on: a scale-check line per copier with both
// ratios, their difference and the unmodeled cost, and the summary line in
// its fixed format as the last line.
func TestRunScaleCheck(t *testing.T) {
	var out strings.Builder
	args := []string{"-sizes", "1MiB", "-round-trip", "4ms", "-time-scale", "0.5", "-check-scale", "0.25"}
	if err := run(args, &out); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	t.Log(text)
	for _, name := range []string{"seed", "copier", "ours"} {
		check := regexp.MustCompile(`(?m)^size=1MiB +copier=` + name + ` +ratio@0\.5=\d+\.\d{3} ratio@0\.25=\d+\.\d{3} diff=[-+]\d+\.\d{3} ` +
			`unmodeled=\d+\.\dms \(\d+\.\d{2}ms/request\) explained=[-+]\d+\.\d{3} residual=[-+]\d+\.\d{3}$`)
		if !check.MatchString(text) {
			t.Errorf("no scale-check line for %s", name)
		}
	}
	summary := regexp.MustCompile(`^size=1MiB seed=\d+\.\d{3}s copier=\d+\.\d{3}s ours=\d+\.\d{3}s ` +
		`speedup_vs_seed=\d+\.\d{2} speedup_vs_copier=\d+\.\d{2} ratio_to_bound=\d+\.\d{3}$`)
	lines := strings.Split(strings.TrimSpace(text), "\n")
	if last := lines[len(lines)-1]; !summary.MatchString(last) {
		t.Errorf("last line %q is not the summary line", last)
	}
}

func TestParseFlagsScales(t *testing.T) {
	testCases := map[string]struct {
		args    []string
		quick   bool
		check   float64
		sizes   []int64
		wantErr bool
	}{
		"default check":         {args: nil, check: 0.1, sizes: []int64{1 << 20, 64 << 20, 1 << 30, 9 << 30, 12 << 30}},
		"check off":             {args: []string{"-check-scale", "0"}, check: 0},
		"quick: no check":       {args: nil, quick: true, check: 0, sizes: []int64{1 << 20, 64 << 20, 1 << 30}},
		"quick with a check":    {args: []string{"-check-scale", "0.25"}, quick: true, check: 0.25},
		"negative check":        {args: []string{"-check-scale", "-1"}, wantErr: true},
		"zero time scale":       {args: []string{"-time-scale", "0"}, wantErr: true},
		"other time scale":      {args: []string{"-time-scale", "0.5", "-check-scale", "0.05"}, check: 0.05},
		"quick sizes unchanged": {args: []string{"-sizes", "2MiB"}, quick: true, check: 0, sizes: []int64{2 << 20}},
	}
	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			quick := ""
			if tc.quick {
				quick = "1"
			}
			t.Setenv("BENCH_QUICK", quick)
			cfg, err := parseFlags(tc.args)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error: %v", err, tc.wantErr)
			}
			if err == nil && cfg.checkScale != tc.check {
				t.Errorf("check scale = %g, want %g", cfg.checkScale, tc.check)
			}
			if err == nil && tc.sizes != nil && !slices.Equal(cfg.sizes, tc.sizes) {
				t.Errorf("sizes = %v, want %v", cfg.sizes, tc.sizes)
			}
		})
	}
}
