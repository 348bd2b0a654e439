package objectcopy_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/transport"

	"github.com/ossprovider/terraform-provider-oss/internal/objectcopy"
	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

// faultObserver counts, on the client's side of the wire, what the injected
// faults did to the requests: answers with a 5xx status, connections that
// ended without an answer, and answers that took at least a second.
type faultObserver struct {
	base http.RoundTripper

	mu                           sync.Mutex
	requests, errors5xx, dropped int
	delayed                      int
}

func (o *faultObserver) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := o.base.RoundTrip(r)
	o.mu.Lock()
	defer o.mu.Unlock()
	o.requests++
	if time.Since(start) >= time.Second {
		o.delayed++
	}
	switch {
	case err != nil:
		o.dropped++
	case resp.StatusCode >= 500:
		o.errors5xx++
	}
	return resp, err
}

// observedClient is an SDK client for srv whose HTTP transport, the SDK's
// own, reports to a faultObserver.
func observedClient(srv *ossemu.Server) (*oss.Client, *faultObserver) {
	hc := transport.NewHttpClient(&transport.Config{})
	obs := &faultObserver{base: hc.Transport}
	hc.Transport = obs
	return oss.NewClient(srv.ClientConfig().WithHttpClient(hc)), obs
}

// TestCopy_TransientFaults copies 100 multi-part objects in a row while 1%
// of all requests lose their connection, 5% of part copies answer 500 or
// 503, and 2% of all requests wait a full second first. Every copy must
// succeed, equal its source (CRC64, which OSS computes over the bytes), and
// leave no multipart upload.
func TestCopy_TransientFaults(t *testing.T) {
	t.Parallel()
	srv, _ := newEnv(t)
	c, obs := observedClient(srv)
	srv.SetFaultSeed(7)
	// A fault that fires with an outcome hides the faults added after it
	// from that request, so each probability is divided by the chance that
	// no earlier one decided it: every fault keeps its nominal rate.
	const drop, status500, status503 = 0.01, 0.025, 0.025
	srv.AddFault(ossemu.Fault{Probability: 0.02, Delay: time.Second})
	srv.AddFault(ossemu.Fault{Probability: drop, Drop: true})
	srv.AddFault(ossemu.Fault{Op: "UploadPartCopy", Probability: status500 / (1 - drop), Status: http.StatusInternalServerError})
	srv.AddFault(ossemu.Fault{Op: "UploadPartCopy", Probability: status503 / (1 - drop - status500),
		Status: http.StatusServiceUnavailable})

	const copies = 100
	parts := 0
	for i := range copies {
		// 2 to 6 parts, the last one partial.
		size := int64(2+i%5)*partSize - int64(i*977)%partSize
		parts += int((size + partSize - 1) / partSize)
		key := fmt.Sprintf("src/%03d", i)
		src, err := srv.PutGeneratedObject(srcBucket, key, size, uint64(i), nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := objectcopy.Copy(context.Background(), c, objectcopy.Params{
			SourceBucket: srcBucket, SourceKey: key, Bucket: dstBucket, Key: key,
			PartSize: partSize, Parallelism: 4,
		})
		if err != nil {
			t.Fatalf("copy %d of %d: %v", i+1, copies, err)
		}
		dst, err := srv.HeadObject(dstBucket, key, "")
		if err != nil {
			t.Fatalf("copy %d: %v", i+1, err)
		}
		if dst.CRC64 != src.CRC64 || res.CRC64 != src.CRC64 || dst.Size != size {
			t.Fatalf("copy %d: destination CRC64 %d (result %d), size %d; source CRC64 %d, size %d",
				i+1, dst.CRC64, res.CRC64, dst.Size, src.CRC64, size)
		}
		if res.Parts < 2 {
			t.Fatalf("copy %d took %d parts, want a multipart copy", i+1, res.Parts)
		}
	}
	assertNoUploads(t, srv)

	obs.mu.Lock()
	defer obs.mu.Unlock()
	t.Logf("%d copies, %d parts, %d requests; faults fired: %d (seen by the client: %d answers 5xx, "+
		"%d connections dropped, %d answers delayed >= 1s); requests by operation: %v",
		copies, parts, obs.requests, srv.FaultsFired(), obs.errors5xx, obs.dropped, obs.delayed, srv.RequestCounts())
	// Each kind of fault must have happened, or the test proved nothing.
	if obs.errors5xx == 0 || obs.dropped == 0 || obs.delayed == 0 {
		t.Errorf("not every kind of fault was injected: %d 5xx, %d dropped, %d delayed", obs.errors5xx, obs.dropped, obs.delayed)
	}
	// Every failed part was retried, and no part was given up on.
	if got := srv.RequestCount("UploadPartCopy"); got <= parts {
		t.Errorf("%d UploadPartCopy requests for %d parts: the faulted parts were not retried", got, parts)
	}
}

// TestCopy_PermanentErrorsNotRetried injects, once, an error that retrying
// cannot fix, and checks by the request counters that the operation was sent
// exactly once, the upload aborted and nothing written. A 503 in the same
// place is the control: it is retried and the copy succeeds.
func TestCopy_PermanentErrorsNotRetried(t *testing.T) {
	t.Parallel()

	testCases := map[string]struct {
		fault     ossemu.Fault
		wantCount int // requests of fault.Op
		wantAbort int
		succeeds  bool
	}{
		"403 on HeadObject": {
			fault:     ossemu.Fault{Op: "HeadObject", Nth: 1, Status: http.StatusForbidden, Code: "AccessDenied"},
			wantCount: 1,
		},
		"403 on UploadPartCopy": {
			fault:     ossemu.Fault{Op: "UploadPartCopy", Nth: 1, Status: http.StatusForbidden, Code: "AccessDenied"},
			wantCount: 1, wantAbort: 1,
		},
		"404 on UploadPartCopy": {
			fault:     ossemu.Fault{Op: "UploadPartCopy", Nth: 1, Status: http.StatusNotFound, Code: "NoSuchKey"},
			wantCount: 1, wantAbort: 1,
		},
		"409 on InitiateMultipartUpload": {
			fault:     ossemu.Fault{Op: "InitiateMultipartUpload", Nth: 1, Status: http.StatusConflict, Code: "FileImmutable"},
			wantCount: 1,
		},
		"409 on CompleteMultipartUpload": {
			fault:     ossemu.Fault{Op: "CompleteMultipartUpload", Nth: 1, Status: http.StatusConflict, Code: "FileAlreadyExists"},
			wantCount: 1, wantAbort: 1,
		},
		"412 on UploadPartCopy": {
			fault:     ossemu.Fault{Op: "UploadPartCopy", Nth: 2, Status: http.StatusPreconditionFailed, Code: "PreconditionFailed"},
			wantCount: 2, wantAbort: 1,
		},
		"503 on UploadPartCopy is retried": {
			fault:     ossemu.Fault{Op: "UploadPartCopy", Nth: 1, Status: http.StatusServiceUnavailable},
			wantCount: 4, succeeds: true,
		},
	}
	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, c := newEnv(t)
			src, err := srv.PutGeneratedObject(srcBucket, "src", 3*partSize, 1, nil)
			if err != nil {
				t.Fatal(err)
			}
			srv.AddFault(tc.fault)
			res, err := objectcopy.Copy(context.Background(), c, objectcopy.Params{
				SourceBucket: srcBucket, SourceKey: "src", Bucket: dstBucket, Key: "dst",
				PartSize: partSize, Parallelism: 1,
			})
			if got := srv.RequestCount(tc.fault.Op); got != tc.wantCount {
				t.Errorf("%d %s requests, want %d", got, tc.fault.Op, tc.wantCount)
			}
			if got := srv.RequestCount("AbortMultipartUpload"); got != tc.wantAbort {
				t.Errorf("%d AbortMultipartUpload requests, want %d", got, tc.wantAbort)
			}
			assertNoUploads(t, srv)
			if tc.succeeds {
				if err != nil {
					t.Fatal(err)
				}
				if res.CRC64 != src.CRC64 {
					t.Errorf("copy CRC64 %d, source %d", res.CRC64, src.CRC64)
				}
				return
			}
			var se *oss.ServiceError
			if !errors.As(err, &se) || se.StatusCode != tc.fault.Status || se.Code != tc.fault.Code {
				t.Errorf("error %v, want OSS %d %s", err, tc.fault.Status, tc.fault.Code)
			}
			assertNoObject(t, srv, "dst")
		})
	}
}

