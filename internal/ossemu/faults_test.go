package ossemu_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/retry"

	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

// retryingClient is an SDK client with the SDK's default retry policy (3
// attempts; 5xx, 401, 408, 429 and connection errors are retried), its
// backoff cut short so that tests stay quick.
func retryingClient(srv *ossemu.Server) *oss.Client {
	return oss.NewClient(srv.ClientConfig().
		WithRetryer(retry.NewStandard(func(o *retry.RetryOptions) {
			o.BaseDelay = 5 * time.Millisecond
			o.MaxBackoff = 20 * time.Millisecond
		})))
}

// newFaultServer starts a server with bucket bkt holding object obj.
func newFaultServer(t *testing.T) *ossemu.Server {
	t.Helper()
	srv := ossemu.NewTestServer(t)
	if err := srv.CreateBucket("bkt", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.PutObject("bkt", "obj", []byte("content"), nil); err != nil {
		t.Fatal(err)
	}
	return srv
}

func headObj(c *oss.Client) error {
	_, err := c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr("obj")})
	return err
}

func getObj(c *oss.Client) error {
	res, err := c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr("obj")})
	if err == nil {
		err = res.Body.Close()
	}
	return err
}

func putObj(c *oss.Client, key string) error {
	_, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr(key), Body: strings.NewReader("new")})
	return err
}

// TestFaultAnswers shows injected error answers through the SDK: OSS's
// error format with status, code, message, request id and EC, on GET and on
// HEAD (where the error travels in x-oss-err), and the SDK retrying 5xx but
// not 4xx.
func TestFaultAnswers(t *testing.T) {
	testCases := map[string]struct {
		fault      ossemu.Fault
		call       func(*oss.Client) error
		op         string
		wantStatus int    // 0: the call succeeds
		wantCode   string // with wantStatus
		wantMsg    string
		wantCount  int // requests of op the server received
	}{
		"503 once is retried": {
			fault: ossemu.Fault{Op: "HeadObject", Nth: 1, Status: 503, Code: "ServiceUnavailable"},
			call:  headObj, op: "HeadObject", wantCount: 2,
		},
		"500 on every request exhausts the retries": {
			fault: ossemu.Fault{Op: "GetObject", Status: 500},
			call:  getObj, op: "GetObject", wantCount: 3,
			wantStatus: 500, wantCode: "InternalError", wantMsg: "We encountered an internal error. Please try again.",
		},
		"500 on the second request only": {
			fault: ossemu.Fault{Op: "GetObject", Nth: 2, Status: 500},
			call:  getObj, op: "GetObject", wantCount: 1,
		},
		"403 is not retried": {
			fault: ossemu.Fault{Op: "GetObject", Nth: 1, Status: 403, Code: "AccessDenied"},
			call:  getObj, op: "GetObject", wantCount: 1,
			wantStatus: 403, wantCode: "AccessDenied",
		},
		"404 on HEAD is not retried": {
			fault: ossemu.Fault{Op: "HeadObject", Code: "NoSuchKey"},
			call:  headObj, op: "HeadObject", wantCount: 1,
			wantStatus: 404, wantCode: "NoSuchKey",
		},
		"409 on PUT is not retried": {
			fault: ossemu.Fault{Op: "PutObject", Status: 409, Code: "FileAlreadyExists"},
			call:  func(c *oss.Client) error { return putObj(c, "new") }, op: "PutObject", wantCount: 1,
			wantStatus: 409, wantCode: "FileAlreadyExists",
		},
		"a code OSS does not send at that status gets a generic message": {
			fault: ossemu.Fault{Op: "HeadObject", Status: 503, Code: "SlowDown"},
			call:  headObj, op: "HeadObject", wantCount: 3,
			wantStatus: 503, wantCode: "SlowDown", wantMsg: "Fault injected by the OSS emulator.",
		},
		"an empty Op matches every operation": {
			fault: ossemu.Fault{Status: 503, Times: 2},
			call:  getObj, op: "GetObject", wantCount: 3,
		},
	}
	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			srv := newFaultServer(t)
			srv.AddFault(tc.fault)
			err := tc.call(retryingClient(srv))
			if got := srv.RequestCount(tc.op); got != tc.wantCount {
				t.Errorf("%s requests = %d, want %d", tc.op, got, tc.wantCount)
			}
			if tc.wantStatus == 0 {
				if err != nil {
					t.Fatalf("want success after retries, got %v", err)
				}
				return
			}
			expectCode(t, err, tc.wantStatus, tc.wantCode)
			se := serviceError(t, err)
			if se.RequestID == "" {
				t.Error("error without a request id")
			}
			if tc.wantMsg != "" && tc.wantMsg != se.Message {
				t.Errorf("message = %q, want %q", se.Message, tc.wantMsg)
			}
		})
	}
}

