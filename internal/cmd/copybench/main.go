// Command copybench compares three ways of copying an OSS object on the
// server side, on one in-process emulator whose performance model stands in
// for OSS: the seed's algorithm (sequential 1 MiB UploadPartCopy), the SDK's
// Copier with its defaults, and this project's engine with its defaults.
//
// Usage:
//
//	go run ./internal/cmd/copybench [flags]
//
// BENCH_QUICK=1 copies only 1 MiB, 64 MiB and 1 GiB. Every size ends with
// one summary line:
//
//	size=... seed=...s copier=...s ours=...s speedup_vs_seed=... speedup_vs_copier=... ratio_to_bound=...
//
// The model's lower bound for a copy is four round trips (learn the size,
// Initiate, one part, Complete) plus the size divided by the aggregate cap.
//
// Ratios to the bound do not depend on the time scale, and the scale check
// shows it: every copy runs again at -check-scale (default 0.1, or 0, no
// check, with BENCH_QUICK=1), and at a near-zero scale, which measures the
// copy's unmodeled cost (CPU of the client and the emulator, HTTP,
// connection set-up): real time that no scale shrinks, and what separates
// the ratios at the two scales.
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"runtime"
	"runtime/metrics"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"

	"github.com/ossprovider/terraform-provider-oss/internal/objectcopy"
	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

const (
	srcBucket = "bench-source"
	dstBucket = "bench-destination"
	// seedPartSize is the part size of the seed's sample.
	seedPartSize = 1 << 20
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "copybench:", err)
		os.Exit(1)
	}
}

type config struct {
	perf       ossemu.Performance
	checkScale float64 // 0: no scale check
	sizes      []int64
	copiers    []string
}

const (
	// unmodeledScale is the near-zero time scale at which a copy's wall
	// time is its unmodeled cost: the model's delays shrink to microseconds
	// (a 9 GiB copy's bound becomes 5 µs) while the requests stay the same.
	unmodeledScale = 1e-6
	// checkRuns and checkBudget bound the copies the scale check makes per
	// copier and scale: up to checkRuns, fewer once they took checkBudget
	// together (a long copy averages the machine's noise over its many
	// requests, and the seed's copies take minutes).
	checkRuns   = 5
	checkBudget = time.Second
)

func parseFlags(args []string) (*config, error) {
	fs := flag.NewFlagSet("copybench", flag.ContinueOnError)
	roundTrip := fs.Duration("round-trip", 30*time.Millisecond, "modeled round trip added to every request")
	copyRate := fs.String("copy-rate", "150MiB", "modeled copy rate of one UploadPartCopy or CopyObject stream, per second")
	aggregate := fs.String("aggregate-cap", "2GiB", "modeled copy rate of all streams together, per second")
	timeScale := fs.Float64("time-scale", 1, "factor applied to every modeled delay (ratios do not depend on it)")
	checkScale := fs.Float64("check-scale", 0.1, "second time scale at which every copy runs again to show that ratios do not depend on the scale (0: no check; BENCH_QUICK=1: 0)")
	sizes := fs.String("sizes", "1MiB,64MiB,1GiB,9GiB,12GiB", "comma-separated object sizes (BENCH_QUICK=1: 1MiB,64MiB,1GiB)")
	copiers := fs.String("copiers", "seed,copier,ours", "comma-separated copiers to run")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if *timeScale <= 0 || *checkScale < 0 {
		return nil, errors.New("-time-scale must be positive and -check-scale positive or 0")
	}
	cfg := &config{perf: ossemu.Performance{RoundTrip: *roundTrip, TimeScale: *timeScale}, checkScale: *checkScale}
	var err error
	if cfg.perf.CopyRate, err = ossemu.ParseSize(*copyRate); err != nil {
		return nil, err
	}
	if cfg.perf.AggregateCap, err = ossemu.ParseSize(*aggregate); err != nil {
		return nil, err
	}
	sizeList := *sizes
	if os.Getenv("BENCH_QUICK") == "1" {
		// The check would take the quick run past a minute.
		if !flagSet(fs, "sizes") {
			sizeList = "1MiB,64MiB,1GiB"
		}
		if !flagSet(fs, "check-scale") {
			cfg.checkScale = 0
		}
	}
	for s := range strings.SplitSeq(sizeList, ",") {
		n, err := ossemu.ParseSize(s)
		if err != nil {
			return nil, err
		}
		cfg.sizes = append(cfg.sizes, n)
	}
	for c := range strings.SplitSeq(*copiers, ",") {
		if _, ok := copierFuncs[c]; !ok {
			return nil, fmt.Errorf("unknown copier %q (known: seed, copier, ours)", c)
		}
		cfg.copiers = append(cfg.copiers, c)
	}
	return cfg, nil
}

