package ossemu_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"hash/crc64"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/signer"

	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

// The fuzz targets replay requests that the SDK really sent, with one part
// of each replaced by fuzz input (a header or the XML body), signed again
// and served in-process. They check that the emulator's parsing never fails
// with a 5xx or a malformed error, and that what it accepts it interprets
// correctly.

const (
	fuzzBucket = "fuzz-bucket"
	fuzzKey    = "fuzz/object"
)

// fuzzObject is the object range and copy requests address; 1000 bytes of
// distinct values, so that any wrong offset shows in the CRC64.
var fuzzObject = func() []byte {
	b := make([]byte, 1000)
	for i := range b {
		b[i] = byte(i*7 + i/256)
	}
	return b
}()

// sentRequest is a request as the SDK put it on the wire.
type sentRequest struct {
	method, url string
	header      http.Header
	body        []byte
}

// recorder is an http.RoundTripper that keeps the last request it forwarded.
type recorder struct {
	base http.RoundTripper
	mu   sync.Mutex
	sent sentRequest
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	r.mu.Lock()
	r.sent = sentRequest{method: req.Method, url: req.URL.String(), header: req.Header.Clone(), body: body}
	r.mu.Unlock()
	return r.base.RoundTrip(req)
}

// last returns the last request the SDK sent.
func (r *recorder) last() sentRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sent
}

// fuzzWire is an emulator with fuzzBucket and fuzzObject, an SDK client
// that records what it sends, and a way to replay altered requests.
type fuzzWire struct {
	srv   *ossemu.Server
	c     *oss.Client
	rec   *recorder
	creds credentials.Credentials
}

func newFuzzWire(f *testing.F) *fuzzWire {
	f.Helper()
	srv := ossemu.NewTestServer(f)
	if err := srv.CreateBucket(fuzzBucket, ""); err != nil {
		f.Fatal(err)
	}
	if _, err := srv.PutObject(fuzzBucket, fuzzKey, fuzzObject, nil); err != nil {
		f.Fatal(err)
	}
	id, secret := srv.Credentials()
	rec := &recorder{base: http.DefaultTransport}
	cfg := srv.ClientConfig().
		WithRetryMaxAttempts(1).
		WithHttpClient(&http.Client{Transport: rec})
	return &fuzzWire{srv: srv, c: oss.NewClient(cfg), rec: rec, creds: credentials.Credentials{AccessKeyID: id, AccessKeySecret: secret}}
}

// replay sends a recorded request again with its headers changed by edit
// and body as its body, signed anew the way the SDK signs.
func (w *fuzzWire) replay(tb testing.TB, sent sentRequest, bucket, key string, body []byte, edit func(http.Header)) *httptest.ResponseRecorder {
	tb.Helper()
	req := httptest.NewRequest(sent.method, sent.url, bytes.NewReader(body))
	for name, values := range sent.header {
		switch http.CanonicalHeaderKey(name) {
		case "Authorization", "Date", "X-Oss-Date", "X-Oss-Content-Sha256", "Content-Md5", "Content-Length":
		default:
			req.Header[name] = values
		}
	}
	if len(body) > 0 {
		sum := md5.Sum(body)
		req.Header.Set("Content-MD5", base64.StdEncoding.EncodeToString(sum[:]))
	}
	if edit != nil {
		edit(req.Header)
	}
	sc := &signer.SigningContext{
		Product: oss.Ptr("oss"), Region: oss.Ptr(w.srv.Region()),
		Bucket: oss.Ptr(bucket), Request: req, Credentials: &w.creds,
	}
	if key != "" {
		sc.Key = oss.Ptr(key)
	}
	if err := (&signer.SignerV4{}).Sign(context.Background(), sc); err != nil {
		tb.Fatal(err)
	}
	rr := httptest.NewRecorder()
	w.srv.ServeHTTP(rr, req)
	return rr
}

