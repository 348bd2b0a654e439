package ossemu_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/retry"

	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

const mib = 1 << 20

// newPerfServer starts a server with buckets src and dst and a generated
// object src/obj of size bytes.
func newPerfServer(t *testing.T, size int64, opts ...ossemu.Option) (*ossemu.Server, *oss.Client) {
	t.Helper()
	srv := ossemu.NewTestServer(t, opts...)
	for _, b := range []string{"src", "dst"} {
		if err := srv.CreateBucket(b, ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := srv.PutGeneratedObject("src", "obj", size, 7, nil); err != nil {
		t.Fatal(err)
	}
	return srv, newClient(t, srv, oss.SignatureVersionV4)
}

// multipartCopy copies src/obj to dst/key the way a good copier does: HEAD,
// Initiate, all parts at once, Complete. It returns the Complete result.
func multipartCopy(t *testing.T, c *oss.Client, key string, partSize int64) *oss.CompleteMultipartUploadResult {
	t.Helper()
	head := must[*oss.HeadObjectResult](t)(c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("src"), Key: oss.Ptr("obj")}))
	init := must[*oss.InitiateMultipartUploadResult](t)(c.InitiateMultipartUpload(ctx, &oss.InitiateMultipartUploadRequest{
		Bucket: oss.Ptr("dst"), Key: oss.Ptr(key),
	}))
	size := head.ContentLength
	n := int((size + partSize - 1) / partSize)
	parts := make([]oss.UploadPart, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			first := int64(i) * partSize
			last := min(first+partSize, size) - 1
			res, err := c.UploadPartCopy(ctx, &oss.UploadPartCopyRequest{
				Bucket: oss.Ptr("dst"), Key: oss.Ptr(key), UploadId: init.UploadId, PartNumber: int32(i + 1),
				SourceBucket: oss.Ptr("src"), SourceKey: oss.Ptr("obj"),
				Range: oss.Ptr(fmt.Sprintf("bytes=%d-%d", first, last)), IfMatch: head.ETag,
			})
			if err == nil {
				parts[i] = oss.UploadPart{PartNumber: int32(i + 1), ETag: res.ETag}
			}
			errs[i] = err
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	return must[*oss.CompleteMultipartUploadResult](t)(c.CompleteMultipartUpload(ctx, &oss.CompleteMultipartUploadRequest{
		Bucket: oss.Ptr("dst"), Key: oss.Ptr(key), UploadId: init.UploadId,
		CompleteMultipartUpload: &oss.CompleteMultipartUpload{Parts: parts},
	}))
}

// lateSlack is how many times the model's duration a result may take
// before it counts as late.
const lateSlack = 1.5

// late checks a duration against the model: early is an error, since the
// model's times are lower bounds; later than want*lateSlack + overhead +
// 100ms is returned for ossemu.RetryLate, since a busy machine adds latency
// now and then. overhead is what the same work costs without a model.
func late(t *testing.T, what string, got, want, overhead time.Duration) string {
	t.Helper()
	t.Logf("%s: %v, model %v (%.3fx); the same without a model: %v", what, got, want, float64(got)/float64(want), overhead)
	if got < want-time.Millisecond {
		t.Errorf("%s took %v, less than the model's %v", what, got, want)
	}
	if got > time.Duration(float64(want)*lateSlack)+overhead+100*time.Millisecond {
		return fmt.Sprintf("%s took %v, want %v", what, got, want)
	}
	return ""
}

// fourHeads is how long four HeadObject of src/obj take one after another.
func fourHeads(t *testing.T, c *oss.Client) time.Duration {
	t.Helper()
	begin := time.Now()
	for range 4 {
		must[*oss.HeadObjectResult](t)(c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("src"), Key: oss.Ptr("obj")}))
	}
	return time.Since(begin)
}

func TestPerformanceRoundTrip(t *testing.T) {
	srv, c := newPerfServer(t, 1)
	ossemu.RetryLate(t, func() string {
		srv.SetPerformance(ossemu.Performance{})
		unmodeled := fourHeads(t, c)
		if unmodeled >= 4*50*time.Millisecond {
			return fmt.Sprintf("4 HeadObject without a model took %v", unmodeled)
		}
		srv.SetPerformance(ossemu.Performance{RoundTrip: 200 * time.Millisecond, TimeScale: 0.25})
		return late(t, "4 HeadObject", fourHeads(t, c), 4*50*time.Millisecond, unmodeled)
	})
}

