package objectcopy_test

import (
	"context"
	"errors"
	"io"
	"maps"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/transport"

	"github.com/ossprovider/terraform-provider-oss/internal/objectcopy"
	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

// sourceRegion is where the relay tests keep the source bucket, away from
// the destination's region, so that only a relay can copy it.
const sourceRegion = "cn-shanghai"

// newRelayEnv starts an emulator whose source bucket lives in another region
// than the destination bucket, and returns it with a client for each
// region, configured as a user would.
func newRelayEnv(t *testing.T) (srv *ossemu.Server, dst, src *oss.Client) {
	t.Helper()
	srv = ossemu.NewTestServer(t)
	endpoint, err := srv.RegionEndpoint(sourceRegion)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.CreateBucket(srcBucket, sourceRegion); err != nil {
		t.Fatal(err)
	}
	if err := srv.CreateBucket(dstBucket, ""); err != nil {
		t.Fatal(err)
	}
	return srv, oss.NewClient(clientConfig(srv)), oss.NewClient(sourceConfig(srv, endpoint))
}

func sourceConfig(srv *ossemu.Server, endpoint string) *oss.Config {
	return clientConfig(srv).WithRegion(sourceRegion).WithEndpoint(endpoint)
}

// sourceClientThrough is a client of the source's region whose requests go
// through wrap around the SDK's own transport.
func sourceClientThrough(t *testing.T, srv *ossemu.Server, wrap func(http.RoundTripper) http.RoundTripper) *oss.Client {
	t.Helper()
	endpoint, err := srv.RegionEndpoint(sourceRegion)
	if err != nil {
		t.Fatal(err)
	}
	hc := transport.NewHttpClient(&transport.Config{})
	hc.Transport = wrap(hc.Transport)
	return oss.NewClient(sourceConfig(srv, endpoint).WithHttpClient(hc))
}

func TestRelay_Sizes(t *testing.T) {
	t.Parallel()

	testCases := map[string]struct {
		size, partSize int64
		wantParts      int
	}{
		"zero bytes":                 {size: 0, wantParts: 1},
		"one byte":                   {size: 1, wantParts: 1},
		"exactly one part":           {size: partSize, partSize: partSize, wantParts: 1},
		"one byte under three parts": {size: 3*partSize - 1, partSize: partSize, wantParts: 3},
		"automatic, small":           {size: 5 << 20, wantParts: objectcopy.DefaultParallelism},
	}
	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, dst, src := newRelayEnv(t)
			data := randomBytes(tc.size, 21)
			putSource(t, srv, "src/object.bin", data, sourceHeaders())

			res, err := objectcopy.Copy(context.Background(), dst, objectcopy.Params{
				SourceBucket: srcBucket, SourceKey: "src/object.bin", Bucket: dstBucket, Key: "dst/object.bin",
				PartSize: tc.partSize, SourceClient: src,
			})
			if err != nil {
				t.Fatal(err)
			}
			got := assertCopied(t, srv, res, data, "dst/object.bin")
			if res.Parts != tc.wantParts {
				t.Errorf("copied in %d parts, want %d", res.Parts, tc.wantParts)
			}
			// The bytes crossed this machine: nothing was copied on OSS's side.
			for op, want := range map[string]int{"UploadPartCopy": 0, "CopyObject": 0, "UploadPart": tc.wantParts} {
				if n := srv.RequestCount(op); n != want {
					t.Errorf("%d %s requests, want %d", n, op, want)
				}
			}
			// Directives COPY: the relay carries the source's headers, metadata
			// and tags over, read through the source's client.
			for _, h := range []string{"Content-Type", "Cache-Control", "X-Oss-Meta-Owner"} {
				if v := got.Header.Get(h); v != sourceHeaders().Get(h) {
					t.Errorf("%s %q, want the source's %q", h, v, sourceHeaders().Get(h))
				}
			}
			if want := map[string]string{"team": "storage", "note": "a b+c"}; !maps.Equal(got.Tags, want) {
				t.Errorf("tags %v, want the source's %v", got.Tags, want)
			}
		})
	}
}

// Without a SourceClient, a source in another region is refused by OSS, as
// the server-side copy has always been.
func TestRelay_ServerSideRefusedAcrossRegions(t *testing.T) {
	t.Parallel()
	srv, dst, _ := newRelayEnv(t)
	putSource(t, srv, "k", randomBytes(3*partSize, 22), nil)
	_, err := objectcopy.Copy(context.Background(), dst, objectcopy.Params{
		SourceBucket: srcBucket, SourceKey: "k", Bucket: dstBucket, Key: "k", PartSize: partSize,
	})
	var se *oss.ServiceError
	if !errors.As(err, &se) || se.Code != "AccessDenied" {
		t.Fatalf("error %v, want AccessDenied from the wrong endpoint", err)
	}
}

