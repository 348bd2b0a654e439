package ossemu_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

// TestVirtualHostedStyle resolves OSS's public endpoint name to the
// emulator, so the SDK addresses buckets as bucket.oss-cn-hangzhou.aliyuncs.com.
func TestVirtualHostedStyle(t *testing.T) {
	srv := ossemu.NewTestServer(t)
	addr := strings.TrimPrefix(srv.Endpoint(), "http://")
	dialer := &net.Dialer{}
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return dialer.DialContext(ctx, network, addr)
	}}}
	id, secret := srv.Credentials()
	c := oss.NewClient(oss.LoadDefaultConfig().WithRegion("cn-hangzhou").WithEndpoint("http://oss-cn-hangzhou.aliyuncs.com").
		WithCredentialsProvider(staticCreds(id, secret)).WithHttpClient(hc))
	must[*oss.PutBucketResult](t)(c.PutBucket(ctx, &oss.PutBucketRequest{Bucket: oss.Ptr("vhost")}))
	must[*oss.PutObjectResult](t)(c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("vhost"), Key: oss.Ptr("a/b.txt"), Body: strings.NewReader("virtual")}))
	get := must[*oss.GetObjectResult](t)(c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("vhost"), Key: oss.Ptr("a/b.txt")}))
	if got := readAll(t, get.Body); got != "virtual" {
		t.Errorf("GetObject = %q", got)
	}
	buckets := must[*oss.ListBucketsResult](t)(c.ListBuckets(ctx, &oss.ListBucketsRequest{}))
	if len(buckets.Buckets) != 1 || oss.ToString(buckets.Buckets[0].Name) != "vhost" {
		t.Errorf("ListBuckets = %+v", buckets.Buckets)
	}
}

// TestCloseLeavesNoGoroutine: after Close, neither the accept loop, nor
// connection handlers, nor a stream cut short remain.
func TestCloseLeavesNoGoroutine(t *testing.T) {
	before := runtime.NumGoroutine()
	srv, err := ossemu.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	// A second region's endpoint, which Close must stop too.
	must[string](t)(srv.RegionEndpoint("cn-shanghai"))
	if err := srv.CreateBucket("bkt", ""); err != nil {
		t.Fatal(err)
	}
	must[ossemu.ObjectInfo](t)(srv.PutGeneratedObject("bkt", "big", 1<<30, 1, nil))
	c := newClientWith(srv, oss.SignatureVersionV4, staticCreds(srv.Credentials()))
	must[*oss.HeadObjectResult](t)(c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr("big")}))
	// A download still streaming when the server closes.
	get := must[*oss.GetObjectResult](t)(c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr("big")}))
	if _, err := io.CopyN(io.Discard, get.Body, 1<<20); err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	_, _ = io.Copy(io.Discard, get.Body) // ends with the closed connection
	get.Body.Close()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines after Close, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}

// TestConcurrentReadsAndChanges reads and copies an object and reads its
// bucket's versioning and ACL while the object's tags and the bucket's
// versioning and ACL change: run with -race, a read or copy that uses the
// stored object or bucket after releasing the lock is reported.
func TestConcurrentReadsAndChanges(t *testing.T) {
	srv := ossemu.NewTestServer(t)
	if err := srv.CreateBucket("bkt", ""); err != nil {
		t.Fatal(err)
	}
	must[ossemu.ObjectInfo](t)(srv.PutObject("bkt", "k", []byte("data"), nil))
	c := newClient(t, srv, oss.SignatureVersionV4)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 16 {
		wg.Go(func() {
			for range 50 {
				b, k := oss.Ptr("bkt"), oss.Ptr("k")
				var err error
				switch i % 8 {
				case 0:
					_, err = c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: b, Key: k})
				case 1:
					var res *oss.GetObjectResult
					if res, err = c.GetObject(ctx, &oss.GetObjectRequest{Bucket: b, Key: k}); err == nil {
						res.Body.Close()
					}
				case 2:
					_, err = c.PutObjectTagging(ctx, &oss.PutObjectTaggingRequest{Bucket: b, Key: k,
						Tagging: &oss.Tagging{TagSet: &oss.TagSet{Tags: []oss.Tag{{Key: oss.Ptr("n"), Value: oss.Ptr(fmt.Sprint(i))}}}}})
				case 4:
					_, err = c.CopyObject(ctx, &oss.CopyObjectRequest{Bucket: b, Key: oss.Ptr(fmt.Sprint("copy", i)),
						SourceBucket: b, SourceKey: k})
				case 5:
					_, err = c.GetBucketVersioning(ctx, &oss.GetBucketVersioningRequest{Bucket: b})
				case 6:
					_, err = c.GetBucketAcl(ctx, &oss.GetBucketAclRequest{Bucket: b})
				case 7:
					_, err = c.PutBucketAcl(ctx, &oss.PutBucketAclRequest{Bucket: b, Acl: oss.BucketACLPrivate})
				case 3:
					_, err = c.PutBucketVersioning(ctx, &oss.PutBucketVersioningRequest{Bucket: b,
						VersioningConfiguration: &oss.VersioningConfiguration{Status: oss.VersionEnabled}})
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