// TestPerformanceServerTime shows that OSS's own time per request comes on
// top of the round trip.
func TestPerformanceServerTime(t *testing.T) {
	srv, c := newPerfServer(t, 1)
	ossemu.RetryLate(t, func() string {
		srv.SetPerformance(ossemu.Performance{})
		unmodeled := fourHeads(t, c)
		srv.SetPerformance(ossemu.Performance{RoundTrip: 80 * time.Millisecond, ServerTime: 120 * time.Millisecond, TimeScale: 0.25})
		return late(t, "4 HeadObject", fourHeads(t, c), 4*50*time.Millisecond, unmodeled)
	})
}

// TestPerformanceQPSLimit shows OSS's answer to an account beyond its QPS
// limit, as the SDK sees it: the burst the limit allows passes, the next
// request gets 503 TotalQpsLimitExceeded with its EC and the time to wait in
// x-oss-qos-delay-time, which the SDK's retryer retries; requests at the
// limit's pace pass, and another account has an allowance of its own.
func TestPerformanceQPSLimit(t *testing.T) {
	srv := ossemu.NewTestServer(t, ossemu.WithAccount(otherAccountID, otherAccountSecret))
	if err := srv.CreateBucket("mine", ""); err != nil {
		t.Fatal(err)
	}
	if err := srv.CreateAccountBucket(otherAccountID, "theirs", ""); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, srv, oss.SignatureVersionV4) // retries off
	other := newClientWith(srv, oss.SignatureVersionV4, staticCreds(otherAccountID, otherAccountSecret))
	info := func(c *oss.Client, bucket string) error {
		_, err := c.GetBucketInfo(ctx, &oss.GetBucketInfoRequest{Bucket: oss.Ptr(bucket)})
		return err
	}

	// Two requests per modeled second at time scale 5: a burst of two, then
	// a token every 2.5 s, far longer than the test takes to send them.
	srv.SetPerformance(ossemu.Performance{QPSLimit: 2, TimeScale: 5})
	for i := range 2 {
		if err := info(c, "mine"); err != nil {
			t.Fatalf("request %d of the burst: %v", i+1, err)
		}
	}
	err := info(c, "mine")
	se := serviceError(t, err)
	t.Logf("with retries off the SDK returns %v", err)
	if se.StatusCode != 503 || se.Code != "TotalQpsLimitExceeded" || se.Message != "Max total qps limit is exceeded" || se.EC != "0004-00000302" {
		t.Errorf("beyond the limit: %d %s %q EC %s; want 503 TotalQpsLimitExceeded %q EC 0004-00000302",
			se.StatusCode, se.Code, se.Message, se.EC, "Max total qps limit is exceeded")
	}
	if ms, err := strconv.Atoi(se.Headers.Get("x-oss-qos-delay-time")); err != nil || ms <= 1500 || ms > 2500 {
		t.Errorf("x-oss-qos-delay-time %q, want the milliseconds until the next token, at most 2500", se.Headers.Get("x-oss-qos-delay-time"))
	}
	if !retry.NewStandard().IsErrorRetryable(err) {
		t.Error("the SDK's default retryer would not retry TotalQpsLimitExceeded")
	}
	// HEAD answers carry the error in x-oss-err; the limit comes before the
	// missing key.
	_, err = c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("mine"), Key: oss.Ptr("none")})
	if se := serviceError(t, err); se.StatusCode != 503 || se.Code != "TotalQpsLimitExceeded" || se.EC != "0004-00000302" {
		t.Errorf("HeadObject beyond the limit: %d %s EC %s", se.StatusCode, se.Code, se.EC)
	}
	if err := info(other, "theirs"); err != nil {
		t.Errorf("another account's first request: %v", err)
	}

	// One request per modeled second at time scale 0.1: a token every
	// 100 ms, which requests 120 ms apart always find.
	srv.SetPerformance(ossemu.Performance{QPSLimit: 1, TimeScale: 0.1})
	for i := range 4 {
		if err := info(c, "mine"); err != nil {
			t.Fatalf("request %d at the limit's pace: %v", i+1, err)
		}
		time.Sleep(120 * time.Millisecond)
	}

	retrying := oss.NewClient(srv.ClientConfig().
		WithCredentialsProvider(staticCreds(srv.Credentials())).
		WithUsePathStyle(true).
		WithRetryer(retry.NewStandard(func(o *retry.RetryOptions) {
			o.MaxAttempts = 10
			o.Backoff = retry.NewFixedDelayBackoff(30 * time.Millisecond)
		})))
	ossemu.RetryLate(t, func() string {
		srv.SetPerformance(ossemu.Performance{QPSLimit: 1, TimeScale: 0.1})
		if err := info(c, "mine"); err != nil {
			t.Fatal(err)
		}
		srv.ResetCounts()
		if err := info(retrying, "mine"); err != nil {
			t.Fatalf("a client retrying every 30 ms: %v", err)
		}
		if n := srv.RequestCount("GetBucketInfo"); n < 2 {
			return fmt.Sprintf("the retrying client got through in %d attempt, after the next token came", n)
		}
		return ""
	})
}