func TestRelay_SourceChangesDuringCopy(t *testing.T) {
	t.Parallel()
	srv, dst, src := newRelayEnv(t)
	putSource(t, srv, "k", randomBytes(4*partSize, 23), nil)

	_, err := objectcopy.Copy(context.Background(), dst, objectcopy.Params{
		SourceBucket: srcBucket, SourceKey: "k", Bucket: dstBucket, Key: "k",
		PartSize: partSize, Parallelism: 1, SourceClient: src,
		Logger: &hookLogger{fn: func() { overwriteSource(t, srv, randomBytes(4*partSize, 24)) }},
	})
	if !errors.Is(err, objectcopy.ErrSourceChanged) {
		t.Fatalf("error %v, want one wrapping ErrSourceChanged", err)
	}
	var e *objectcopy.Error
	if !errors.As(err, &e) || e.Op != "GetObject" || e.Bucket != srcBucket || e.Key != "k" {
		t.Errorf("error %#v does not name the source's GetObject", e)
	}
	if code, status := serviceError(err); code != "PreconditionFailed" || status != http.StatusPreconditionFailed {
		t.Errorf("error %v does not keep the 412 from OSS", err)
	}
	assertNoUploads(t, srv)
	assertNoObject(t, srv, "k")
}

// A relayed copy is pinned to the version it found first: overwriting a
// versioned source during the copy changes nothing in the copy.
func TestRelay_VersionedSourceChangesDuringCopy(t *testing.T) {
	t.Parallel()
	srv, dst, src := newRelayEnv(t)
	if err := srv.SetBucketVersioning(srcBucket, true); err != nil {
		t.Fatal(err)
	}
	data := randomBytes(4*partSize, 29)
	first := putSource(t, srv, "k", data, nil)

	res, err := objectcopy.Copy(context.Background(), dst, objectcopy.Params{
		SourceBucket: srcBucket, SourceKey: "k", Bucket: dstBucket, Key: "k",
		PartSize: partSize, Parallelism: 1, SourceClient: src,
		Logger: &hookLogger{fn: func() { overwriteSource(t, srv, randomBytes(4*partSize, 30)) }},
	})
	if err != nil {
		t.Fatal(err)
	}
	assertCopied(t, srv, res, data, "k")
	if res.Source.VersionID != first.VersionID {
		t.Errorf("copied version %q, want the first one, %q", res.Source.VersionID, first.VersionID)
	}
}

func TestRelay_CancelAbortsUpload(t *testing.T) {
	t.Parallel()
	srv, dst, src := newRelayEnv(t)
	putSource(t, srv, "k", randomBytes(8*partSize, 25), nil)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := objectcopy.Copy(ctx, dst, objectcopy.Params{
		SourceBucket: srcBucket, SourceKey: "k", Bucket: dstBucket, Key: "k",
		PartSize: partSize, Parallelism: 2, SourceClient: src,
		Logger: &hookLogger{fn: cancel},
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want one wrapping context.Canceled", err)
	}
	if n := srv.RequestCount("AbortMultipartUpload"); n != 1 {
		t.Errorf("%d AbortMultipartUpload requests, want 1", n)
	}
	assertNoUploads(t, srv)
	assertNoObject(t, srv, "k")
}

// cuttingTransport ends the body of the first cuts GetObject answers after
// half its bytes, as a connection that breaks mid-stream does.
type cuttingTransport struct {
	base http.RoundTripper
	cuts atomic.Int64
}

func (c *cuttingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.base.RoundTrip(r)
	if err != nil || r.Method != http.MethodGet || resp.StatusCode != http.StatusPartialContent || c.cuts.Add(-1) < 0 {
		return resp, err
	}
	resp.Body = &cutBody{ReadCloser: resp.Body, left: resp.ContentLength / 2}
	return resp, nil
}

type cutBody struct {
	io.ReadCloser
	left int64
}

func (b *cutBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, io.ErrUnexpectedEOF
	}
	n, err := b.ReadCloser.Read(p[:min(int64(len(p)), b.left)])
	b.left -= int64(n)
	return n, err
}