// checkReplay makes sure that a recorded request, replayed unchanged, gets
// the answer it got from the SDK: otherwise every fuzzed variant would only
// meet an authentication error.
func (w *fuzzWire) checkReplay(f *testing.F, sent sentRequest, bucket, key string, status int) {
	f.Helper()
	if rr := w.replay(f, sent, bucket, key, sent.body, nil); rr.Code != status {
		f.Fatalf("replaying %s %s: status %d, want %d: %s", sent.method, sent.url, rr.Code, status, rr.Body)
	}
}

// checkAnswer fails on a server error and on an error answer that is not
// OSS's error document with a code and a request ID.
func checkAnswer(t *testing.T, rr *httptest.ResponseRecorder, method string) {
	t.Helper()
	if rr.Code >= 500 {
		t.Fatalf("status %d: %s", rr.Code, rr.Body)
	}
	// HEAD answers and 304 Not Modified carry no body.
	if rr.Code < 300 || rr.Code == http.StatusNotModified || method == http.MethodHead {
		return
	}
	var e struct {
		XMLName   xml.Name `xml:"Error"`
		Code      string   `xml:"Code"`
		RequestID string   `xml:"RequestId"`
	}
	if err := xml.Unmarshal(rr.Body.Bytes(), &e); err != nil || e.Code == "" || e.RequestID == "" {
		t.Fatalf("status %d with a malformed error document (%v): %s", rr.Code, err, rr.Body)
	}
}

// sendable reports whether v can travel as an HTTP header value: a server
// never sees control characters other than tab in one.
func sendable(values ...string) bool {
	for _, v := range values {
		for i := 0; i < len(v); i++ {
			if c := v[i]; c < ' ' && c != '\t' || c == 0x7f {
				return false
			}
		}
		if strings.TrimSpace(v) != v {
			return false // trimmed on the wire, so not what the fuzzer meant
		}
	}
	return true
}

var plainRange = regexp.MustCompile(`^bytes=(\d{1,9})-(\d{1,9})$`)

// plainSlice returns the bytes a well-formed, satisfiable "bytes=a-b" range
// names in fuzzObject.
func plainSlice(rng string) ([]byte, bool) {
	m := plainRange.FindStringSubmatch(rng)
	if m == nil {
		return nil, false
	}
	first, _ := strconv.Atoi(m[1])
	last, _ := strconv.Atoi(m[2])
	if first > last || last >= len(fuzzObject) {
		return nil, false
	}
	return fuzzObject[first : last+1], true
}

var ecma = crc64.MakeTable(crc64.ECMA)

// FuzzGetObjectRange checks GetObject's Range header: a satisfiable range is
// served as 206 with exactly its bytes, anything else as the whole object,
// or as 416 only when standard range behaviour was asked for.
func FuzzGetObjectRange(f *testing.F) {
	w := newFuzzWire(f)
	if _, err := w.c.GetObject(context.Background(), &oss.GetObjectRequest{
		Bucket: oss.Ptr(fuzzBucket), Key: oss.Ptr(fuzzKey), Range: oss.Ptr("bytes=0-99"),
	}); err != nil {
		f.Fatal(err)
	}
	sent := w.rec.last()
	w.checkReplay(f, sent, fuzzBucket, fuzzKey, http.StatusPartialContent)
	for _, seed := range []string{
		sent.header.Get("Range"), "bytes=100-", "bytes=-10", "bytes=999-999", "bytes=1000-1001",
		"bytes=5-2", "bytes=0-0,5-6", "bytes=-0", "bytes=--1", "items=0-1", "",
	} {
		f.Add(seed, false)
		f.Add(seed, true)
	}
	f.Fuzz(func(t *testing.T, rng string, standard bool) {
		if !sendable(rng) {
			return
		}
		rr := w.replay(t, sent, fuzzBucket, fuzzKey, nil, func(h http.Header) {
			h.Set("Range", rng)
			if standard {
				h.Set("x-oss-range-behavior", "standard")
			}
		})
		checkAnswer(t, rr, http.MethodGet)
		body := rr.Body.Bytes()
		switch rr.Code {
		case http.StatusOK:
			if !bytes.Equal(body, fuzzObject) {
				t.Fatalf("Range %q: 200 with %d bytes that are not the object", rng, len(body))
			}
		case http.StatusPartialContent:
			var first, last, size int
			if _, err := fmt.Sscanf(rr.Header().Get("Content-Range"), "bytes %d-%d/%d", &first, &last, &size); err != nil ||
				size != len(fuzzObject) || first < 0 || first > last || last >= size {
				t.Fatalf("Range %q: 206 with Content-Range %q", rng, rr.Header().Get("Content-Range"))
			}
			if !bytes.Equal(body, fuzzObject[first:last+1]) {
				t.Fatalf("Range %q: 206 body is not bytes %d-%d", rng, first, last)
			}
			if want, ok := plainSlice(rng); ok && !bytes.Equal(body, want) {
				t.Fatalf("Range %q: served bytes %d-%d", rng, first, last)
			}
		case http.StatusRequestedRangeNotSatisfiable:
			if !standard {
				t.Fatalf("Range %q: 416 without x-oss-range-behavior: standard", rng)
			}
		default:
			t.Fatalf("Range %q: status %d: %s", rng, rr.Code, body)
		}
		if _, ok := plainSlice(rng); ok && rr.Code != http.StatusPartialContent {
			t.Fatalf("Range %q: status %d for a satisfiable range", rng, rr.Code)
		}
	})
}

