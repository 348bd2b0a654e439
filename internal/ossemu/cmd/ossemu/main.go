// Command ossemu serves the OSS emulator (package ossemu) on a TCP address,
// for demos, manual use and benchmarks run against a separate process.
//
//	go run ./internal/ossemu/cmd/ossemu -addr 127.0.0.1:9000 -region cn-hangzhou
//
// It accepts the key pair in OSS_ACCESS_KEY_ID / OSS_ACCESS_KEY_SECRET, or
// generates one and prints it to stderr. The first line on stdout is the
// endpoint URL, so a script can start it and read where it listens; each
// -region-endpoint adds a line "REGION URL" after it. It stops cleanly on
// SIGINT and SIGTERM. Run it with -h for every flag.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// options are the parsed command line.
type options struct {
	addr, region     string
	regionEndpoints  listFlag
	accounts         listFlag
	buckets          listFlag
	versionedBuckets listFlag
	generate         listFlag
	perf             ossemu.Performance
	copyRate         rateFlag
	aggregateCap     rateFlag
	identityDigests  bool
	restoreDuration  time.Duration
}

const usageHeader = `Usage: ossemu [flags]

Serves an Alibaba Cloud OSS emulator over HTTP (path-style addressing; the
OSS Go SDK V2 switches to it by itself for IP endpoints). The first line on
stdout is the endpoint URL of the server's region; then each
-region-endpoint prints a line "REGION URL"; everything else goes to stderr.

As in OSS, each endpoint serves one region: a request for a bucket in
another region is refused (AccessDenied naming the bucket's endpoint), and
a V4 signature must be scoped to the endpoint's region. ListBuckets and
GetBucketLocation answer for every region through any endpoint; ListBuckets
and GetBucketInfo give as a bucket's endpoint this server's endpoint of the
bucket's region (host:port), so that a client can follow it.

Requests must be signed (V4 or V1) with the key pair in OSS_ACCESS_KEY_ID
and OSS_ACCESS_KEY_SECRET; when neither is set, a fresh pair is generated
and printed to stderr. SIGINT or SIGTERM stops the server; it exits 0.

SIZE is a byte count with an optional unit: B, KiB, MiB, GiB or TiB
(e.g. 300MiB, 12GiB, 1.5GiB). A RATE is SIZE per second or bits per second
with a unit Kbit, Mbit, Gbit or Tbit (e.g. 150MiB, 10Gbit); "/s" optional.

The performance model's flags are assumptions to sweep except two that OSS
documents per account: bandwidth per region (10Gbit in most regions of the
Chinese mainland, 5Gbit outside it, up to 100Gbit of download in the largest
regions; see OSS's "Limits" page) and 10000 requests per second in total.

Flags:
`