func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// copyFunc copies srcBucket/srcKey to dstBucket/dstKey.
type copyFunc func(ctx context.Context, c *oss.Client, srcKey, dstKey string) error

var copierFuncs = map[string]copyFunc{
	"seed":   seedCopy,
	"copier": sdkCopierCopy,
	"ours":   engineCopy,
}

// seedCopy is the seed's sample in Go: GetObjectMeta, Initiate, 1 MiB parts
// one after another, Complete, and no abort when something fails.
func seedCopy(ctx context.Context, c *oss.Client, srcKey, dstKey string) error {
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

func sdkCopierCopy(ctx context.Context, c *oss.Client, srcKey, dstKey string) error {
	_, err := c.NewCopier().Copy(ctx, &oss.CopyObjectRequest{
		Bucket: oss.Ptr(dstBucket), Key: oss.Ptr(dstKey), SourceBucket: oss.Ptr(srcBucket), SourceKey: oss.Ptr(srcKey),
	})
	return err
}

func engineCopy(ctx context.Context, c *oss.Client, srcKey, dstKey string) error {
	_, err := objectcopy.Copy(ctx, c, objectcopy.Params{
		SourceBucket: srcBucket, SourceKey: srcKey, Bucket: dstBucket, Key: dstKey,
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

func run(args []string, out io.Writer) error {
	cfg, err := parseFlags(args)
	if err != nil {
		return err
	}
	// Extent-identity digests: hashing gigabytes of generated bytes would
	// cost the emulator more CPU than the copies being measured.
	srv, err := ossemu.NewServer(ossemu.WithDigestFromExtentIdentity())
	if err != nil {
		return err
	}
	defer srv.Close()
	for _, b := range []string{srcBucket, dstBucket} {
		if err := srv.CreateBucket(b, ""); err != nil {
			return err
		}
	}
	if err := warmUp(srv, cfg); err != nil {
		return err
	}
	srv.SetPerformance(cfg.perf)

	p := cfg.perf
	fmt.Fprintf(out, "model: round_trip=%s copy_rate=%s/s aggregate_cap=%s/s time_scale=%g\n",
		p.RoundTrip, formatSize(p.CopyRate), formatSize(p.AggregateCap), p.TimeScale)
	fmt.Fprintf(out, "engine defaults: parallelism=%d, part size automatic, single CopyObject up to the threshold\n", objectcopy.DefaultParallelism)
	fmt.Fprintf(out, "peak_heap: growth of the process's live heap during the copy (copier and emulator share the process)\n\n")

	var summaries, checks []string
	for i, size := range cfg.sizes {
		srcKey := "source-" + formatSize(size)
		src, err := srv.PutGeneratedObject(srcBucket, srcKey, size, uint64(i+1), nil)
		if err != nil {
			return err
		}
		bound := lowerBound(p, size)
		fmt.Fprintf(out, "size=%s bound=%.3fs\n", formatSize(size), bound.Seconds())
		results := map[string]measurement{}
		for _, name := range cfg.copiers {
			m, err := copyOnce(srv, name, src)
			if err != nil {
				return err
			}
			results[name] = m
			report(out, name, m, bound)
		}
		if cfg.checkScale > 0 {
			lines, err := scaleCheck(srv, cfg, src, results)
			if err != nil {
				return err
			}
			checks = append(checks, lines...)
		}
		summaries = append(summaries, summary(size, results, bound))
		fmt.Fprintln(out)
	}
	if len(checks) > 0 {
		fmt.Fprintf(out, "scale check: ratio_to_bound at time scales %g and %g, and unmodeled = wall time at scale %g: the real time\n",
			p.TimeScale, cfg.checkScale, unmodeledScale)
		fmt.Fprintf(out, "no scale shrinks; each the median of up to %d copies (fewer when they take over %v together);\n", checkRuns, checkBudget)
		fmt.Fprintf(out, "explained = the difference the unmodeled time makes to the ratios; residual = diff - explained\n")
		for _, c := range checks {
			fmt.Fprintln(out, c)
		}
		fmt.Fprintln(out)
	}
	for _, s := range summaries {
		fmt.Fprintln(out, s)
	}
	return nil
}

// copyOnce copies src with the named copier under the server's current
// model, checks the copy and aborts what the copier left behind.
func copyOnce(srv *ossemu.Server, name string, src ossemu.ObjectInfo) (measurement, error) {
	dstKey := name + "-" + formatSize(src.Size)
	m := measure(srv, copierFuncs[name], src.Key, dstKey)
	if m.err == nil {
		dst, err := srv.HeadObject(dstBucket, dstKey, "")
		m.verified = err == nil && dst.CRC64 == src.CRC64 && dst.Size == src.Size
	}
	var err error
	m.leftover, err = abortLeftovers(srv)
	return m, err
}

// warmUp copies once, untimed and at unmodeledScale, with every copier
// over both of the engine's paths, so that no measured copy pays for what a
// process does only once (lazy initialisation in the runtime, the SDK and
// the emulator: it made the first copy measured, the seed's at 1 MiB,
// several milliseconds slower).
func warmUp(srv *ossemu.Server, cfg *config) error {
	srv.SetPerformance(cfg.at(unmodeledScale))
	for i, size := range []int64{1 << 20, 64 << 20} {
		src, err := srv.PutGeneratedObject(srcBucket, "warm-up-"+formatSize(size), size, uint64(1000+i), nil)
		if err != nil {
			return err
		}
		for _, name := range cfg.copiers {
			m, err := copyOnce(srv, name, src)
			if err != nil {
				return err
			}
			if !m.ok() {
				return fmt.Errorf("warm-up copy of %s with %s failed: %v", formatSize(size), name, m.err)
			}
		}
	}
	return nil
}

// at is the benchmark's model at another time scale.
func (cfg *config) at(scale float64) ossemu.Performance {
	p := cfg.perf
	p.TimeScale = scale
	return p
}

// scaleCheck copies again with every copier, at the benchmark's time
// scale, at cfg.checkScale and at unmodeledScale, and returns one line per
// copier: its ratios at both scales and how much of their difference the
// unmodeled cost explains. Each figure is the median of up to checkRuns
// copies (the copy already measured counts as the first at the benchmark's
// scale): one copy of a few milliseconds is at the mercy of the machine's
// other jobs.
func scaleCheck(srv *ossemu.Server, cfg *config, src ossemu.ObjectInfo, measured map[string]measurement) ([]string, error) {
	defer srv.SetPerformance(cfg.perf)
	scaleA, scaleB := cfg.perf.TimeScale, cfg.checkScale
	boundA, boundB := lowerBound(cfg.at(scaleA), src.Size), lowerBound(cfg.at(scaleB), src.Size)
	var lines []string
	for _, name := range cfg.copiers {
		line := fmt.Sprintf("size=%-6s copier=%-6s", formatSize(src.Size), name)
		var walls [3]time.Duration
		for i, scale := range []float64{scaleA, scaleB, unmodeledScale} {
			srv.SetPerformance(cfg.at(scale))
			var runs []measurement
			if i == 0 {
				runs = append(runs, measured[name])
			}
			m, err := median(srv, name, src, runs)
			if err != nil {
				return nil, err
			}
			if !m.ok() {
				line += fmt.Sprintf(" n/a: the copy failed at time scale %g", scale)
				break
			}
			walls[i] = m.wall
		}
		if walls[2] == 0 {
			lines = append(lines, line)
			continue
		}
		ratioA, ratioB, unmodeled := walls[0].Seconds()/boundA.Seconds(), walls[1].Seconds()/boundB.Seconds(), walls[2]
		explained := unmodeled.Seconds()/boundB.Seconds() - unmodeled.Seconds()/boundA.Seconds()
		lines = append(lines, fmt.Sprintf("%s ratio@%g=%.3f ratio@%g=%.3f diff=%+.3f unmodeled=%.1fms (%.2fms/request) explained=%+.3f residual=%+.3f",
			line, scaleA, ratioA, scaleB, ratioB, ratioB-ratioA, ms(unmodeled), ms(unmodeled)/float64(measured[name].total()), explained, ratioB-ratioA-explained))
	}
	return lines, nil
}

// median adds copies under the server's current model to runs until there
// are checkRuns or they took checkBudget together, and returns the one with
// the median wall time, or the first that failed.
func median(srv *ossemu.Server, name string, src ossemu.ObjectInfo, runs []measurement) (measurement, error) {
	var total time.Duration
	for _, m := range runs {
		if !m.ok() {
			return m, nil
		}
		total += m.wall
	}
	for len(runs) < checkRuns && total < checkBudget {
		m, err := copyOnce(srv, name, src)
		if err != nil || !m.ok() {
			return m, err
		}
		runs = append(runs, m)
		total += m.wall
	}
	slices.SortFunc(runs, func(a, b measurement) int { return cmp.Compare(a.wall, b.wall) })
	return runs[(len(runs)-1)/2], nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// lowerBound is the model's bound: four round trips and the bytes at the
// aggregate cap, with the time scale applied.
func lowerBound(p ossemu.Performance, size int64) time.Duration {
	scale := p.TimeScale
	if scale == 0 {
		scale = 1
	}
	d := 4 * p.RoundTrip
	if p.AggregateCap > 0 {
		d += time.Duration(float64(size) / float64(p.AggregateCap) * float64(time.Second))
	}
	return time.Duration(float64(d) * scale)
}

func newClient(srv *ossemu.Server) *oss.Client {
	id, secret := srv.Credentials()
	return oss.NewClient(oss.LoadDefaultConfig().
		WithCredentialsProvider(credentials.NewStaticCredentialsProvider(id, secret)).
		WithRegion(srv.Region()).
		WithEndpoint(srv.Endpoint()).
		WithUsePathStyle(true))
}

// measure runs one copy with a fresh client, so that no copier inherits
// another's warm connections, and samples the heap while it runs.
func measure(srv *ossemu.Server, run copyFunc, srcKey, dstKey string) measurement {
	c := newClient(srv)
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
	srv.ResetCounts()
	start := time.Now()
	err := run(context.Background(), c, srcKey, dstKey)
	wall := time.Since(start)
	close(stop)
	<-sampled
	m := measurement{wall: wall, requests: srv.RequestCounts(), err: err}
	if p := peak.Load(); p > base {
		m.peakHeap = p - base
	}
	return m
}

func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// abortLeftovers aborts and counts the uploads a copier left behind (the
// seed's algorithm never aborts), so that they do not weigh on the next
// copier.
func abortLeftovers(srv *ossemu.Server) (int, error) {
	c := newClient(srv)
	ups := srv.Uploads()
	for _, u := range ups {
		if _, err := c.AbortMultipartUpload(context.Background(), &oss.AbortMultipartUploadRequest{
			Bucket: oss.Ptr(u.Bucket), Key: oss.Ptr(u.Key), UploadId: oss.Ptr(u.UploadID),
		}); err != nil {
			return 0, err
		}
	}
	return len(ups), nil
}

func report(out io.Writer, name string, m measurement, bound time.Duration) {
	var ops []string
	for _, op := range slices.Sorted(maps.Keys(m.requests)) {
		ops = append(ops, fmt.Sprintf("%s=%d", op, m.requests[op]))
	}
	status := "verified"
	switch {
	case m.err != nil:
		status = "FAILED: " + oneLine(m.err)
	case !m.verified:
		status = "WRONG CONTENT"
	}
	fmt.Fprintf(out, "  %-6s wall=%8.3fs ratio_to_bound=%6.2f requests=%d (%s) peak_heap=%s uploads_left=%d %s\n",
		name, m.wall.Seconds(), m.wall.Seconds()/bound.Seconds(), m.total(), strings.Join(ops, " "), formatSize(int64(m.peakHeap)), m.leftover, status)
}

func summary(size int64, r map[string]measurement, bound time.Duration) string {
	secs := func(name string) string {
		m, ok := r[name]
		switch {
		case !ok:
			return "n/a"
		case !m.ok():
			return "failed"
		}
		return fmt.Sprintf("%.3fs", m.wall.Seconds())
	}
	speedup := func(name string) string {
		m, ok := r[name]
		ours, oursOK := r["ours"]
		if !ok || !oursOK || !m.ok() || !ours.ok() {
			return "n/a"
		}
		return fmt.Sprintf("%.2f", m.wall.Seconds()/ours.wall.Seconds())
	}
	ratio := "n/a"
	if ours, ok := r["ours"]; ok && ours.ok() {
		ratio = fmt.Sprintf("%.3f", ours.wall.Seconds()/bound.Seconds())
	}
	return fmt.Sprintf("size=%s seed=%s copier=%s ours=%s speedup_vs_seed=%s speedup_vs_copier=%s ratio_to_bound=%s",
		formatSize(size), secs("seed"), secs("copier"), secs("ours"), speedup("seed"), speedup("copier"), ratio)
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