func TestFaultDrop(t *testing.T) {
	srv := newFaultServer(t)
	srv.AddFault(ossemu.Fault{Op: "PutObject", Nth: 1, Drop: true})
	err := putObj(newClient(t, srv, oss.SignatureVersionV4), "dropped")
	var se *oss.ServiceError
	if err == nil || errors.As(err, &se) {
		t.Fatalf("a dropped PutObject gave %v, want a connection error", err)
	}
	if _, err := srv.HeadObject("bkt", "dropped", ""); !errors.Is(err, ossemu.ErrNotFound) {
		t.Errorf("a request dropped before it was applied stored its object: %v", err)
	}

	// The SDK retries a dropped connection, and the retry goes through.
	srv.ClearFaults()
	srv.AddFault(ossemu.Fault{Op: "PutObject", Nth: 1, Drop: true})
	srv.ResetCounts()
	if err := putObj(retryingClient(srv), "retried"); err != nil {
		t.Fatal(err)
	}
	if n := srv.RequestCount("PutObject"); n != 2 {
		t.Errorf("PutObject requests = %d, want 2", n)
	}
	if n := srv.FaultsFired(); n != 2 {
		t.Errorf("FaultsFired = %d, want 2", n)
	}
}

func TestFaultDelay(t *testing.T) {
	srv := newFaultServer(t)
	c := newClient(t, srv, oss.SignatureVersionV4)
	srv.AddFault(ossemu.Fault{Op: "HeadObject", Nth: 2, Delay: 150 * time.Millisecond})
	for i := 1; i <= 3; i++ {
		begin := time.Now()
		if err := headObj(c); err != nil {
			t.Fatal(err)
		}
		d := time.Since(begin)
		if slow := d >= 150*time.Millisecond; slow != (i == 2) {
			t.Errorf("HeadObject %d took %v", i, d)
		}
	}

	// A delay before an error: the error comes late.
	srv.AddFault(ossemu.Fault{Op: "GetObject", Delay: 100 * time.Millisecond})
	srv.AddFault(ossemu.Fault{Op: "GetObject", Status: 403, Code: "AccessDenied"})
	begin := time.Now()
	expectCode(t, getObj(c), 403, "AccessDenied")
	if d := time.Since(begin); d < 100*time.Millisecond {
		t.Errorf("delayed error came after %v", d)
	}
}