func newFlags(o *options, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("ossemu", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageHeader)
		fs.PrintDefaults()
	}
	fs.StringVar(&o.addr, "addr", "127.0.0.1:9000", "TCP `address` to listen on (port 0 picks a free port)")
	fs.StringVar(&o.region, "region", "cn-hangzhou", "the server's `region`; buckets created without a region live there")
	fs.Var(&o.regionEndpoints, "region-endpoint", "also serve `region[=address]` as that region's endpoint (repeatable; default address\n"+
		"127.0.0.1:0, a free port); its URL is printed on stdout after the first line")
	fs.Var(&o.accounts, "account", "also accept the key pair `id:secret` of another account, which reaches only the buckets it\n"+
		"creates with PutBucket, as OSS answers without a bucket policy (repeatable)")
	fs.Var(&o.buckets, "bucket", "create bucket `name[:region]` at start (repeatable)")
	fs.Var(&o.versionedBuckets, "versioned-bucket", "create bucket `name[:region]` with versioning enabled (repeatable)")
	fs.Var(&o.generate, "generate", "create object `bucket/key=SIZE[:seed]` of deterministic pseudo-random content without storing its\n"+
		"bytes (repeatable); the same seed gives the same content, the default seed is derived from bucket/key;\n"+
		"a missing bucket is created in the server's region")
	fs.DurationVar(&o.perf.RoundTrip, "round-trip", 0, "performance model: network latency added to every request, e.g. 30ms")
	fs.DurationVar(&o.perf.ServerTime, "server-time", 0, "performance model: OSS's own time per request, after the round trip, e.g. 5ms (the median\n"+
		"when -straggle is set)")
	fs.Var(&o.copyRate, "copy-rate", "performance model: `rate` of each UploadPartCopy or CopyObject stream, e.g. 150MiB (0 = unlimited)")
	fs.Var(&o.aggregateCap, "aggregate-cap", "performance model: `rate` all copy streams share, as OSS limits an account's bandwidth\n"+
		"in a region, e.g. 10Gbit (0 = unlimited)")
	fs.Float64Var(&o.perf.Straggle, "straggle", 0, "performance model: `sigma` of the lognormal spread (median 1) of each request's server time\n"+
		"and each copy stream's rate; at 0.5 about 8% of parts take over twice the median (0 = none)")
	fs.Uint64Var(&o.perf.Seed, "seed", 0, "performance model: `seed` of -straggle's draws")
	fs.IntVar(&o.perf.QPSLimit, "qps-limit", 0, "performance model: `requests` per second per account; more are answered 503\n"+
		"TotalQpsLimitExceeded as by OSS, whose limit is 10000 (0 = unlimited)")
	fs.Float64Var(&o.perf.TimeScale, "time-scale", 1, "performance model: `factor` multiplying every modeled delay (e.g. 0.1 for quick runs with the same ratios)")
	fs.DurationVar(&o.restoreDuration, "restore-duration", 0, "how long RestoreObject takes before an Archive, ColdArchive or DeepColdArchive object\n"+
		"is readable, e.g. 2m (OSS takes minutes to hours; 0 = at once)")
	fs.BoolVar(&o.identityDigests, "digest-from-extent-identity", false, "benchmark-only: derive copied parts' ETags from where their bytes come from instead of hashing them")
	return fs
}

// run is the command; it returns the exit status.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	var o options
	fs := newFlags(&o, stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "ossemu: unexpected arguments %q\n", fs.Args())
		return 2
	}
	if o.perf.TimeScale <= 0 {
		fmt.Fprintln(stderr, "ossemu: -time-scale must be positive")
		return 2
	}
	if o.perf.ServerTime < 0 || o.perf.Straggle < 0 || o.perf.QPSLimit < 0 {
		fmt.Fprintln(stderr, "ossemu: -server-time, -straggle and -qps-limit must not be negative")
		return 2
	}
	o.perf.CopyRate, o.perf.AggregateCap = int64(o.copyRate), int64(o.aggregateCap)

	srv, err := start(o, getenv, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "ossemu:", err)
		return 1
	}
	fmt.Fprintln(stdout, srv.Endpoint())
	for _, spec := range o.regionEndpoints {
		region, _, _ := strings.Cut(spec, "=")
		url, err := srv.RegionEndpoint(region) // started by start: this only looks it up
		if err != nil {
			fmt.Fprintln(stderr, "ossemu:", err)
			return 1
		}
		fmt.Fprintln(stdout, region, url)
		fmt.Fprintf(stderr, "ossemu: serving region %s at %s\n", region, url)
	}
	fmt.Fprintf(stderr, "ossemu: serving region %s at %s; performance model: %v\n", srv.Region(), srv.Endpoint(), o.perf)
	<-ctx.Done()
	if err := srv.Close(); err != nil {
		fmt.Fprintln(stderr, "ossemu: close:", err)
		return 1
	}
	return 0
}