// TestPerformanceMultipartCopyAtBound copies 32 MiB in 8 parallel parts
// where the aggregate cap, not the per-stream rate, is the limit: the copy
// must take the model's lower bound (4 round trips + size/cap) and no more
// than the bound plus what the SDK and the emulator cost without a model.
func TestPerformanceMultipartCopyAtBound(t *testing.T) {
	const size, partSize = 32 * mib, 4 * mib
	srv, c := newPerfServer(t, size)
	// A first copy of the same ranges fills the emulator's digest cache, so
	// that the timed copies measure the model and not MD5 over 32 MiB.
	multipartCopy(t, c, "warm", partSize)
	m := ossemu.Performance{RoundTrip: 40 * time.Millisecond, CopyRate: 8 * mib, AggregateCap: 32 * mib, TimeScale: 0.25}
	bound := time.Duration(float64(4*m.RoundTrip+time.Duration(size*int64(time.Second)/m.AggregateCap)) * m.TimeScale)
	src := must[ossemu.ObjectInfo](t)(srv.HeadObject("src", "obj", ""))
	attempt := 0
	ossemu.RetryLate(t, func() string {
		attempt++
		srv.SetPerformance(ossemu.Performance{})
		begin := time.Now()
		multipartCopy(t, c, fmt.Sprint("unmodeled", attempt), partSize)
		overhead := time.Since(begin)

		srv.SetPerformance(m)
		srv.ResetCounts()
		copied := srv.BytesCopied()
		begin = time.Now()
		res := multipartCopy(t, c, fmt.Sprint("timed", attempt), partSize)
		elapsed := time.Since(begin)

		want := map[string]int{"HeadObject": 1, "InitiateMultipartUpload": 1, "UploadPartCopy": 8, "CompleteMultipartUpload": 1}
		if got := srv.RequestCounts(); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("requests = %v, want %v", got, want)
		}
		if got := oss.ToString(res.HashCRC64); got != fmt.Sprint(src.CRC64) {
			t.Errorf("copy CRC64 = %s, source %d", got, src.CRC64)
		}
		if got := srv.BytesCopied() - copied; got != size {
			t.Errorf("BytesCopied grew by %d, want %d", got, size)
		}
		return late(t, "8-part copy", elapsed, bound, overhead)
	})
}

// TestPerformanceCopyObject shows that the single-request copy is charged
// like a part copy: round trip plus size at the per-stream rate.
func TestPerformanceCopyObject(t *testing.T) {
	const size = 8 * mib
	srv, c := newPerfServer(t, size)
	copyTo := func(key string) time.Duration {
		begin := time.Now()
		must[*oss.CopyObjectResult](t)(c.CopyObject(ctx, &oss.CopyObjectRequest{
			Bucket: oss.Ptr("dst"), Key: oss.Ptr(key), SourceBucket: oss.Ptr("src"), SourceKey: oss.Ptr("obj"),
		}))
		return time.Since(begin)
	}
	copyTo("warm") // fills the digest cache
	ossemu.RetryLate(t, func() string {
		srv.SetPerformance(ossemu.Performance{})
		unmodeled := copyTo("unmodeled")
		srv.SetPerformance(ossemu.Performance{RoundTrip: 100 * time.Millisecond, CopyRate: 16 * mib, TimeScale: 0.25})
		return late(t, "CopyObject of 8 MiB", copyTo("timed"), (100*time.Millisecond+500*time.Millisecond)/4, unmodeled)
	})
}

