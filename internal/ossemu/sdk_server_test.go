package ossemu_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
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
// connection handlers, nor a stream cut short, nor the performance model's
// waker, busy with a request's modeled round trip, remain.
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
	// A request in the middle of an hour's modeled round trip.
	srv.SetPerformance(ossemu.Performance{RoundTrip: time.Hour})
	waitCtx, stopWaiting := context.WithCancel(ctx)
	waited := make(chan error, 1)
	go func() {
		_, err := c.HeadObject(waitCtx, &oss.HeadObjectRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr("big")})
		waited <- err
	}()
	for deadline := time.Now().Add(5 * time.Second); srv.RequestCount("HeadObject") < 2; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the second HeadObject never came")
		}
	}
	time.Sleep(20 * time.Millisecond) // from being counted into its modeled wait
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	stopWaiting() // the SDK would retry the dropped request
	if err := <-waited; err == nil {
		t.Error("a request waiting out its round trip got an answer from a closed server")
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

// TestCloseDropsRequestsReadBeforeIt: net/http runs the handler for a
// request that a connection read before Close closed it, even once Close has
// returned. Such a request must find the server closed: no answer, not
// counted. A server of the test's own, which Close does not stop, plays that
// connection.
// Reference: `go test -race ./internal/objectcopy/`, TestCopy_Errors, where
// the handler of a part request its client had given up started while Close
// waited for the handlers.
func TestCloseDropsRequestsReadBeforeIt(t *testing.T) {
	srv := ossemu.NewTestServer(t)
	conn := httptest.NewServer(srv)
	defer conn.Close()
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	id, secret := srv.Credentials()
	c := oss.NewClient(oss.LoadDefaultConfig().WithRegion(srv.Region()).WithEndpoint(conn.URL).
		WithCredentialsProvider(staticCreds(id, secret)).WithRetryMaxAttempts(1))
	_, err := c.ListBuckets(ctx, &oss.ListBucketsRequest{})
	var se *oss.ServiceError
	if err == nil || errors.As(err, &se) {
		t.Errorf("ListBuckets after Close answered (error %v), want a dropped connection", err)
	}
	if counts := srv.RequestCounts(); len(counts) != 0 {
		t.Errorf("requests counted after Close: %v", counts)
	}
}

// TestCloseWithPipelinedRequests closes servers while connections to a region
// endpoint hold pipelined requests, which net/http reads from its buffer and
// hands to the handler while and after Close runs. Nothing may be served
// once Close has returned. Before Close kept handlers from starting once it
// had begun, 3 runs in 10 failed under -race: on a request counted after
// Close returned, or on a race between such a handler's sync.WaitGroup Add
// and Close's Wait.
func TestCloseWithPipelinedRequests(t *testing.T) {
	const rounds, conns, pipelined = 10, 8, 200
	for range rounds {
		srv, err := ossemu.NewServer()
		if err != nil {
			t.Fatal(err)
		}
		addr := strings.TrimPrefix(must[string](t)(srv.RegionEndpoint("cn-shanghai")), "http://")
		requests := strings.Repeat("GET /far/obj HTTP/1.1\r\nHost: "+addr+"\r\n\r\n", pipelined)
		var wg sync.WaitGroup
		serving := make(chan struct{}, conns)
		for range conns {
			wg.Go(func() {
				c, err := pipeline(addr, requests)
				serving <- struct{}{}
				if err != nil {
					t.Error(err)
					return
				}
				defer c.Close()
				_, _ = io.Copy(io.Discard, c) // until Close cuts the connection
			})
		}
		for range conns {
			<-serving
		}
		if err := srv.Close(); err != nil {
			t.Fatal(err)
		}
		closed := srv.RequestCounts()
		wg.Wait()
		if after := srv.RequestCounts(); !maps.Equal(after, closed) {
			t.Fatalf("requests counted after Close returned: %v, then %v", closed, after)
		}
	}
}

// pipeline sends requests on a new connection to addr and returns the
// connection once the first answer has begun.
func pipeline(addr, requests string) (net.Conn, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	if _, err := io.WriteString(c, requests); err != nil {
		c.Close()
		return nil, err
	}
	if _, err := c.Read(make([]byte, 1)); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
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