// FuzzUploadPartCopyHeaders checks x-oss-copy-source, its range and the four
// copy conditions on UploadPartCopy. A part that is copied holds exactly the
// range asked for when that range is well-formed and satisfiable, and the
// whole object otherwise; a copy source that does not name the object never
// copies anything.
func FuzzUploadPartCopyHeaders(f *testing.F) {
	w := newFuzzWire(f)
	ctx := context.Background()
	up, err := w.c.InitiateMultipartUpload(ctx, &oss.InitiateMultipartUploadRequest{Bucket: oss.Ptr(fuzzBucket), Key: oss.Ptr("fuzz/copy")})
	if err != nil {
		f.Fatal(err)
	}
	head, err := w.c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr(fuzzBucket), Key: oss.Ptr(fuzzKey)})
	if err != nil {
		f.Fatal(err)
	}
	if _, err := w.c.UploadPartCopy(ctx, &oss.UploadPartCopyRequest{
		Bucket: oss.Ptr(fuzzBucket), Key: oss.Ptr("fuzz/copy"), UploadId: up.UploadId, PartNumber: 1,
		SourceBucket: oss.Ptr(fuzzBucket), SourceKey: oss.Ptr(fuzzKey), Range: oss.Ptr("bytes=10-509"),
		IfMatch: head.ETag,
	}); err != nil {
		f.Fatal(err)
	}
	sent := w.rec.last()
	w.checkReplay(f, sent, fuzzBucket, "fuzz/copy", http.StatusOK)
	source, etag := sent.header.Get("x-oss-copy-source"), oss.ToString(head.ETag)
	lastModified := head.LastModified.UTC().Format(http.TimeFormat)
	f.Add(source, sent.header.Get("x-oss-copy-source-range"), etag, "", "", "")
	f.Add(source, "bytes=0-999", "", `"0123"`, "", lastModified)
	f.Add(source+"?versionId=null", "bytes=999-1000", `"0123"`, "", lastModified, "")
	f.Add("/"+fuzzBucket+"/fuzz%2Fobject", "bytes=-5", "*", "", "", "Sat, 01 Jan 2000 00:00:00 GMT")
	f.Add("/"+fuzzBucket, "bytes=5-", "", etag, "", "")
	f.Add("/no-such-bucket/x", "", "", "", "", "")
	f.Add("//%zz", "bytes=a-b", "", "", "not a date", "")
	f.Fuzz(func(t *testing.T, source, rng, ifMatch, ifNoneMatch, ifModifiedSince, ifUnmodifiedSince string) {
		if !sendable(source, rng, ifMatch, ifNoneMatch, ifModifiedSince, ifUnmodifiedSince) || source == "" {
			return
		}
		rr := w.replay(t, sent, fuzzBucket, "fuzz/copy", nil, func(h http.Header) {
			h.Set("x-oss-copy-source", source)
			for name, v := range map[string]string{
				"x-oss-copy-source-range":               rng,
				"x-oss-copy-source-if-match":            ifMatch,
				"x-oss-copy-source-if-none-match":       ifNoneMatch,
				"x-oss-copy-source-if-modified-since":   ifModifiedSince,
				"x-oss-copy-source-if-unmodified-since": ifUnmodifiedSince,
			} {
				h.Del(name)
				if v != "" {
					h.Set(name, v)
				}
			}
		})
		checkAnswer(t, rr, http.MethodPut)
		if rr.Code != http.StatusOK {
			return
		}
		crc, err := strconv.ParseUint(rr.Header().Get("x-oss-hash-crc64ecma"), 10, 64)
		if err != nil || rr.Header().Get("ETag") == "" {
			t.Fatalf("part copied without ETag or CRC64: %v", rr.Header())
		}
		want, ok := plainSlice(rng)
		if !ok && (rng == "" || !strings.HasPrefix(rng, "bytes=")) {
			want, ok = fuzzObject, true
		}
		if ok && crc != crc64.Checksum(want, ecma) {
			t.Fatalf("source %q, range %q: the part has CRC64 %d, want that of %d bytes", source, rng, crc, len(want))
		}
	})
}