// TestCopy_LostAnswers covers requests that OSS applied but whose answer
// never arrived, so the SDK sends them again. A Complete sent again finds
// no upload (NoSuchUpload): the copy must recognize the object its parts
// made and succeed without copying anything twice. An Initiate sent again
// makes a second upload: the first must not be left behind.
func TestCopy_LostAnswers(t *testing.T) {
	t.Parallel()

	testCases := map[string]struct {
		fault        ossemu.Fault
		wantComplete int
		wantInitiate int
	}{
		"Complete applied, connection dropped": {
			fault:        ossemu.Fault{Op: "CompleteMultipartUpload", Nth: 1, AfterApply: true, Drop: true},
			wantComplete: 2, wantInitiate: 1,
		},
		"Complete applied, answered 503": {
			fault:        ossemu.Fault{Op: "CompleteMultipartUpload", Nth: 1, AfterApply: true, Status: http.StatusServiceUnavailable},
			wantComplete: 2, wantInitiate: 1,
		},
		"Initiate applied, connection dropped": {
			fault:        ossemu.Fault{Op: "InitiateMultipartUpload", Nth: 1, AfterApply: true, Drop: true},
			wantComplete: 1, wantInitiate: 2,
		},
	}
	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, c := newEnv(t)
			const size = 4*partSize + 123
			src, err := srv.PutGeneratedObject(srcBucket, "src", size, 2, nil)
			if err != nil {
				t.Fatal(err)
			}
			srv.AddFault(tc.fault)
			res, err := objectcopy.Copy(context.Background(), c, objectcopy.Params{
				SourceBucket: srcBucket, SourceKey: "src", Bucket: dstBucket, Key: "dst",
				PartSize: partSize, Parallelism: 2,
			})
			if err != nil {
				t.Fatal(err)
			}
			if srv.FaultsFired() != 1 {
				t.Fatalf("%d faults fired, want 1", srv.FaultsFired())
			}
			dst, err := srv.HeadObject(dstBucket, "dst", "")
			if err != nil {
				t.Fatal(err)
			}
			if dst.CRC64 != src.CRC64 || res.CRC64 != src.CRC64 || res.ETag != dst.ETag || res.Parts != 5 {
				t.Errorf("result %+v, destination %+v, source CRC64 %d", res, dst, src.CRC64)
			}
			want := map[string]int{
				"InitiateMultipartUpload": tc.wantInitiate,
				"UploadPartCopy":          5, // each part copied once
				"CompleteMultipartUpload": tc.wantComplete,
			}
			for op, n := range want {
				if got := srv.RequestCount(op); got != n {
					t.Errorf("%d %s requests, want %d", got, op, n)
				}
			}
			if got := srv.BytesCopied(); got != size {
				t.Errorf("%d bytes copied server-side, want %d (the object once)", got, size)
			}
			assertNoUploads(t, srv)
		})
	}
}
