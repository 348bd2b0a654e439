// Command copybench compares ways of copying an OSS object on the server
// side, on an emulator whose performance model stands in for OSS: the
// seed's algorithm (sequential 1 MiB UploadPartCopy), the SDK's Copier with
// its defaults, the SDK's Copier tuned (16 parts in parallel, a part size
// that copies the object in one round of them), and this project's engine
// (objectcopy.Copy with a Tuner).
//
// Usage:
//
//	go run ./internal/cmd/copybench [flags]
//
// It sweeps a grid of models (round trip x per-stream copy rate x aggregate
// cap) and object sizes, and reports every copier's time as a ratio to the
// model's lower bound (see lowerBound), which it computes from the model.
// BENCH_QUICK=1 copies only 1 MiB, 64 MiB and 1 GiB. -server-time,
// -straggle, -seed and -qps-limit add the rest of the emulator's model to
// every model of the grid. Unless -stress=false, a few stress models
// follow: grid models with server time, stragglers and a QPS limit that
// throttles the engine's parallelism (see stressModels).
//
// Each model and size runs at its own time scale, chosen so that the
// bound takes -target of real time (-large-target from 64 MiB up): the scale
// stretches or shrinks every modeled delay alike, so ratios do not depend
// on it, as long as the real time the model does not count stays small
// against the scaled delays. That time is CPU and HTTP on loopback, about
// half a millisecond per request on two cores, most of it the emulator's:
// left unscaled, it would act as server time that the bound does not
// count, and weigh on the copiers that send the most requests where it
// says least about OSS: the engine's 64 MiB copy at 30 ms, 50 MiB/s and
// 2.5 GiB/s (100 parts at once) was 1.234 of the bound at 100 ms and
// 1.037 at 1 s.
//
// The engine's Tuner first sees -learn untimed copies, as the provider's
// shared Tuner has seen the copies before the one at hand; their ratios are
// reported apart. Then the copiers take turns, -runs times, and the figures
// are medians; a copier far behind (see farBehind) is timed once. The
// engine counts as slower than the better Copier only beyond that Copier's
// spread (see slowerBeyondSpread).
//
// The emulator runs in a child process (this program with a hidden -serve
// flag), so that the heap figures are the copiers' own.
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"runtime"
	"runtime/metrics"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/transport"

	"github.com/ossprovider/terraform-provider-oss/internal/objectcopy"
	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

const (
	srcBucket = "bench-source"
	dstBucket = "bench-destination"
	// seedPartSize is the part size of the seed's sample.
	seedPartSize = 1 << 20
	// tunedParallelism is the tuned Copier's ParallelNum.
	tunedParallelism = 16
	// tunedThreshold is the tuned Copier's MultipartCopyThreshold.
	tunedThreshold = 16 << 20
	// headlineSize is the smallest size the targets are about, and where
	// -large-target takes over from -target: a copy at the cap sends up to
	// 100 parts at once, whose real cost (see above) weighs ten times less
	// in 1 s than in 100 ms.
	headlineSize = 64 << 20
	// farBehindRatio: see farBehind.
	farBehindRatio = 2
	// targetRatio is how close to the bound the engine should be.
	targetRatio = 1.15
)

// stressModels are the models the stress rows copy under: one where the cap
// needs many streams (51 of 50 MiB/s for 2.5 GiB/s), a middle one, and one
// where a single stream reaches the cap.
var stressModels = []cell{
	{roundTrip: 2 * time.Millisecond, rate: 50 << 20, capB: 25 << 30 / 10},
	{roundTrip: 30 * time.Millisecond, rate: 150 << 20, capB: 12 << 30 / 10},
	{roundTrip: 100 * time.Millisecond, rate: 600 << 20, capB: 6 << 30 / 10},
}

// stressExtra is the rest of the stress rows' model: per-request server
// time, stragglers among parts, and a QPS limit well above the tuned
// Copier's 19 requests per copy but at the engine's parallelism where the
// cap needs many streams (64 to 100 parts at once), so that OSS throttles
// it. The limit's bucket holds one second of requests, and every copy
// starts with it full (see copyAt).
var stressExtra = ossemu.Performance{ServerTime: 10 * time.Millisecond, Straggle: 0.5, Seed: 1, QPSLimit: 64}