// TestFaultAmbiguousComplete reproduces a lost Complete answer: OSS made the
// object, the client never heard, and its retry finds no upload. Only the
// object itself (its multipart ETag and CRC64) tells the client it succeeded.
func TestFaultAmbiguousComplete(t *testing.T) {
	srv := newFaultServer(t)
	src := must[ossemu.ObjectInfo](t)(srv.PutGeneratedObject("bkt", "src", 3*mib, 9, nil))
	c := retryingClient(srv)
	init := must[*oss.InitiateMultipartUploadResult](t)(c.InitiateMultipartUpload(ctx, &oss.InitiateMultipartUploadRequest{
		Bucket: oss.Ptr("bkt"), Key: oss.Ptr("dst"),
	}))
	part := must[*oss.UploadPartCopyResult](t)(c.UploadPartCopy(ctx, &oss.UploadPartCopyRequest{
		Bucket: oss.Ptr("bkt"), Key: oss.Ptr("dst"), UploadId: init.UploadId, PartNumber: 1,
		SourceBucket: oss.Ptr("bkt"), SourceKey: oss.Ptr("src"),
	}))
	srv.AddFault(ossemu.Fault{Op: "CompleteMultipartUpload", Nth: 1, AfterApply: true, Drop: true})
	_, err := c.CompleteMultipartUpload(ctx, &oss.CompleteMultipartUploadRequest{
		Bucket: oss.Ptr("bkt"), Key: oss.Ptr("dst"), UploadId: init.UploadId,
		CompleteMultipartUpload: &oss.CompleteMultipartUpload{Parts: []oss.UploadPart{{PartNumber: 1, ETag: part.ETag}}},
	})
	expectCode(t, err, 404, "NoSuchUpload")
	if n := srv.RequestCount("CompleteMultipartUpload"); n != 2 {
		t.Errorf("Complete requests = %d, want 2 (the lost one and the retry)", n)
	}
	dst, err := srv.HeadObject("bkt", "dst", "")
	if err != nil {
		t.Fatalf("the object of the lost Complete is missing: %v", err)
	}
	if dst.CRC64 != src.CRC64 || dst.Size != src.Size || !multipartETagPattern(1).MatchString(dst.ETag) {
		t.Errorf("completed object %+v, want a 1-part copy of %+v", dst, src)
	}
	if u := srv.Uploads(); len(u) != 0 {
		t.Errorf("uploads left: %+v", u)
	}
}

// TestFaultAfterApplyWithStatus: the operation happens, the client hears an
// error anyway.
func TestFaultAfterApplyWithStatus(t *testing.T) {
	srv := newFaultServer(t)
	srv.AddFault(ossemu.Fault{Op: "PutObject", AfterApply: true, Status: 500})
	expectCode(t, putObj(newClient(t, srv, oss.SignatureVersionV4), "applied"), 500, "InternalError")
	if _, err := srv.HeadObject("bkt", "applied", ""); err != nil {
		t.Errorf("the PutObject behind the error was not applied: %v", err)
	}
}

// TestFaultProbability shows that probabilistic faults hit about their share
// of requests and that a seed makes the hits repeatable.
func TestFaultProbability(t *testing.T) {
	const requests = 200
	pattern := func() string {
		srv := newFaultServer(t)
		srv.SetFaultSeed(42)
		srv.AddFault(ossemu.Fault{Op: "HeadObject", Probability: 0.3, Status: 503})
		c := newClient(t, srv, oss.SignatureVersionV4)
		hits := make([]byte, requests)
		for i := range hits {
			hits[i] = '.'
			if err := headObj(c); err != nil {
				expectCode(t, err, 503, "ServiceUnavailable")
				hits[i] = 'x'
			}
		}
		if n := srv.FaultsFired(); n != countHits(hits) {
			t.Errorf("FaultsFired = %d, %d requests failed", n, countHits(hits))
		}
		return string(hits)
	}
	first, second := pattern(), pattern()
	t.Logf("faults on %d of %d requests: %s", countHits([]byte(first)), requests, first)
	if first != second {
		t.Errorf("the same seed hit other requests:\n%s\n%s", first, second)
	}
	// 60 expected; 30 and 90 are more than 4 standard deviations away.
	if n := countHits([]byte(first)); n < 30 || n > 90 {
		t.Errorf("%d of %d requests failed at probability 0.3", n, requests)
	}
}

func countHits(b []byte) int {
	n := 0
	for _, c := range b {
		if c == 'x' {
			n++
		}
	}
	return n
}