// TestPerformanceCancelledCopy shows that a copy whose client gives up stops
// at once, stores no part and leaves the upload free to be aborted quickly:
// what an interrupted terraform apply needs.
func TestPerformanceCancelledCopy(t *testing.T) {
	srv, c := newPerfServer(t, 64*mib)
	srv.SetPerformance(ossemu.Performance{RoundTrip: 20 * time.Millisecond, CopyRate: mib}) // 64 s per copy
	ossemu.RetryLate(t, func() string {
		init := must[*oss.InitiateMultipartUploadResult](t)(c.InitiateMultipartUpload(ctx, &oss.InitiateMultipartUploadRequest{
			Bucket: oss.Ptr("dst"), Key: oss.Ptr("k"),
		}))
		cctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		defer cancel()
		begin := time.Now()
		_, err := c.UploadPartCopy(cctx, &oss.UploadPartCopyRequest{
			Bucket: oss.Ptr("dst"), Key: oss.Ptr("k"), UploadId: init.UploadId, PartNumber: 1,
			SourceBucket: oss.Ptr("src"), SourceKey: oss.Ptr("obj"),
		})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("UploadPartCopy: err = %v, want the deadline", err)
		}
		if d := time.Since(begin); d > time.Second {
			t.Errorf("cancelled UploadPartCopy returned after %v", d)
		}
		begin = time.Now()
		must[*oss.AbortMultipartUploadResult](t)(c.AbortMultipartUpload(ctx, &oss.AbortMultipartUploadRequest{
			Bucket: oss.Ptr("dst"), Key: oss.Ptr("k"), UploadId: init.UploadId,
		}))
		aborted := time.Since(begin)
		if u := srv.Uploads(); len(u) != 0 {
			t.Errorf("uploads left: %+v", u)
		}
		if n := srv.BytesCopied(); n != 0 {
			t.Errorf("BytesCopied = %d after a cancelled copy", n)
		}
		return late(t, "Abort after a cancelled copy", aborted, 20*time.Millisecond, 0)
	})
}

// multipartETagPattern matches the ETag of an object completed from parts.
func multipartETagPattern(parts int) *regexp.Regexp {
	return regexp.MustCompile(fmt.Sprintf(`^"[0-9A-F]{32}-%d"$`, parts))
}

// serverFrame matches stack frames of the emulator package itself (not of
// its tests, which live in package ossemu_test).
var serverFrame = regexp.MustCompile(`/internal/ossemu\.`)

// TestCloseEndsModeledWaits shows that Close does not wait for modeled time
// and leaves no goroutine of the emulator behind.
func TestCloseEndsModeledWaits(t *testing.T) {
	srv, err := ossemu.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.CreateBucket("bkt", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.PutGeneratedObject("bkt", "big", 1<<30, 1, nil); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, srv, oss.SignatureVersionV4)
	srv.SetPerformance(ossemu.Performance{CopyRate: 1})
	srv.AddFault(ossemu.Fault{Op: "HeadObject", Delay: time.Hour})
	var wg sync.WaitGroup
	var copyErr, headErr error
	wg.Go(func() {
		_, copyErr = c.CopyObject(ctx, &oss.CopyObjectRequest{
			Bucket: oss.Ptr("bkt"), Key: oss.Ptr("copy"), SourceBucket: oss.Ptr("bkt"), SourceKey: oss.Ptr("big"),
		})
	})
	wg.Go(func() {
		_, headErr = c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr("big")})
	})
	for srv.RequestCount("CopyObject") == 0 || srv.RequestCount("HeadObject") == 0 {
		time.Sleep(time.Millisecond)
	}
	begin := time.Now()
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(begin); d > time.Second {
		t.Errorf("Close took %v with modeled waits in progress", d)
	}
	if err := srv.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	wg.Wait()
	// Requests cut short by Close must fail: an empty answer would look
	// like success to the client.
	if copyErr == nil || headErr == nil {
		t.Errorf("requests in progress at Close: CopyObject %v, HeadObject %v; want errors", copyErr, headErr)
	}
	// A handler that has just signalled its end may still be returning:
	// give such goroutines a moment.
	var left []string
	for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		buf := make([]byte, 1<<20)
		left = left[:0]
		for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
			if serverFrame.MatchString(g) {
				left = append(left, g)
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			break
		}
	}
	for _, g := range left {
		t.Errorf("goroutine left after Close:\n%s", g)
	}
}