func main() {
	if len(os.Args) == 2 && os.Args[1] == serveFlag {
		if err := serve(); err != nil {
			fmt.Fprintln(os.Stderr, "copybench -serve:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "copybench:", err)
		os.Exit(1)
	}
}

type config struct {
	roundTrips  []time.Duration
	streamRates []int64
	caps        []int64
	sizes       []int64
	copiers     []string
	runs        int
	seedRuns    int
	learn       int
	target      time.Duration
	// largeTarget replaces target from headlineSize up.
	largeTarget time.Duration
	// extra holds the model's server time, straggle, seed and QPS limit,
	// the same for every model of the grid.
	extra  ossemu.Performance
	stress bool
}

func parseFlags(args []string) (*config, error) {
	fs := flag.NewFlagSet("copybench", flag.ContinueOnError)
	roundTrips := fs.String("round-trips", "2ms,30ms,100ms", "comma-separated modeled round trips, added to every request")
	rates := fs.String("stream-rates", "50MiB,150MiB,600MiB", "comma-separated modeled copy rates of one UploadPartCopy or CopyObject stream, per second")
	caps := fs.String("aggregate-caps", "0.6GiB,1.2GiB,2.5GiB", "comma-separated modeled copy rates of all streams together, per second")
	sizes := fs.String("sizes", "1MiB,64MiB,1GiB,9GiB,12GiB", "comma-separated object sizes (BENCH_QUICK=1: 1MiB,64MiB,1GiB)")
	copiers := fs.String("copiers", strings.Join(copierNames, ","), "comma-separated copiers to run")
	runs := fs.Int("runs", 5, "timed copies per copier, model and size; the figures are their median")
	seedRuns := fs.Int("seed-runs", 1, "timed copies of the seed's algorithm (slow; not a headline figure)")
	learn := fs.Int("learn", 3, "untimed copies the engine's Tuner sees first, per model and size (their ratios are reported apart)")
	target := fs.Duration("target", 100*time.Millisecond, "real time the bound takes at each model's and size's time scale, below -large-target's sizes")
	largeTarget := fs.Duration("large-target", time.Second, fmt.Sprintf("-target from %s up, the sizes the targets are about", formatSize(headlineSize)))
	var extra ossemu.Performance
	fs.DurationVar(&extra.ServerTime, "server-time", 0, "modeled OSS time per request after the round trip, e.g. 10ms (the median with -straggle), for every model")
	fs.Float64Var(&extra.Straggle, "straggle", 0, "sigma of the lognormal spread (median 1) of server times and part copy times, e.g. 0.5, for every model")
	fs.Uint64Var(&extra.Seed, "seed", 0, "seed of -straggle's draws")
	fs.IntVar(&extra.QPSLimit, "qps-limit", 0, "requests per modeled second the account may send before OSS answers 503, for every model (0 = unlimited)")
	stress := fs.Bool("stress", true, fmt.Sprintf("after the grid, copy under %d stress models with %s", len(stressModels), stressText()))
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if *runs < 1 || *seedRuns < 1 || *learn < 0 || *target <= 0 || *largeTarget <= 0 {
		return nil, errors.New("-runs and -seed-runs must be at least 1, -learn not negative, -target and -large-target positive")
	}
	if extra.ServerTime < 0 || extra.Straggle < 0 || extra.QPSLimit < 0 {
		return nil, errors.New("-server-time, -straggle and -qps-limit must not be negative")
	}
	cfg := &config{runs: *runs, seedRuns: *seedRuns, learn: *learn, target: *target, largeTarget: *largeTarget, extra: extra, stress: *stress}
	if os.Getenv("BENCH_QUICK") == "1" && !flagSet(fs, "sizes") {
		*sizes = "1MiB,64MiB,1GiB"
	}
	for s := range strings.SplitSeq(*roundTrips, ",") {
		d, err := time.ParseDuration(s)
		if err != nil {
			return nil, err
		}
		cfg.roundTrips = append(cfg.roundTrips, d)
	}
	var err error
	if cfg.streamRates, err = parseRates(*rates); err != nil {
		return nil, err
	}
	if cfg.caps, err = parseRates(*caps); err != nil {
		return nil, err
	}
	if cfg.sizes, err = parseSizes(*sizes); err != nil {
		return nil, err
	}
	for c := range strings.SplitSeq(*copiers, ",") {
		if _, ok := copierFuncs[c]; !ok {
			return nil, fmt.Errorf("unknown copier %q (known: %s)", c, strings.Join(copierNames, ", "))
		}
		cfg.copiers = append(cfg.copiers, c)
	}
	return cfg, nil
}

func parseSizes(list string) ([]int64, error) {
	var out []int64
	for s := range strings.SplitSeq(list, ",") {
		n, err := ossemu.ParseSize(s)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// parseRates reads a comma-separated list of rates as ossemu.ParseRate does.
func parseRates(list string) ([]int64, error) {
	var out []int64
	for s := range strings.SplitSeq(list, ",") {
		n, err := ossemu.ParseRate(s)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// copyFunc copies srcBucket/srcKey of size bytes to dstBucket/dstKey.
type copyFunc func(ctx context.Context, c *oss.Client, srcKey, dstKey string, size int64, t *objectcopy.Tuner) error

var copierNames = []string{"seed", "copier", "tuned", "engine"}

var copierFuncs = map[string]copyFunc{
	"seed":   seedCopy,
	"copier": sdkCopierCopy,
	"tuned":  tunedCopierCopy,
	"engine": engineCopy,
}

// seedCopy is the seed's sample in Go: GetObjectMeta, Initiate, 1 MiB parts
// one after another, Complete, and no abort when something fails.
func seedCopy(ctx context.Context, c *oss.Client, srcKey, dstKey string, _ int64, _ *objectcopy.Tuner) error {
	meta, err := c.GetObjectMeta(ctx, &oss.GetObjectMetaRequest{Bucket: oss.Ptr(srcBucket), Key: oss.Ptr(srcKey)})
	if err != nil {
		return err
	}
	up, err := c.InitiateMultipartUpload(ctx, &oss.InitiateMultipartUploadRequest{Bucket: oss.Ptr(dstBucket), Key: oss.Ptr(dstKey)})
	if err != nil {
		return err
	}
	var parts []oss.UploadPart
	for off, n := int64(0), int32(1); off < meta.ContentLength; off, n = off+seedPartSize, n+1 {
		last := min(off+seedPartSize, meta.ContentLength) - 1
		res, err := c.UploadPartCopy(ctx, &oss.UploadPartCopyRequest{
			Bucket: oss.Ptr(dstBucket), Key: oss.Ptr(dstKey), UploadId: up.UploadId, PartNumber: n,
			SourceBucket: oss.Ptr(srcBucket), SourceKey: oss.Ptr(srcKey),
			Range: oss.Ptr(fmt.Sprintf("bytes=%d-%d", off, last)),
		})
		if err != nil {
			return fmt.Errorf("part %d: %w", n, err)
		}
		parts = append(parts, oss.UploadPart{PartNumber: n, ETag: res.ETag})
	}
	_, err = c.CompleteMultipartUpload(ctx, &oss.CompleteMultipartUploadRequest{
		Bucket: oss.Ptr(dstBucket), Key: oss.Ptr(dstKey), UploadId: up.UploadId,
		CompleteMultipartUpload: &oss.CompleteMultipartUpload{Parts: parts},
	})
	return err
}

func copierRequest(srcKey, dstKey string) *oss.CopyObjectRequest {
	return &oss.CopyObjectRequest{
		Bucket: oss.Ptr(dstBucket), Key: oss.Ptr(dstKey), SourceBucket: oss.Ptr(srcBucket), SourceKey: oss.Ptr(srcKey),
	}
}

func sdkCopierCopy(ctx context.Context, c *oss.Client, srcKey, dstKey string, _ int64, _ *objectcopy.Tuner) error {
	_, err := c.NewCopier().Copy(ctx, copierRequest(srcKey, dstKey))
	return err
}

// tunedCopierCopy is the Copier as a user who read this benchmark would set
// it: 16 parts at once, and a part size that copies the object in one round
// of them (the Copier's own part size is 64 MiB whatever the object).
func tunedCopierCopy(ctx context.Context, c *oss.Client, srcKey, dstKey string, size int64, _ *objectcopy.Tuner) error {
	part := max(objectcopy.MinPartSize, (size+tunedParallelism-1)/tunedParallelism)
	_, err := c.NewCopier(func(o *oss.CopierOptions) {
		o.ParallelNum = tunedParallelism
		o.PartSize = part
		o.MultipartCopyThreshold = tunedThreshold
	}).Copy(ctx, copierRequest(srcKey, dstKey))
	return err
}

// engineCopy copies as the provider does: HeadSource when it plans, then
// Copy with that Source, and a Tuner that lives as long as the process.
func engineCopy(ctx context.Context, c *oss.Client, srcKey, dstKey string, _ int64, t *objectcopy.Tuner) error {
	src, err := objectcopy.HeadSource(ctx, c, srcBucket, srcKey, "")
	if err != nil {
		return err
	}
	_, err = objectcopy.Copy(ctx, c, objectcopy.Params{
		SourceBucket: srcBucket, SourceKey: srcKey, Bucket: dstBucket, Key: dstKey, Source: src, Tuner: t,
	})
	return err
}

type measurement struct {
	wall     time.Duration
	requests map[string]int
	peakHeap uint64
	err      error
	verified bool
	leftover int // multipart uploads the copier left behind
}

// ok reports a copy that succeeded with the source's content.
func (m measurement) ok() bool { return m.err == nil && m.verified }

func (m measurement) total() int {
	n := 0
	for _, v := range m.requests {
		n += v
	}
	return n
}

// cell is one model of the sweep: its round trip, stream rate and cap, and
// in extra its server time, straggle, seed and QPS limit.
type cell struct {
	roundTrip  time.Duration
	rate, capB int64
	extra      ossemu.Performance
}

func (c cell) String() string {
	s := fmt.Sprintf("rt=%s rate=%s/s cap=%s/s", c.roundTrip, formatSize(c.rate), formatSize(c.capB))
	if e := c.extra; e.ServerTime != 0 || e.Straggle != 0 || e.QPSLimit != 0 {
		s += fmt.Sprintf(" server=%s straggle=%g seed=%d qps=%d", e.ServerTime, e.Straggle, e.Seed, e.QPSLimit)
	}
	return s
}

func (c cell) perf(scale float64) ossemu.Performance {
	p := c.extra
	p.RoundTrip, p.CopyRate, p.AggregateCap, p.TimeScale = c.roundTrip, c.rate, c.capB, scale
	return p
}

// stressText describes stressExtra for the flag's help and the report.
func stressText() string {
	e := stressExtra
	return fmt.Sprintf("server time %s, straggle %g (seed %d), QPS limit %d", e.ServerTime, e.Straggle, e.Seed, e.QPSLimit)
}

// outcome is one copier's figures for one cell and size.
type outcome struct {
	runs   []measurement
	ratios []float64 // wall / scaled bound, sorted; empty when a copy failed
	failed string
}

// slowest is the highest of o's ratios; NaN when a copy failed.
func (o outcome) slowest() float64 {
	if len(o.ratios) == 0 {
		return math.NaN()
	}
	return o.ratios[len(o.ratios)-1]
}

func (o outcome) median() float64 {
	if len(o.ratios) == 0 {
		return math.NaN()
	}
	return o.ratios[(len(o.ratios)-1)/2]
}

// result is one cell and size.
type result struct {
	cell  cell
	size  int64
	bound time.Duration // unscaled
	// scale is every copier's time scale but the seed's, which is
	// seedScale: at -large-target, its thousands of sequential parts would
	// take minutes per model.
	scale, seedScale float64
	outcomes         map[string]outcome
	// learning holds the ratios of the copies the engine's Tuner saw
	// before the timed ones, in order.
	learning []float64
}

func run(args []string, out io.Writer) error {
	cfg, err := parseFlags(args)
	if err != nil {
		return err
	}
	emu, err := startEmulator()
	if err != nil {
		return err
	}
	defer emu.close()

	start := time.Now()
	fmt.Fprintf(out, "copybench: %d models x %d sizes; copiers %s; %d timed runs each (the seed's algorithm %d); GOMAXPROCS=%d\n",
		len(cfg.roundTrips)*len(cfg.streamRates)*len(cfg.caps), len(cfg.sizes), strings.Join(cfg.copiers, ", "), cfg.runs, cfg.seedRuns, runtime.GOMAXPROCS(0))
	fmt.Fprintln(out, boundText)
	fmt.Fprintf(out, "scale: per model and size, target / bound, target %s below %s, %s from there (the seed's algorithm: %s); ratios = wall / (bound x scale)\n",
		cfg.target, formatSize(headlineSize), cfg.largeTarget, cfg.target)
	fmt.Fprintln(out, "tuned = the SDK's Copier with ParallelNum 16, part size size/16 (>= 100 KiB), MultipartCopyThreshold 16 MiB")
	fmt.Fprintf(out, "engine = HeadSource, then objectcopy.Copy with that Source and a Tuner, fresh per model and size, that first sees %d untimed copies (learn: their ratios)\n", cfg.learn)
	fmt.Fprintln(out, "slower beyond the spread: the engine's median is above the better Copier's slowest run")
	fmt.Fprintf(out, "a copier whose first copy took more than %g times the fastest first copy of its model and size is timed once (n=1)\n", float64(farBehindRatio))
	fmt.Fprintln(out, "peak_heap: the benchmark process's live-heap growth during the copy; the emulator runs in a child process, so this is the copier's own")
	fmt.Fprintln(out)

	if err := warmUp(emu, cfg); err != nil {
		return err
	}
	var grid []cell
	for _, rt := range cfg.roundTrips {
		for _, rate := range cfg.streamRates {
			for _, capB := range cfg.caps {
				grid = append(grid, cell{roundTrip: rt, rate: rate, capB: capB, extra: cfg.extra})
			}
		}
	}
	seed := uint64(1)
	results, err := measureCells(emu, cfg, grid, &seed, out)
	if err != nil {
		return err
	}
	fmt.Fprintln(out)
	summarize(out, cfg, results)
	if cfg.stress {
		fmt.Fprintf(out, "\nstress: %s\n", stressText())
		stress := make([]cell, len(stressModels))
		for i, c := range stressModels {
			c.extra = stressExtra
			stress[i] = c
		}
		if results, err = measureCells(emu, cfg, stress, &seed, out); err != nil {
			return err
		}
		fmt.Fprintln(out)
		summarize(out, cfg, results)
	}
	fmt.Fprintf(out, "\nduration: %s\n", time.Since(start).Round(time.Second))
	return nil
}

// measureCells measures every size under every model of cells; seed counts
// the sources made so far.
func measureCells(emu *emulator, cfg *config, cells []cell, seed *uint64, out io.Writer) ([]result, error) {
	var results []result
	for _, c := range cells {
		for _, size := range cfg.sizes {
			*seed++
			r, err := measureCell(emu, cfg, c, size, *seed, out)
			if err != nil {
				return nil, err
			}
			results = append(results, r)
		}
	}
	return results, nil
}

// measureCell copies one object of size bytes under cell's model with every
// copier, cfg.runs times each, the copiers taking turns so that the
// machine's other load spreads over them alike.
func measureCell(emu *emulator, cfg *config, c cell, size int64, seed uint64, out io.Writer) (result, error) {
	bound := lowerBound(c.perf(1), size)
	target := cfg.target
	if size >= headlineSize {
		target = cfg.largeTarget
	}
	r := result{cell: c, size: size, bound: bound, outcomes: map[string]outcome{},
		scale: target.Seconds() / bound.Seconds(), seedScale: cfg.target.Seconds() / bound.Seconds()}
	if err := emu.setPerformance(c.perf(r.scale)); err != nil {
		return r, err
	}
	srcKey := fmt.Sprintf("source-%d", seed)
	src, err := emu.putGenerated(srcKey, size, seed)
	if err != nil {
		return r, err
	}
	ratio := func(name string, m measurement) float64 {
		return m.wall.Seconds() / (bound.Seconds() * r.scaleOf(name))
	}
	tuner := objectcopy.NewTuner()
	if slices.Contains(cfg.copiers, "engine") {
		for i := range cfg.learn {
			m, err := copyAt(emu, c, r, cfg.runs+i, "engine", src, srcKey, tuner)
			if err != nil || !m.ok() {
				return r, errors.Join(err, m.err, fmt.Errorf("the engine's untimed copy of %s under %s failed", formatSize(size), c))
			}
			r.learning = append(r.learning, ratio("engine", m))
		}
	}
	for i := range cfg.runs {
		for _, name := range cfg.copiers {
			if name == "seed" && (i >= cfg.seedRuns || size > objectcopy.MaxParts*seedPartSize) {
				if i == 0 {
					r.outcomes[name] = outcome{failed: fmt.Sprintf("not run: more than %d parts of 1 MiB", objectcopy.MaxParts)}
				}
				continue
			}
			if i > 0 && farBehind(r, ratio, name) {
				continue
			}
			m, err := copyAt(emu, c, r, i, name, src, srcKey, tuner)
			if err != nil {
				return r, err
			}
			o := r.outcomes[name]
			o.runs = append(o.runs, m)
			if !m.ok() && o.failed == "" {
				o.failed = "FAILED: " + failure(m)
			}
			r.outcomes[name] = o
		}
	}
	for name, o := range r.outcomes {
		if o.failed == "" {
			for _, m := range o.runs {
				o.ratios = append(o.ratios, ratio(name, m))
			}
			slices.Sort(o.ratios)
		}
		r.outcomes[name] = o
	}
	report(out, cfg, r)
	return r, nil
}

// farBehind reports a copier whose first copy took more than farBehindRatio
// times the fastest first copy of the cell: timed again, it would decide
// nothing and could take minutes (the default Copier copies 64 MiB on one
// stream, 39 times the bound where the cap needs 51).
func farBehind(r result, ratio func(string, measurement) float64, name string) bool {
	first := func(n string) float64 {
		o := r.outcomes[n]
		if len(o.runs) == 0 || !o.runs[0].ok() {
			return math.Inf(1)
		}
		return ratio(n, o.runs[0])
	}
	best := math.Inf(1)
	for n := range r.outcomes {
		best = min(best, first(n))
	}
	return first(name) > farBehindRatio*best
}

func (r result) scaleOf(copier string) float64 {
	if copier == "seed" {
		return r.seedScale
	}
	return r.scale
}

// copyAt is copyOnce at the copier's time scale, with the run's straggle
// draws (the same for every copier's run-th copy) and the account's QPS
// bucket full, as after an idle second: each copy is throttled for its own
// burst, not for the copies before it, which follow each other without
// pause here.
func copyAt(emu *emulator, c cell, r result, run int, name string, src Object, srcKey string, t *objectcopy.Tuner) (measurement, error) {
	p := c.perf(r.scaleOf(name))
	p.Seed += uint64(run)
	if err := emu.setPerformance(p); err != nil {
		return measurement{}, err
	}
	return copyOnce(emu, name, src, srcKey, t, p.TimeScale)
}

func failure(m measurement) string {
	if m.err != nil {
		return oneLine(m.err)
	}
	return "WRONG CONTENT"
}

// copyOnce copies src with the named copier under the current model, whose
// time scale is scale, checks the copy and aborts what the copier left
// behind.
func copyOnce(emu *emulator, name string, src Object, srcKey string, t *objectcopy.Tuner, scale float64) (measurement, error) {
	dstKey := name + "-" + srcKey
	c := newClient(emu, scale)
	m, err := measure(emu, func(ctx context.Context) error {
		return copierFuncs[name](ctx, c, srcKey, dstKey, src.Size, t)
	})
	if err != nil {
		return m, err
	}
	if m.err == nil {
		dst, err := c.HeadObject(context.Background(), &oss.HeadObjectRequest{Bucket: oss.Ptr(dstBucket), Key: oss.Ptr(dstKey)})
		m.verified = err == nil && oss.ToString(dst.HashCRC64) == fmt.Sprint(src.CRC64) && dst.ContentLength == src.Size
	}
	m.leftover, err = abortLeftovers(c)
	return m, err
}

// warmUp copies once, untimed and without modeled delays, with every copier
// on both paths (CopyObject and multipart), so that no measured copy pays
// for what a process does only once (lazy initialisation in the runtime,
// the SDK and the emulator).
func warmUp(emu *emulator, cfg *config) error {
	if err := emu.setPerformance(ossemu.Performance{}); err != nil {
		return err
	}
	for i, size := range []int64{1 << 20, 64 << 20} {
		key := "warm-up-" + formatSize(size)
		src, err := emu.putGenerated(key, size, uint64(1000+i))
		if err != nil {
			return err
		}
		for _, name := range cfg.copiers {
			m, err := copyOnce(emu, name, src, key, objectcopy.NewTuner(), 1)
			if err != nil {
				return err
			}
			if !m.ok() {
				return fmt.Errorf("warm-up copy of %s with %s failed: %s", formatSize(size), name, failure(m))
			}
		}
	}
	return nil
}

// newClient is a client for the emulator at time scale scale, whose
// timeout for reading an answer grows with the scale: one CopyObject of
// 64 MiB at 50 MiB/s takes 1.3 s, 11 s at a scale of 9, past the SDK's
// default of 10 s.
func newClient(emu *emulator, scale float64) *oss.Client {
	return oss.NewClient(oss.LoadDefaultConfig().
		WithReadWriteTimeout(time.Duration(max(1, scale) * float64(transport.DefaultReadWriteTimeout))).
		WithCredentialsProvider(credentials.NewStaticCredentialsProvider(emu.ID, emu.Secret)).
		WithRegion(emu.Region).
		WithEndpoint(emu.Endpoint).
		WithUsePathStyle(true))
}

// measure runs one copy, with a fresh client so that no copier inherits
// another's warm connections, and samples the heap while it runs.
func measure(emu *emulator, copyFn func(context.Context) error) (measurement, error) {
	runtime.GC()
	base := liveHeap()
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			if h := liveHeap(); h > peak.Load() {
				peak.Store(h)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	if err := emu.resetCounts(); err != nil {
		return measurement{}, err
	}
	start := time.Now()
	err := copyFn(context.Background())
	wall := time.Since(start)
	close(stop)
	<-sampled
	m := measurement{wall: wall, err: err}
	var cerr error
	m.requests, cerr = emu.requestCounts()
	if p := peak.Load(); p > base {
		m.peakHeap = p - base
	}
	return m, cerr
}

func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// abortLeftovers aborts and counts the uploads a copier left behind (the
// seed's algorithm never aborts), so that they do not weigh on the next
// copier.
func abortLeftovers(c *oss.Client) (int, error) {
	ctx := context.Background()
	res, err := c.ListMultipartUploads(ctx, &oss.ListMultipartUploadsRequest{Bucket: oss.Ptr(dstBucket)})
	if err != nil {
		return 0, err
	}
	for _, u := range res.Uploads {
		if _, err := c.AbortMultipartUpload(ctx, &oss.AbortMultipartUploadRequest{
			Bucket: oss.Ptr(dstBucket), Key: u.Key, UploadId: u.UploadId,
		}); err != nil {
			return 0, err
		}
	}
	return len(res.Uploads), nil
}

// report prints one line per copier and one summary line for a cell and size.
func report(out io.Writer, cfg *config, r result) {
	fmt.Fprintf(out, "%s size=%s bound=%.3fs scale=%.3g\n", r.cell, formatSize(r.size), r.bound.Seconds(), r.scale)
	if len(r.learning) > 0 {
		var ratios []string
		for _, v := range r.learning {
			ratios = append(ratios, fmt.Sprintf("%.3f", v))
		}
		fmt.Fprintf(out, "  learn  ratios=%s\n", strings.Join(ratios, " "))
	}
	for _, name := range cfg.copiers {
		o, ok := r.outcomes[name]
		if !ok {
			continue
		}
		if o.failed != "" {
			fmt.Fprintf(out, "  %-6s %s\n", name, o.failed)
			continue
		}
		mid := medianRun(o)
		var ops []string
		for _, op := range slices.Sorted(maps.Keys(mid.requests)) {
			ops = append(ops, fmt.Sprintf("%s=%d", op, mid.requests[op]))
		}
		fmt.Fprintf(out, "  %-6s ratio=%.3f [%.3f-%.3f] n=%d requests=%d (%s) peak_heap=%s uploads_left=%d\n",
			name, o.median(), o.ratios[0], o.ratios[len(o.ratios)-1], len(o.ratios), mid.total(), strings.Join(ops, " "),
			formatSize(int64(mid.peakHeap)), mid.leftover)
	}
	fmt.Fprintln(out, summaryLine(r))
}

// medianRun is the run whose wall time is the median.
func medianRun(o outcome) measurement {
	runs := slices.Clone(o.runs)
	slices.SortFunc(runs, func(a, b measurement) int { return cmp.Compare(a.wall, b.wall) })
	return runs[(len(runs)-1)/2]
}

// bestCopier is the better of the two Copiers' median ratios; NaN when
// neither ran.
func bestCopier(r result) float64 {
	return bestCopierOutcome(r).median()
}

// bestCopierOutcome is the Copier with the better median; no ratios when
// neither ran.
func bestCopierOutcome(r result) outcome {
	var best outcome
	for _, name := range []string{"copier", "tuned"} {
		if o, ok := r.outcomes[name]; ok && o.failed == "" && (len(best.ratios) == 0 || o.median() < best.median()) {
			best = o
		}
	}
	return best
}

// slowerBeyondSpread reports an engine whose median copy took longer than
// the better Copier's slowest: a difference that the Copier's own runs do
// not span. Two copiers that send the same requests differ by noise, a few
// percent at 2 ms round trips, which decides "engine <= best Copier" by a
// coin toss.
func slowerBeyondSpread(r result) bool {
	return r.outcomes["engine"].median() > bestCopierOutcome(r).slowest()
}

func summaryLine(r result) string {
	f := func(name string) string {
		o, ok := r.outcomes[name]
		switch {
		case !ok:
			return "n/a"
		case o.failed != "":
			return "failed"
		}
		return fmt.Sprintf("%.3f", o.median())
	}
	engine := r.outcomes["engine"].median()
	s := fmt.Sprintf("summary %s size=%s ratio_to_bound: seed=%s copier=%s tuned=%s engine=%s engine/best_copier=%.3f",
		r.cell, formatSize(r.size), f("seed"), f("copier"), f("tuned"), f("engine"), engine/bestCopier(r))
	if slowerBeyondSpread(r) {
		s += " SLOWER beyond the spread"
	}
	return s
}

// summarize prints the final table: per size, the engine's median and worst
// ratio to the bound and to the better Copier, and how many cells meet the
// targets.
func summarize(out io.Writer, cfg *config, results []result) {
	fmt.Fprintln(out, "| size | engine/bound median | worst (cell) | engine/best Copier median | worst (cell) | cells <= 1.15 of bound | cells engine <= best Copier | cells slower beyond the spread |")
	fmt.Fprintln(out, "|---:|---:|---|---:|---|---:|---:|---:|")
	var headline []result
	for _, size := range cfg.sizes {
		var of []result
		for _, r := range results {
			if r.size == size {
				of = append(of, r)
			}
		}
		fmt.Fprintln(out, tableRow(formatSize(size), of))
		if size >= headlineSize {
			headline = append(headline, of...)
		}
	}
	if len(headline) > 0 {
		fmt.Fprintln(out, tableRow(">= 64MiB", headline))
	}
}

func tableRow(label string, rs []result) string {
	var toBound, toCopier []float64
	worstBound, worstCopier := -1, -1
	within, faster, slower := 0, 0, 0
	for i, r := range rs {
		e := r.outcomes["engine"].median()
		b := bestCopier(r)
		if math.IsNaN(e) {
			continue
		}
		toBound = append(toBound, e)
		if worstBound < 0 || e > rs[worstBound].outcomes["engine"].median() {
			worstBound = i
		}
		if e <= targetRatio {
			within++
		}
		if !math.IsNaN(b) {
			toCopier = append(toCopier, e/b)
			if worstCopier < 0 || e/b > rs[worstCopier].outcomes["engine"].median()/bestCopier(rs[worstCopier]) {
				worstCopier = i
			}
			if e <= b {
				faster++
			}
			if slowerBeyondSpread(r) {
				slower++
			}
		}
	}
	if worstBound < 0 {
		return fmt.Sprintf("| %s | n/a | | n/a | | | | |", label)
	}
	wc, wcCell := math.NaN(), ""
	if worstCopier >= 0 {
		wc = rs[worstCopier].outcomes["engine"].median() / bestCopier(rs[worstCopier])
		wcCell = rs[worstCopier].cell.String()
	}
	return fmt.Sprintf("| %s | %.3f | %.3f (%s) | %.3f | %.3f (%s) | %d/%d | %d/%d | %d/%d |", label,
		medianOf(toBound), rs[worstBound].outcomes["engine"].median(), rs[worstBound].cell,
		medianOf(toCopier), wc, wcCell, within, len(toBound), faster, len(toCopier), slower, len(toCopier))
}

func medianOf(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// oneLine shortens an SDK error, whose text spans several lines, to the
// operation and OSS error code.
func oneLine(err error) string {
	var se *oss.ServiceError
	msg := strings.SplitN(err.Error(), "\n", 2)[0]
	if errors.As(err, &se) {
		msg += fmt.Sprintf(" %s (HTTP %d): %s", se.Code, se.StatusCode, se.Message)
	}
	return msg
}

var units = []struct {
	suffix string
	n      int64
}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}

func formatSize(n int64) string {
	for _, u := range units {
		switch {
		case n < u.n:
			continue
		case n%u.n == 0:
			return fmt.Sprintf("%d%s", n/u.n, u.suffix)
		default:
			return fmt.Sprintf("%.1f%s", float64(n)/float64(u.n), u.suffix)
		}
	}
	return "0B"
}