func TestClearFaults(t *testing.T) {
	srv := newFaultServer(t)
	c := newClient(t, srv, oss.SignatureVersionV4)
	srv.AddFault(ossemu.Fault{Status: 503})
	expectCode(t, headObj(c), 503, "ServiceUnavailable")
	srv.ClearFaults()
	if err := headObj(c); err != nil {
		t.Errorf("HeadObject after ClearFaults: %v", err)
	}
}

func TestAddFaultRejectsNonsense(t *testing.T) {
	for _, f := range []ossemu.Fault{
		{Probability: 1.5}, {Probability: -0.1}, {Nth: -1}, {Times: -1}, {Status: 200}, {Status: 600}, {Delay: -time.Second},
	} {
		t.Run(fmt.Sprintf("%+v", f), func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("AddFault(%+v) accepted", f)
				}
			}()
			ossemu.NewTestServer(t).AddFault(f)
		})
	}
}

// TestFaultBucket hits only the requests for the fault's bucket; the others
// neither fail nor count for its Nth.
func TestFaultBucket(t *testing.T) {
	t.Parallel()
	srv := newFaultServer(t)
	if err := srv.CreateBucket("other", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.PutObject("other", "obj", []byte("content"), nil); err != nil {
		t.Fatal(err)
	}
	srv.AddFault(ossemu.Fault{Op: "HeadObject", Bucket: "bkt", Nth: 2, Status: 403, Code: "AccessDenied"})
	c := newClient(t, srv, oss.SignatureVersionV4)
	headOther := func() error {
		_, err := c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("other"), Key: oss.Ptr("obj")})
		return err
	}
	for i, head := range []func() error{headOther, func() error { return headObj(c) }, headOther, headOther} {
		if err := head(); err != nil {
			t.Fatalf("HEAD %d: %v", i+1, err)
		}
	}
	expectCode(t, headObj(c), 403, "AccessDenied")
	if err := headObj(c); err != nil {
		t.Fatalf("third HEAD of bkt: %v", err)
	}
}

// TestDeny refuses GetObjectTagging as OSS refuses a requester without
// oss:GetObjectTagging: the operation answers AccessDenied, and HEAD and GET
// no longer show the tag count, while other operations go on.
func TestDeny(t *testing.T) {
	t.Parallel()
	srv := newFaultServer(t)
	c := newClient(t, srv, oss.SignatureVersionV4)
	_, err := c.PutObjectTagging(ctx, &oss.PutObjectTaggingRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr("obj"),
		Tagging: &oss.Tagging{TagSet: &oss.TagSet{Tags: []oss.Tag{{Key: oss.Ptr("team"), Value: oss.Ptr("ml")}}}}})
	if err != nil {
		t.Fatal(err)
	}
	getTagging := func() error {
		_, err := c.GetObjectTagging(ctx, &oss.GetObjectTaggingRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr("obj")})
		return err
	}
	counts := func() (head, get int32) {
		h, err := c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr("obj")})
		if err != nil {
			t.Fatal(err)
		}
		g, err := c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr("obj")})
		if err != nil {
			t.Fatal(err)
		}
		_ = g.Body.Close()
		return h.TaggingCount, g.TaggingCount
	}
	if head, get := counts(); head != 1 || get != 1 {
		t.Fatalf("tag count %d (HEAD), %d (GET) before Deny, want 1", head, get)
	}

	srv.Deny("GetObjectTagging")
	err = getTagging()
	expectCode(t, err, 403, "AccessDenied")
	if se := serviceError(t, err); se.EC != "0003-00000001" {
		t.Errorf("EC %q, want 0003-00000001", se.EC)
	}
	if head, get := counts(); head != 0 || get != 0 {
		t.Errorf("tag count %d (HEAD), %d (GET) while GetObjectTagging is denied, want none", head, get)
	}

	srv.Deny()
	if err := getTagging(); err != nil {
		t.Errorf("GetObjectTagging after Deny(): %v", err)
	}
}
