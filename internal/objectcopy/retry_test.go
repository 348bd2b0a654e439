package objectcopy_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossprovider/terraform-provider-oss/internal/objectcopy"
	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

// Retries where faults_test.go does not look: a part whose answer is lost,
// the source HEAD, and the abort after a failure.
func TestCopy_RetryEdges(t *testing.T) {
	t.Parallel()

	const parts = 4
	testCases := map[string]struct {
		faults []ossemu.Fault
		// wantCode is the OSS error code the copy fails with; "" means the
		// copy succeeds.
		wantCode     string
		wantRequests map[string]int
	}{
		"part copied, answer lost": {
			// Re-sending a part number overwrites that part.
			faults:       []ossemu.Fault{{Op: "UploadPartCopy", Nth: 1, Drop: true, AfterApply: true}},
			wantRequests: map[string]int{"UploadPartCopy": parts + 1, "AbortMultipartUpload": 0},
		},
		"source HEAD answers 500 once": {
			faults: []ossemu.Fault{{Op: "HeadObject", Nth: 1, Status: 500, Code: "InternalError"}},
			// Both for the source: Complete's CRC64 verifies the result.
			wantRequests: map[string]int{"HeadObject": 2},
		},
		"abort answers 503 once after a part was denied": {
			faults: []ossemu.Fault{
				{Op: "UploadPartCopy", Nth: 1, Status: 403, Code: "AccessDenied"},
				{Op: "AbortMultipartUpload", Nth: 1, Status: 503, Code: "ServiceUnavailable"},
			},
			wantCode:     "AccessDenied",
			wantRequests: map[string]int{"UploadPartCopy": 1, "AbortMultipartUpload": 2},
		},
		"Complete refused for good": {
			faults:       []ossemu.Fault{{Op: "CompleteMultipartUpload", Status: 400, Code: "InvalidPart"}},
			wantCode:     "InvalidPart",
			wantRequests: map[string]int{"CompleteMultipartUpload": 1, "AbortMultipartUpload": 1},
		},
	}

	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, c := newEnv(t)
			data := randomBytes(parts*partSize, 20)
			putSource(t, srv, "k", data, nil)
			for _, f := range tc.faults {
				srv.AddFault(f)
			}

			res, err := objectcopy.Copy(context.Background(), c, objectcopy.Params{
				SourceBucket: srcBucket, SourceKey: "k", Bucket: dstBucket, Key: "k",
				PartSize: partSize, Parallelism: 1,
			})
			srv.ClearFaults()
			if tc.wantCode == "" {
				if err != nil {
					t.Fatal(err)
				}
				assertCopied(t, srv, res, data, "k")
				if res.ETag != multipartETag(data, partSize) {
					t.Errorf("ETag %s, want %s", res.ETag, multipartETag(data, partSize))
				}
			} else {
				var se *oss.ServiceError
				if !errors.As(err, &se) || se.Code != tc.wantCode {
					t.Fatalf("error %v, want OSS code %s", err, tc.wantCode)
				}
				assertNoObject(t, srv, "k")
			}
			for op, want := range tc.wantRequests {
				if got := srv.RequestCount(op); got != want {
					t.Errorf("%d %s requests, want %d", got, op, want)
				}
			}
			assertNoUploads(t, srv)
		})
	}
}

// A service that keeps failing gets a bounded number of retries in total,
// not six attempts for every part.
func TestCopy_RetriesAreBounded(t *testing.T) {
	t.Parallel()
	srv, c := newEnv(t)
	putSource(t, srv, "k", randomBytes(30*partSize, 21), nil)
	srv.AddFault(ossemu.Fault{Op: "UploadPartCopy", Status: 503, Code: "ServiceUnavailable"})

	_, err := objectcopy.Copy(context.Background(), c, objectcopy.Params{
		SourceBucket: srcBucket, SourceKey: "k", Bucket: dstBucket, Key: "k",
		PartSize: partSize, Parallelism: 30,
	})
	var se *oss.ServiceError
	if !errors.As(err, &se) || se.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("error %v, want the 503", err)
	}
	// 30 first attempts, and a budget of 10 + 30/5 retries.
	if got := srv.RequestCount("UploadPartCopy"); got > 30+16 {
		t.Errorf("%d UploadPartCopy requests, want at most 46", got)
	}
	srv.ClearFaults()
	assertNoUploads(t, srv)
}

// A request that fails with anything but throttling gets its 6 attempts
// and no more, though throttled requests may get more: the copy's budget
// (10 retries) would allow 11.
func TestCopy_FailingRequestGetsSixAttempts(t *testing.T) {
	t.Parallel()
	srv, c := newEnv(t)
	putSource(t, srv, "k", randomBytes(partSize, 23), nil)
	srv.AddFault(ossemu.Fault{Op: "UploadPartCopy", Status: 500, Code: "InternalError"})

	_, err := objectcopy.Copy(context.Background(), c, objectcopy.Params{
		SourceBucket: srcBucket, SourceKey: "k", Bucket: dstBucket, Key: "k",
		PartSize: partSize, Parallelism: 1,
	})
	var se *oss.ServiceError
	if !errors.As(err, &se) || se.Code != "InternalError" {
		t.Fatalf("error %v, want the InternalError", err)
	}
	if got := srv.RequestCount("UploadPartCopy"); got != 6 {
		t.Errorf("%d UploadPartCopy requests, want 6", got)
	}
	srv.ClearFaults()
	assertNoUploads(t, srv)
}

// Throttling answers (503 with x-oss-qos-delay-time) are OSS asking the
// copy to slow down, not a failing service: a copy that sends more parts
// at once than the account's QPS allows finishes, however many of its
// requests were throttled, where the retry budget would have run out.
func TestCopy_ThrottlingSpendsNoBudget(t *testing.T) {
	t.Parallel()
	srv, c := newEnv(t)
	const parts = 60
	data := randomBytes(parts*partSize, 22)
	putSource(t, srv, "k", data, nil)
	// 5 requests at once, refilled at 25 a second: however slowly the
	// workers start (under -race), most of the 60 parts are throttled.
	srv.SetPerformance(ossemu.Performance{QPSLimit: 5, TimeScale: 0.2})

	_, err := objectcopy.Copy(context.Background(), c, objectcopy.Params{
		SourceBucket: srcBucket, SourceKey: "k", Bucket: dstBucket, Key: "k",
		PartSize: partSize, Parallelism: parts,
	})
	if err != nil {
		t.Fatal(err)
	}
	// More throttled retries than the budget's 10 + 60/5.
	if got := srv.RequestCount("UploadPartCopy"); got <= parts+22 {
		t.Errorf("%d UploadPartCopy requests: the test throttled too few", got)
	}
	srv.SetPerformance(ossemu.Performance{})
	assertNoUploads(t, srv)
}