// TestDigestFromExtentIdentity shows what the benchmark-only mode changes:
// part and object ETags are derived differently (and cost no hashing), while
// the answers keep their shape and CRC64 stays exact.
func TestDigestFromExtentIdentity(t *testing.T) {
	const size, partSize = 48 * mib, 16 * mib
	results := map[string]*oss.CompleteMultipartUploadResult{}
	elapsed := map[string]time.Duration{}
	for mode, opts := range map[string][]ossemu.Option{
		"hashed":   nil,
		"identity": {ossemu.WithDigestFromExtentIdentity()},
	} {
		srv, c := newPerfServer(t, size, opts...)
		begin := time.Now()
		results[mode] = multipartCopy(t, c, "copy", partSize)
		elapsed[mode] = time.Since(begin)
		src := must[ossemu.ObjectInfo](t)(srv.HeadObject("src", "obj", ""))
		dst := must[ossemu.ObjectInfo](t)(srv.HeadObject("dst", "copy", ""))
		if got := oss.ToString(results[mode].HashCRC64); got != fmt.Sprint(src.CRC64) || dst.CRC64 != src.CRC64 {
			t.Errorf("%s: CRC64 %s (stored %d), source %d", mode, got, dst.CRC64, src.CRC64)
		}
		if etag := oss.ToString(results[mode].ETag); !multipartETagPattern(3).MatchString(etag) || dst.ETag != etag {
			t.Errorf("%s: ETag %s (stored %s), want a 3-part multipart ETag", mode, etag, dst.ETag)
		}
	}
	t.Logf("48 MiB copy in 3 parts: hashed %v, identity %v", elapsed["hashed"], elapsed["identity"])
	if oss.ToString(results["hashed"].ETag) == oss.ToString(results["identity"].ETag) {
		t.Error("identity mode gave the ETag of hashed bytes")
	}
	if elapsed["identity"] >= elapsed["hashed"] {
		t.Errorf("identity mode (%v) was not faster than hashing (%v)", elapsed["identity"], elapsed["hashed"])
	}
}