// xmlOp is an operation with an XML body, as the SDK sent it.
type xmlOp struct {
	name        string
	bucket, key string
	sent        sentRequest
}

// FuzzXMLBodies sends the XML bodies of CompleteMultipartUpload,
// DeleteMultipleObjects, PutBucketVersioning, PutObjectTagging,
// InitiateBucketWorm and PutBucket (CreateBucketConfiguration) with fuzzed
// content. Whatever the body, the answer is a success or an OSS error
// document, never a server error.
func FuzzXMLBodies(f *testing.F) {
	w := newFuzzWire(f)
	ctx := context.Background()
	must := func(_ any, err error) {
		f.Helper()
		if err != nil {
			f.Fatal(err)
		}
	}
	if err := w.srv.CreateBucket("fuzz-worm", ""); err != nil {
		f.Fatal(err)
	}
	var ops []xmlOp
	record := func(name, bucket, key string) {
		ops = append(ops, xmlOp{name: name, bucket: bucket, key: key, sent: w.rec.last()})
	}

	up, err := w.c.InitiateMultipartUpload(ctx, &oss.InitiateMultipartUploadRequest{Bucket: oss.Ptr(fuzzBucket), Key: oss.Ptr("fuzz/mpu")})
	must(up, err)
	part, err := w.c.UploadPart(ctx, &oss.UploadPartRequest{
		Bucket: oss.Ptr(fuzzBucket), Key: oss.Ptr("fuzz/mpu"), UploadId: up.UploadId, PartNumber: 1, Body: bytes.NewReader(fuzzObject),
	})
	must(part, err)
	must(w.c.CompleteMultipartUpload(ctx, &oss.CompleteMultipartUploadRequest{
		Bucket: oss.Ptr(fuzzBucket), Key: oss.Ptr("fuzz/mpu"), UploadId: up.UploadId,
		CompleteMultipartUpload: &oss.CompleteMultipartUpload{Parts: []oss.UploadPart{{PartNumber: 1, ETag: part.ETag}}},
	}))
	record("CompleteMultipartUpload", fuzzBucket, "fuzz/mpu")
	must(w.c.DeleteMultipleObjects(ctx, &oss.DeleteMultipleObjectsRequest{
		Bucket: oss.Ptr(fuzzBucket), Delete: &oss.Delete{Objects: []oss.ObjectIdentifier{{Key: oss.Ptr("fuzz/mpu")}, {Key: oss.Ptr("a&<b>")}}},
	}))
	record("DeleteMultipleObjects", fuzzBucket, "")
	must(w.c.PutBucketVersioning(ctx, &oss.PutBucketVersioningRequest{
		Bucket: oss.Ptr(fuzzBucket), VersioningConfiguration: &oss.VersioningConfiguration{Status: oss.VersionSuspended},
	}))
	record("PutBucketVersioning", fuzzBucket, "")
	must(w.c.PutObjectTagging(ctx, &oss.PutObjectTaggingRequest{
		Bucket: oss.Ptr(fuzzBucket), Key: oss.Ptr(fuzzKey),
		Tagging: &oss.Tagging{TagSet: &oss.TagSet{Tags: []oss.Tag{{Key: oss.Ptr("k"), Value: oss.Ptr("v")}, {Key: oss.Ptr("empty"), Value: oss.Ptr("")}}}},
	}))
	record("PutObjectTagging", fuzzBucket, fuzzKey)
	must(w.c.InitiateBucketWorm(ctx, &oss.InitiateBucketWormRequest{
		Bucket: oss.Ptr("fuzz-worm"), InitiateWormConfiguration: &oss.InitiateWormConfiguration{RetentionPeriodInDays: oss.Ptr(int32(1))},
	}))
	record("InitiateBucketWorm", "fuzz-worm", "")
	must(w.c.PutBucket(ctx, &oss.PutBucketRequest{
		Bucket: oss.Ptr("fuzz-created"), CreateBucketConfiguration: &oss.CreateBucketConfiguration{StorageClass: oss.StorageClassIA},
	}))
	record("PutBucket", "fuzz-created", "")

	for i, op := range ops {
		switch op.name {
		case "DeleteMultipleObjects", "PutBucketVersioning", "PutObjectTagging":
			w.checkReplay(f, op.sent, op.bucket, op.key, http.StatusOK)
		}
		f.Add(uint8(i), op.sent.body)
	}
	f.Add(uint8(0), []byte(`<CompleteMultipartUpload><Part><PartNumber>2</PartNumber><ETag>"x"</ETag></Part><Part><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>`))
	f.Add(uint8(1), []byte(`<Delete><Quiet>maybe</Quiet><Object><Key></Key></Object></Delete>`))
	f.Add(uint8(3), []byte(`<Tagging><TagSet><Tag><Key>k</Key><Value>1</Value></Tag><Tag><Key>k</Key><Value>2</Value></Tag></TagSet></Tagging>`))
	f.Add(uint8(4), []byte(`<InitiateWormConfiguration><RetentionPeriodInDays>-1</RetentionPeriodInDays></InitiateWormConfiguration>`))
	f.Add(uint8(5), []byte(`<CreateBucketConfiguration><StorageClass>Glacier</StorageClass></CreateBucketConfiguration>`))

	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		op := ops[int(which)%len(ops)]
		switch op.name {
		case "CompleteMultipartUpload":
			// Each Complete needs an upload of its own, with the part the
			// recorded body names.
			res, err := w.c.InitiateMultipartUpload(ctx, &oss.InitiateMultipartUploadRequest{Bucket: oss.Ptr(fuzzBucket), Key: oss.Ptr(op.key)})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.c.UploadPart(ctx, &oss.UploadPartRequest{
				Bucket: oss.Ptr(fuzzBucket), Key: oss.Ptr(op.key), UploadId: res.UploadId, PartNumber: 1, Body: bytes.NewReader(fuzzObject),
			}); err != nil {
				t.Fatal(err)
			}
			op.sent.url = strings.Replace(op.sent.url, oss.ToString(up.UploadId), oss.ToString(res.UploadId), 1)
			defer func() {
				_, _ = w.c.AbortMultipartUpload(ctx, &oss.AbortMultipartUploadRequest{Bucket: oss.Ptr(fuzzBucket), Key: oss.Ptr(op.key), UploadId: res.UploadId})
			}()
		case "PutBucket":
			defer func() { _, _ = w.c.DeleteBucket(ctx, &oss.DeleteBucketRequest{Bucket: oss.Ptr(op.bucket)}) }()
		}
		rr := w.replay(t, op.sent, op.bucket, op.key, body, nil)
		checkAnswer(t, rr, op.sent.method)
	})
}