// start builds the server and its fixtures from o.
func start(o options, getenv func(string) string, stderr io.Writer) (*ossemu.Server, error) {
	opts := []ossemu.Option{ossemu.WithAddr(o.addr), ossemu.WithRegion(o.region), ossemu.WithRestoreDuration(o.restoreDuration)}
	for _, spec := range o.regionEndpoints {
		region, addr, ok := strings.Cut(spec, "=")
		if !ok {
			addr = "127.0.0.1:0"
		}
		opts = append(opts, ossemu.WithRegionEndpoint(region, addr))
	}
	for _, spec := range o.accounts {
		id, secret, ok := strings.Cut(spec, ":")
		if !ok || id == "" || secret == "" {
			return nil, fmt.Errorf("-account %q: want id:secret", spec)
		}
		opts = append(opts, ossemu.WithAccount(id, secret))
	}
	id, secret := getenv("OSS_ACCESS_KEY_ID"), getenv("OSS_ACCESS_KEY_SECRET")
	switch {
	case id != "" && secret != "":
		opts = append(opts, ossemu.WithCredentials(id, secret))
	case id != "" || secret != "":
		return nil, errors.New("set both OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET, or neither to generate a pair")
	}
	if o.identityDigests {
		opts = append(opts, ossemu.WithDigestFromExtentIdentity())
	}
	srv, err := ossemu.NewServer(opts...)
	if err != nil {
		return nil, err
	}
	if err := fixtures(srv, o); err != nil {
		_ = srv.Close()
		return nil, err
	}
	if id == "" {
		id, secret = srv.Credentials()
		fmt.Fprintf(stderr, "ossemu: generated key pair:\nOSS_ACCESS_KEY_ID=%s\nOSS_ACCESS_KEY_SECRET=%s\n", id, secret)
	}
	srv.SetPerformance(o.perf)
	return srv, nil
}

func fixtures(srv *ossemu.Server, o options) error {
	created := map[string]bool{}
	for _, spec := range o.buckets {
		name, region, _ := strings.Cut(spec, ":")
		if err := srv.CreateBucket(name, region); err != nil {
			return fmt.Errorf("-bucket %s: %w", spec, err)
		}
		created[name] = true
	}
	for _, spec := range o.versionedBuckets {
		name, region, _ := strings.Cut(spec, ":")
		if err := srv.CreateBucket(name, region); err != nil {
			return fmt.Errorf("-versioned-bucket %s: %w", spec, err)
		}
		if err := srv.SetBucketVersioning(name, true); err != nil {
			return fmt.Errorf("-versioned-bucket %s: %w", spec, err)
		}
		created[name] = true
	}
	for _, spec := range o.generate {
		g, err := parseGenerate(spec)
		if err != nil {
			return fmt.Errorf("-generate %s: %w", spec, err)
		}
		if !created[g.bucket] {
			if err := srv.CreateBucket(g.bucket, ""); err != nil {
				return fmt.Errorf("-generate %s: %w", spec, err)
			}
			created[g.bucket] = true
		}
		if _, err := srv.PutGeneratedObject(g.bucket, g.key, g.size, g.seed, nil); err != nil {
			return fmt.Errorf("-generate %s: %w", spec, err)
		}
	}
	return nil
}

// generateSpec is a parsed -generate value.
type generateSpec struct {
	bucket, key string
	size        int64
	seed        uint64
}

// parseGenerate reads bucket/key=SIZE[:seed]. The key may contain '=' and
// ':'; the size part is what follows the last '='.
func parseGenerate(spec string) (generateSpec, error) {
	i := strings.LastIndexByte(spec, '=')
	if i < 0 {
		return generateSpec{}, errors.New("want bucket/key=SIZE[:seed]")
	}
	path, sizeSeed := spec[:i], spec[i+1:]
	bucket, key, ok := strings.Cut(path, "/")
	if !ok || bucket == "" || key == "" {
		return generateSpec{}, errors.New("want bucket/key=SIZE[:seed]")
	}
	sizeText, seedText, hasSeed := strings.Cut(sizeSeed, ":")
	size, err := ossemu.ParseSize(sizeText)
	if err != nil {
		return generateSpec{}, err
	}
	g := generateSpec{bucket: bucket, key: key, size: size}
	if hasSeed {
		if g.seed, err = strconv.ParseUint(seedText, 10, 64); err != nil {
			return generateSpec{}, fmt.Errorf("seed %q is not an unsigned integer", seedText)
		}
	} else {
		h := fnv.New64a()
		h.Write([]byte(path))
		g.seed = h.Sum64()
	}
	return g, nil
}

// listFlag collects a repeatable flag's values.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// rateFlag is a rate in bytes per second, as ossemu.ParseRate reads it.
type rateFlag int64

func (r *rateFlag) String() string {
	if *r == 0 {
		return ""
	}
	return strconv.FormatInt(int64(*r), 10)
}

func (r *rateFlag) Set(v string) error {
	n, err := ossemu.ParseRate(v)
	*r = rateFlag(n)
	return err
}