func TestPerformanceString(t *testing.T) {
	testCases := map[string]struct {
		in   ossemu.Performance
		want string
	}{
		"zero":            {want: "no modeled delays"},
		"time scale only": {in: ossemu.Performance{TimeScale: 0.1}, want: "no modeled delays"},
		"benchmark default": {
			in:   ossemu.Performance{RoundTrip: 30 * time.Millisecond, CopyRate: 150 * mib, AggregateCap: 2 << 30},
			want: "round trip 30ms, server time 0s, copy rate 150MiB/s per stream, aggregate cap 2GiB/s, straggle 0, QPS unlimited, time scale 1",
		},
		"latency only": {
			in:   ossemu.Performance{RoundTrip: 5 * time.Millisecond, TimeScale: 0.25},
			want: "round trip 5ms, server time 0s, copy rate unlimited per stream, aggregate cap unlimited, straggle 0, QPS unlimited, time scale 0.25",
		},
		"odd rates": {
			in:   ossemu.Performance{CopyRate: 1536 << 10, AggregateCap: 1000},
			want: "round trip 0s, server time 0s, copy rate 1.5MiB/s per stream, aggregate cap 1000B/s, straggle 0, QPS unlimited, time scale 1",
		},
		"documented account limits": {
			in: ossemu.Performance{
				ServerTime: 5 * time.Millisecond, AggregateCap: 10e9 / 8, Straggle: 0.5, Seed: 7, QPSLimit: 10000, TimeScale: 0.1,
			},
			want: "round trip 0s, server time 5ms, copy rate unlimited per stream, aggregate cap 10Gbit/s, straggle 0.5 (seed 7), QPS limit 10000 per account, time scale 0.1",
		},
		"bits only where bytes read badly": {
			in:   ossemu.Performance{CopyRate: 1e9, AggregateCap: 1 << 30},
			want: "round trip 0s, server time 0s, copy rate 8Gbit/s per stream, aggregate cap 1GiB/s, straggle 0, QPS unlimited, time scale 1",
		},
		"server time only":   {in: ossemu.Performance{ServerTime: time.Millisecond}, want: "round trip 0s, server time 1ms, copy rate unlimited per stream, aggregate cap unlimited, straggle 0, QPS unlimited, time scale 1"},
		"QPS limit only":     {in: ossemu.Performance{QPSLimit: 2000}, want: "round trip 0s, server time 0s, copy rate unlimited per stream, aggregate cap unlimited, straggle 0, QPS limit 2000 per account, time scale 1"},
		"straggle, no delay": {in: ossemu.Performance{Straggle: 1}, want: "no modeled delays"},
	}
	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got := tc.in.String(); got != tc.want {
				t.Errorf("%+v.String() = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestParseSize(t *testing.T) {
	testCases := map[string]struct {
		in   string
		want int64
		err  bool
	}{
		"bytes":             {in: "4096", want: 4096},
		"B":                 {in: "10B", want: 10},
		"KiB":               {in: "1KiB", want: 1024},
		"MiB":               {in: "300MiB", want: 300 << 20},
		"GiB":               {in: "12GiB", want: 12 << 30},
		"fraction":          {in: "1.5GiB", want: 3 << 29},
		"TiB":               {in: "2TiB", want: 2 << 40},
		"zero":              {in: "0", want: 0},
		"decimal units":     {in: "10MB", err: true},
		"negative":          {in: "-1MiB", err: true},
		"fraction of bytes": {in: "1.5B", err: true},
		"empty":             {in: "", err: true},
		"too large":         {in: "9000000TiB", err: true},
	}
	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := ossemu.ParseSize(tc.in)
			if (err != nil) != tc.err || got != tc.want {
				t.Errorf("ParseSize(%q) = %d, %v; want %d, error %v", tc.in, got, err, tc.want, tc.err)
			}
		})
	}
}

func TestParseRate(t *testing.T) {
	testCases := map[string]struct {
		in   string
		want int64
		err  bool
	}{
		"bytes":                  {in: "4096", want: 4096},
		"binary unit":            {in: "150MiB", want: 150 << 20},
		"per second":             {in: "2GiB/s", want: 2 << 30},
		"Gbit":                   {in: "10Gbit", want: 1_250_000_000},
		"Gbit per second":        {in: "5Gbit/s", want: 625_000_000},
		"fraction of Gbit":       {in: "2.5Gbit", want: 312_500_000},
		"Tbit":                   {in: "1Tbit", want: 125_000_000_000},
		"Mbit":                   {in: "800Mbit", want: 100_000_000},
		"Kbit":                   {in: "8Kbit", want: 1000},
		"zero":                   {in: "0Gbit", want: 0},
		"bits without a prefix":  {in: "8bit", err: true},
		"Kbit per second":        {in: "1Kbit/s", want: 125},
		"fraction of GiB":        {in: "0.6GiB", want: 644_245_094},
		"rounded to whole bytes": {in: "0.5B", want: 1},
		"below a byte":           {in: "0.001Kbit", err: true},
		"negative":               {in: "-1Gbit", err: true},
		"decimal bytes":          {in: "10GB", err: true},
		"word":                   {in: "fast", err: true},
		"too large":              {in: "1e12Tbit", err: true},
	}
	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := ossemu.ParseRate(tc.in)
			if (err != nil) != tc.err || got != tc.want {
				t.Errorf("ParseRate(%q) = %d, %v; want %d, error %v", tc.in, got, err, tc.want, tc.err)
			}
		})
	}
}
