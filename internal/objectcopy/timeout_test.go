package objectcopy_test

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/transport"

	"github.com/ossprovider/terraform-provider-oss/internal/objectcopy"
	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

// TestCopy_SlowRequestsNotCut makes one request of a copy take 11 s, longer
// than the SDK's default read/write timeout of 10 s, on a connection the
// copy's own HeadObject left in the pool: a part copied at a slow rate, a
// slow Complete, a slow CopyObject. Each must succeed and be sent exactly
// once: a request cut by a timeout is sent again, and copies its bytes again.
// The client is configured as the provider configures it, with an HTTP
// client of its own that Params.HTTPClient names.
func TestCopy_SlowRequestsNotCut(t *testing.T) {
	t.Parallel()
	const slow = 11 * time.Second
	testCases := map[string]struct {
		size, partSize int64 // partSize 0: one CopyObject
		// slowDown makes the request of op take at least slow.
		slowDown func(*ossemu.Server)
		want     map[string]int
	}{
		"part copied at 9 KiB/s": {
			size: partSize, partSize: partSize,
			slowDown: func(s *ossemu.Server) {
				s.SetPerformance(ossemu.Performance{CopyRate: int64(float64(partSize) / slow.Seconds())})
			},
			want: map[string]int{"HeadObject": 1, "GetObjectTagging": 1, "InitiateMultipartUpload": 1, "UploadPartCopy": 1, "CompleteMultipartUpload": 1},
		},
		"Complete": {
			size: 2 * partSize, partSize: partSize,
			slowDown: func(s *ossemu.Server) {
				s.AddFault(ossemu.Fault{Op: "CompleteMultipartUpload", Delay: slow})
			},
			want: map[string]int{"HeadObject": 1, "GetObjectTagging": 1, "InitiateMultipartUpload": 1, "UploadPartCopy": 2, "CompleteMultipartUpload": 1},
		},
		"CopyObject": {
			size: 1 << 20,
			slowDown: func(s *ossemu.Server) {
				s.AddFault(ossemu.Fault{Op: "CopyObject", Delay: slow})
			},
			want: map[string]int{"HeadObject": 1, "CopyObject": 1},
		},
	}
	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, _ := newEnv(t)
			hc := transport.NewHttpClient(&transport.Config{})
			c := oss.NewClient(srv.ClientConfig().WithHttpClient(hc))
			src, err := srv.PutGeneratedObject(srcBucket, "src", tc.size, 3, nil)
			if err != nil {
				t.Fatal(err)
			}
			tc.slowDown(srv)
			start := time.Now()
			res, err := objectcopy.Copy(context.Background(), c, objectcopy.Params{
				SourceBucket: srcBucket, SourceKey: "src", Bucket: dstBucket, Key: "dst",
				PartSize: tc.partSize, Parallelism: 1, HTTPClient: hc,
			})
			if err != nil {
				t.Fatal(err)
			}
			if elapsed := time.Since(start); elapsed < slow {
				t.Errorf("the copy took %s: the request was not slowed down", elapsed)
			}
			if res.CRC64 != src.CRC64 {
				t.Errorf("copy CRC64 %d, source %d", res.CRC64, src.CRC64)
			}
			if got := srv.RequestCounts(); !maps.Equal(got, tc.want) {
				t.Errorf("requests %v, want %v", got, tc.want)
			}
			if got := srv.BytesCopied(); got != tc.size {
				t.Errorf("%d bytes copied server-side, want %d (the object once)", got, tc.size)
			}
			assertNoUploads(t, srv)
		})
	}
}