// A source stream that breaks mid-part, and a part that OSS fails to take,
// are sent again from a new GetObject of the range, and the copy is whole.
func TestRelay_PartsRetried(t *testing.T) {
	t.Parallel()
	testCases := map[string]struct {
		cuts   int64
		faults []ossemu.Fault
	}{
		"source streams cut": {cuts: 2},
		"uploads failed": {faults: []ossemu.Fault{
			{Op: "UploadPart", Nth: 2, Status: http.StatusServiceUnavailable},
			{Op: "UploadPart", Nth: 4, Drop: true},
		}},
	}
	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, dst, _ := newRelayEnv(t)
			data := randomBytes(4*partSize, 26)
			putSource(t, srv, "k", data, nil)
			src := sourceClientThrough(t, srv, func(base http.RoundTripper) http.RoundTripper {
				cut := &cuttingTransport{base: base}
				cut.cuts.Store(tc.cuts)
				return cut
			})
			for _, f := range tc.faults {
				srv.AddFault(f)
			}

			res, err := objectcopy.Copy(context.Background(), dst, objectcopy.Params{
				SourceBucket: srcBucket, SourceKey: "k", Bucket: dstBucket, Key: "k",
				PartSize: partSize, Parallelism: 2, SourceClient: src,
			})
			if err != nil {
				t.Fatal(err)
			}
			assertCopied(t, srv, res, data, "k")
			// Each of the two failures reads its range again.
			if n := srv.RequestCount("GetObject"); n != 6 {
				t.Errorf("%d GetObject requests, want 6 (4 parts, 2 read again)", n)
			}
		})
	}
}

// The CRC64 of every relayed part is checked against what OSS received, even
// with the SDK's own check switched off.
func TestRelay_PartCRCMismatch(t *testing.T) {
	t.Parallel()
	srv, _, src := newRelayEnv(t)
	putSource(t, srv, "k", randomBytes(2*partSize, 27), nil)
	proxy := tamperingProxy(t, srv, func(resp *http.Response) {
		if resp.Request.Method == http.MethodPut && resp.Request.URL.Query().Has("partNumber") {
			resp.Header.Set("x-oss-hash-crc64ecma", "1")
		}
	})
	dst := oss.NewClient(clientConfig(srv).WithEndpoint(proxy).WithDisableUploadCRC64Check(true))

	_, err := objectcopy.Copy(context.Background(), dst, objectcopy.Params{
		SourceBucket: srcBucket, SourceKey: "k", Bucket: dstBucket, Key: "k",
		PartSize: partSize, SourceClient: src,
	})
	if err == nil || !strings.Contains(err.Error(), "OSS received CRC64 1, the bytes read") {
		t.Fatalf("error %v, want a part CRC64 mismatch", err)
	}
	assertNoUploads(t, srv)
	assertNoObject(t, srv, "k")
}

// The parts' CRC64, combined, must be the source's before Complete makes an
// object of them.
func TestRelay_CombinedCRCMismatch(t *testing.T) {
	t.Parallel()
	srv, dst, _ := newRelayEnv(t)
	putSource(t, srv, "k", randomBytes(3*partSize, 28), nil)
	src := sourceClientThrough(t, srv, func(base http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			resp, err := base.RoundTrip(r)
			if err == nil && r.Method == http.MethodHead {
				resp.Header.Set("x-oss-hash-crc64ecma", "1")
			}
			return resp, err
		})
	})

	_, err := objectcopy.Copy(context.Background(), dst, objectcopy.Params{
		SourceBucket: srcBucket, SourceKey: "k", Bucket: dstBucket, Key: "k",
		PartSize: partSize, SourceClient: src,
	})
	if !errors.Is(err, objectcopy.ErrSourceChanged) || !strings.Contains(err.Error(), "the relayed parts' CRC64 is") ||
		!strings.Contains(err.Error(), "the source's 1") {
		t.Fatalf("error %v, want the combined CRC64 mismatch", err)
	}
	if n := srv.RequestCount("CompleteMultipartUpload"); n != 0 {
		t.Errorf("%d CompleteMultipartUpload requests, want none", n)
	}
	assertNoUploads(t, srv)
	assertNoObject(t, srv, "k")
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func serviceError(err error) (string, int) {
	var se *oss.ServiceError
	if errors.As(err, &se) {
		return se.Code, se.StatusCode
	}
	return "", 0
}

// TestRelay_PartNotBuffered relays one part of 64 MiB and checks that the
// whole process (the emulator included) allocated a small fraction of it:
// the part streams from GetObject into UploadPart and is never held. The
// test is not parallel, so that no other test's allocations count.
func TestRelay_PartNotBuffered(t *testing.T) {
	const size = 64 << 20
	srv, dst, src := newRelayEnv(t)
	info, err := srv.PutGeneratedObject(srcBucket, "k", size, 31, nil)
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	res, err := objectcopy.Copy(context.Background(), dst, objectcopy.Params{
		SourceBucket: srcBucket, SourceKey: "k", Bucket: dstBucket, Key: "k", PartSize: size, SourceClient: src,
	})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if res.Parts != 1 || res.CRC64 != info.CRC64 {
		t.Fatalf("copy in %d parts with CRC64 %d, want 1 part with the source's %d", res.Parts, res.CRC64, info.CRC64)
	}
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("relaying %d MiB allocated %.1f MiB", size>>20, float64(allocated)/(1<<20))
	if allocated > size/8 {
		t.Errorf("relaying a %d MiB part allocated %d MiB: the part was buffered", size>>20, allocated>>20)
	}
}
