package ossemu_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	classic "github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

const wrongEndpointMessage = "The bucket you are attempting to access must be addressed using the specified endpoint. " +
	"Please send all future requests to this endpoint."

// newRegionsFixture serves cn-hangzhou (the server's region) and cn-shanghai,
// with bucket "near" in the first and "far", holding "obj", in the second.
func newRegionsFixture(t *testing.T) (srv *ossemu.Server, farEndpoint string) {
	t.Helper()
	srv = ossemu.NewTestServer(t)
	if err := srv.CreateBucket("near", ""); err != nil {
		t.Fatal(err)
	}
	if err := srv.CreateBucket("far", "cn-shanghai"); err != nil {
		t.Fatal(err)
	}
	must[ossemu.ObjectInfo](t)(srv.PutObject("far", "obj", []byte("far away"), nil))
	return srv, must[string](t)(srv.RegionEndpoint("cn-shanghai"))
}

// regionClient signs for region and sends to endpoint.
func regionClient(srv *ossemu.Server, region, endpoint string, version oss.SignatureVersionType) *oss.Client {
	id, secret := srv.Credentials()
	return oss.NewClient(oss.LoadDefaultConfig().WithRegion(region).WithEndpoint(endpoint).
		WithCredentialsProvider(staticCreds(id, secret)).WithSignatureVersion(version).WithRetryMaxAttempts(1))
}

// TestRegionEndpoint: a client configured with another region's endpoint
// reaches that region's buckets, and creates buckets there.
func TestRegionEndpoint(t *testing.T) { forEachSignature(t, testRegionEndpoint) }

func testRegionEndpoint(t *testing.T, version oss.SignatureVersionType) {
	srv, farEndpoint := newRegionsFixture(t)
	if again := must[string](t)(srv.RegionEndpoint("cn-shanghai")); again != farEndpoint {
		t.Errorf("second RegionEndpoint = %s, want the first, %s", again, farEndpoint)
	}
	if own := must[string](t)(srv.RegionEndpoint(srv.Region())); own != srv.Endpoint() {
		t.Errorf("RegionEndpoint of the server's region = %s, want Endpoint %s", own, srv.Endpoint())
	}
	c := regionClient(srv, "cn-shanghai", farEndpoint, version)
	get := must[*oss.GetObjectResult](t)(c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("far"), Key: oss.Ptr("obj")}))
	if got := readAll(t, get.Body); got != "far away" {
		t.Errorf("GetObject = %q", got)
	}
	must[*oss.PutBucketResult](t)(c.PutBucket(ctx, &oss.PutBucketRequest{Bucket: oss.Ptr("made-far")}))
	loc := must[*oss.GetBucketLocationResult](t)(c.GetBucketLocation(ctx, &oss.GetBucketLocationRequest{Bucket: oss.Ptr("made-far")}))
	if got := oss.ToString(loc.LocationConstraint); got != "oss-cn-shanghai" {
		t.Errorf("a bucket made through the cn-shanghai endpoint is in %s", got)
	}
	// Copies within the endpoint's region work as usual.
	must[*oss.CopyObjectResult](t)(c.CopyObject(ctx, &oss.CopyObjectRequest{Bucket: oss.Ptr("made-far"), Key: oss.Ptr("copy"),
		SourceBucket: oss.Ptr("far"), SourceKey: oss.Ptr("obj")}))
}

// TestWrongEndpoint: a bucket addressed through another region's endpoint is
// refused with OSS's AccessDenied naming the bucket's endpoint, for every
// operation and both signature versions, HEAD included (x-oss-err), and
// before the signature is checked.
func TestWrongEndpoint(t *testing.T) { forEachSignature(t, testWrongEndpoint) }

func testWrongEndpoint(t *testing.T, version oss.SignatureVersionType) {
	srv, farEndpoint := newRegionsFixture(t)
	near := newClient(t, srv, version)
	far := regionClient(srv, "cn-shanghai", farEndpoint, version)
	id, _ := srv.Credentials()
	calls := map[string]func() error{
		"GetObject through cn-hangzhou": func() error {
			_, err := near.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("far"), Key: oss.Ptr("obj")})
			return err
		},
		"HeadObject through cn-hangzhou": func() error {
			_, err := near.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("far"), Key: oss.Ptr("obj")})
			return err
		},
		"InitiateMultipartUpload through cn-hangzhou": func() error {
			_, err := near.InitiateMultipartUpload(ctx, &oss.InitiateMultipartUploadRequest{Bucket: oss.Ptr("far"), Key: oss.Ptr("k")})
			return err
		},
		"GetBucketInfo through cn-hangzhou with a wrong secret": func() error {
			bad := newClientWith(srv, version, staticCreds(id, "wrong"))
			_, err := bad.GetBucketInfo(ctx, &oss.GetBucketInfoRequest{Bucket: oss.Ptr("far")})
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) { expectWrongEndpoint(t, call(), "far", "oss-cn-shanghai.aliyuncs.com") })
	}
	t.Run("ListObjectsV2 through cn-shanghai", func(t *testing.T) {
		_, err := far.ListObjectsV2(ctx, &oss.ListObjectsV2Request{Bucket: oss.Ptr("near")})
		expectWrongEndpoint(t, err, "near", "oss-cn-hangzhou.aliyuncs.com")
	})
	// ListBuckets and GetBucketLocation answer through any region's endpoint.
	list := must[*oss.ListBucketsResult](t)(far.ListBuckets(ctx, &oss.ListBucketsRequest{}))
	if len(list.Buckets) != 2 {
		t.Errorf("ListBuckets through cn-shanghai lists %d buckets, want both", len(list.Buckets))
	}
	loc := must[*oss.GetBucketLocationResult](t)(near.GetBucketLocation(ctx, &oss.GetBucketLocationRequest{Bucket: oss.Ptr("far")}))
	if got := oss.ToString(loc.LocationConstraint); got != "oss-cn-shanghai" {
		t.Errorf("GetBucketLocation through cn-hangzhou = %s", got)
	}
	// PutBucket of an existing bucket through another region keeps its answer.
	_, err := near.PutBucket(ctx, &oss.PutBucketRequest{Bucket: oss.Ptr("far")})
	expectCode(t, err, http.StatusConflict, "BucketAlreadyExists")
}

func expectWrongEndpoint(t *testing.T, err error, bucket, endpoint string) {
	t.Helper()
	expectCode(t, err, http.StatusForbidden, "AccessDenied")
	se := serviceError(t, err)
	if se.EC != "0003-00001403" || se.Message != wrongEndpointMessage {
		t.Errorf("EC %q, message %q", se.EC, se.Message)
	}
	body := string(se.Snapshot)
	if !strings.Contains(body, "<Bucket>"+bucket+"</Bucket>") || !strings.Contains(body, "<Endpoint>"+endpoint+"</Endpoint>") {
		t.Errorf("error body does not name bucket %s and endpoint %s:\n%s", bucket, endpoint, body)
	}
}

// TestSigningRegion: a V4 scope must name the endpoint's region by its
// region ID, in the Authorization header and in presigned URLs.
func TestSigningRegion(t *testing.T) {
	srv, farEndpoint := newRegionsFixture(t)
	testCases := map[string]struct {
		c      *oss.Client
		bucket string // one in the endpoint's region, so that only the scope is wrong
	}{
		"another region":         {regionClient(srv, "cn-shanghai", srv.Endpoint(), oss.SignatureVersionV4), "near"},
		"OSS region ID":          {regionClient(srv, "oss-cn-hangzhou", srv.Endpoint(), oss.SignatureVersionV4), "near"},
		"the server's elsewhere": {regionClient(srv, "cn-hangzhou", farEndpoint, oss.SignatureVersionV4), "far"},
	}
	for name, tc := range testCases {
		c := tc.c
		t.Run(name, func(t *testing.T) {
			_, err := c.ListBuckets(ctx, &oss.ListBucketsRequest{})
			expectCode(t, err, http.StatusBadRequest, "InvalidArgument")
			se := serviceError(t, err)
			if se.EC != "0002-00000226" || se.Message != "Invalid signing region in Authorization header." {
				t.Errorf("EC %q, message %q", se.EC, se.Message)
			}
			if !strings.Contains(string(se.Snapshot), "<Authorization>OSS4-HMAC-SHA256 Credential=") {
				t.Errorf("the error does not echo the Authorization header:\n%s", se.Snapshot)
			}
			pre := must[*oss.PresignResult](t)(c.Presign(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr(tc.bucket), Key: oss.Ptr("obj")}))
			resp := must[*http.Response](t)(http.Get(pre.URL))
			body := readAll(t, resp.Body)
			if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("x-oss-ec") != "0002-00000226" ||
				!strings.Contains(body, "<Code>InvalidArgument</Code>") {
				t.Errorf("presigned: %d %s", resp.StatusCode, body)
			}
		})
	}
	// V1 has no scope: the endpoint's region is all that counts.
	v1 := regionClient(srv, "cn-shanghai", srv.Endpoint(), oss.SignatureVersionV1)
	must[*oss.ListBucketsResult](t)(v1.ListBuckets(ctx, &oss.ListBucketsRequest{}))
}

// TestEndpointHostNames: an OSS host name, bare or with a bucket label,
// public or internal, names the region whatever listener receives it.
func TestEndpointHostNames(t *testing.T) {
	srv, _ := newRegionsFixture(t)
	addr := strings.TrimPrefix(srv.Endpoint(), "http://") // the cn-hangzhou listener
	dialer := &net.Dialer{}
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return dialer.DialContext(ctx, network, addr)
	}}}
	id, secret := srv.Credentials()
	for _, endpoint := range []string{"http://oss-cn-shanghai.aliyuncs.com", "http://oss-cn-shanghai-internal.aliyuncs.com"} {
		for name, pathStyle := range map[string]bool{"virtual hosted": false, "path style": true} {
			t.Run(endpoint+" "+name, func(t *testing.T) {
				c := oss.NewClient(oss.LoadDefaultConfig().WithRegion("cn-shanghai").WithEndpoint(endpoint).
					WithCredentialsProvider(staticCreds(id, secret)).WithHttpClient(hc).WithUsePathStyle(pathStyle).
					WithRetryMaxAttempts(1))
				must[*oss.HeadObjectResult](t)(c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("far"), Key: oss.Ptr("obj")}))
				_, err := c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("near"), Key: oss.Ptr("obj")})
				expectWrongEndpoint(t, err, "near", "oss-cn-hangzhou.aliyuncs.com")
			})
		}
	}
}

// TestPutBucketLocationConstraint: a LocationConstraint may only name the
// endpoint's region. The SDK's PutBucket sends none, so the body goes
// through its generic operation call.
func TestPutBucketLocationConstraint(t *testing.T) {
	srv := ossemu.NewTestServer(t)
	c := newClient(t, srv, oss.SignatureVersionV4)
	put := func(bucket, location string) error {
		_, err := c.InvokeOperation(ctx, &oss.OperationInput{OpName: "PutBucket", Method: http.MethodPut, Bucket: oss.Ptr(bucket),
			Body: strings.NewReader("<CreateBucketConfiguration><LocationConstraint>" + location +
				"</LocationConstraint></CreateBucketConfiguration>")})
		return err
	}
	if err := put("same", "oss-cn-hangzhou"); err != nil {
		t.Fatalf("LocationConstraint naming the endpoint's region: %v", err)
	}
	err := put("other", "oss-cn-beijing")
	expectCode(t, err, http.StatusBadRequest, "InvalidLocationConstraint")
	if se := serviceError(t, err); se.Message != "The specified location-constraint is not valid" ||
		!strings.Contains(string(se.Snapshot), "<LocationConstraint>oss-cn-beijing</LocationConstraint>") {
		t.Errorf("message %q, body %s", se.Message, se.Snapshot)
	}
}

// TestRegionEndpointRefusals: region IDs only, and no endpoint after Close.
func TestRegionEndpointRefusals(t *testing.T) {
	srv, farEndpoint := newRegionsFixture(t)
	for _, bad := range []string{"", "oss-cn-shanghai", "CN-SHANGHAI", "cn-shanghai-"} {
		if _, err := srv.RegionEndpoint(bad); err == nil {
			t.Errorf("RegionEndpoint(%q) succeeded", bad)
		}
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.RegionEndpoint("cn-beijing"); err == nil {
		t.Error("RegionEndpoint after Close succeeded")
	}
	if resp, err := http.Get(farEndpoint); err == nil {
		resp.Body.Close()
		t.Error("the cn-shanghai endpoint still answers after Close")
	}
	if _, err := ossemu.NewServer(ossemu.WithRegion("oss-cn-hangzhou")); err == nil {
		t.Error("NewServer accepted an OSS region ID as its region")
	}
}

// TestWithRegionEndpoint starts a region's endpoint on a given address.
func TestWithRegionEndpoint(t *testing.T) {
	srv := ossemu.NewTestServer(t, ossemu.WithRegionEndpoint("cn-beijing", "127.0.0.1:0"))
	if err := srv.CreateBucket("bj-bucket", "cn-beijing"); err != nil {
		t.Fatal(err)
	}
	c := regionClient(srv, "cn-beijing", must[string](t)(srv.RegionEndpoint("cn-beijing")), oss.SignatureVersionV4)
	must[*oss.GetBucketInfoResult](t)(c.GetBucketInfo(ctx, &oss.GetBucketInfoRequest{Bucket: oss.Ptr("bj-bucket")}))
}

// TestListedEndpointsReachTheBucket: a client that takes the endpoint
// ListBuckets or GetBucketInfo gives for a bucket, and its region, reaches
// the bucket there, in the server's region and in another one; with the
// older SDK too.
func TestListedEndpointsReachTheBucket(t *testing.T) {
	srv, farEndpoint := newRegionsFixture(t)
	must[ossemu.ObjectInfo](t)(srv.PutObject("near", "obj", []byte("near by"), nil))
	want := map[string]string{"near": strings.TrimPrefix(srv.Endpoint(), "http://"), "far": strings.TrimPrefix(farEndpoint, "http://")}
	body := map[string]string{"near": "near by", "far": "far away"}
	// Any endpoint lists every region's buckets: list through the far one.
	lister := regionClient(srv, "cn-shanghai", farEndpoint, oss.SignatureVersionV4)
	listed := must[*oss.ListBucketsResult](t)(lister.ListBuckets(ctx, &oss.ListBucketsRequest{}))
	if len(listed.Buckets) != 2 {
		t.Fatalf("ListBuckets = %+v, want near and far", listed.Buckets)
	}
	for _, b := range listed.Buckets {
		name, region := oss.ToString(b.Name), oss.ToString(b.Region)
		ext, in := oss.ToString(b.ExtranetEndpoint), oss.ToString(b.IntranetEndpoint)
		if ext != want[name] || in != want[name] {
			// Fatal: an endpoint other than the listener's is not dialled.
			t.Fatalf("ListBuckets gives %s the endpoints %s and %s, want %s", name, ext, in, want[name])
		}
		c := regionClient(srv, region, "http://"+ext, oss.SignatureVersionV4)
		info := must[*oss.GetBucketInfoResult](t)(c.GetBucketInfo(ctx, &oss.GetBucketInfoRequest{Bucket: b.Name}))
		if got := oss.ToString(info.BucketInfo.ExtranetEndpoint); got != want[name] {
			t.Errorf("GetBucketInfo gives %s the extranet endpoint %s, want %s", name, got, want[name])
		}
		if got := oss.ToString(info.BucketInfo.IntranetEndpoint); got != want[name] {
			t.Errorf("GetBucketInfo gives %s the intranet endpoint %s, want %s", name, got, want[name])
		}
		get := must[*oss.GetObjectResult](t)(c.GetObject(ctx, &oss.GetObjectRequest{Bucket: b.Name, Key: oss.Ptr("obj")}))
		if got := readAll(t, get.Body); got != body[name] {
			t.Errorf("GetObject %s/obj through the listed endpoint = %q, want %q", name, got, body[name])
		}
	}
	// The older SDK, given the bucket's endpoint by GetBucketInfo through
	// the far region's endpoint, reaches it there.
	id, secret := srv.Credentials()
	cc := must[*classic.Client](t)(classic.New(farEndpoint, id, secret, classic.AuthVersion(classic.AuthV4), classic.Region("cn-shanghai")))
	info := must[classic.GetBucketInfoResult](t)(cc.GetBucketInfo("far")).BucketInfo
	if info.ExtranetEndpoint != want["far"] {
		t.Fatalf("older SDK: GetBucketInfo gives far the extranet endpoint %s, want %s", info.ExtranetEndpoint, want["far"])
	}
	c := must[*classic.Client](t)(classic.New("http://"+info.ExtranetEndpoint, id, secret,
		classic.AuthVersion(classic.AuthV4), classic.Region("cn-shanghai")))
	r := must[io.ReadCloser](t)(must[*classic.Bucket](t)(c.Bucket("far")).GetObject("obj"))
	if got := readAll(t, r); got != body["far"] {
		t.Errorf("older SDK: GetObject far/obj through %s = %q, want %q", info.ExtranetEndpoint, got, body["far"])
	}
}

// TestListedEndpointsOfOSSNames: a client that reaches the emulator through
// OSS's host names (resolved to it) is given OSS's names, which it reaches;
// a region without a listener is given them too.
func TestListedEndpointsOfOSSNames(t *testing.T) {
	srv := ossemu.NewTestServer(t)
	for bucket, region := range map[string]string{"near": "", "far": "cn-shanghai", "unserved": "eu-west-1"} {
		if err := srv.CreateBucket(bucket, region); err != nil {
			t.Fatal(err)
		}
	}
	addr := strings.TrimPrefix(srv.Endpoint(), "http://")
	dialer := &net.Dialer{}
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return dialer.DialContext(ctx, network, addr)
	}}}
	id, secret := srv.Credentials()
	c := oss.NewClient(oss.LoadDefaultConfig().WithRegion("cn-hangzhou").WithEndpoint("http://oss-cn-hangzhou.aliyuncs.com").
		WithCredentialsProvider(staticCreds(id, secret)).WithHttpClient(hc))
	listed := must[*oss.ListBucketsResult](t)(c.ListBuckets(ctx, &oss.ListBucketsRequest{}))
	for _, b := range listed.Buckets {
		region := oss.ToString(b.Region)
		if got, want := oss.ToString(b.ExtranetEndpoint), "oss-"+region+".aliyuncs.com"; got != want {
			t.Errorf("%s: extranet endpoint %s, want %s", oss.ToString(b.Name), got, want)
		}
		if got, want := oss.ToString(b.IntranetEndpoint), "oss-"+region+"-internal.aliyuncs.com"; got != want {
			t.Errorf("%s: intranet endpoint %s, want %s", oss.ToString(b.Name), got, want)
		}
	}
	local := newClient(t, srv, oss.SignatureVersionV4)
	_, err := local.GetBucketInfo(ctx, &oss.GetBucketInfoRequest{Bucket: oss.Ptr("unserved")})
	expectWrongEndpoint(t, err, "unserved", "oss-eu-west-1.aliyuncs.com")
	listed = must[*oss.ListBucketsResult](t)(local.ListBuckets(ctx, &oss.ListBucketsRequest{}))
	for _, b := range listed.Buckets {
		if oss.ToString(b.Name) == "unserved" && oss.ToString(b.ExtranetEndpoint) != "oss-eu-west-1.aliyuncs.com" {
			t.Errorf("a region without a listener: extranet endpoint %s, want OSS's name", oss.ToString(b.ExtranetEndpoint))
		}
	}
}

// TestListedEndpointOfListenerOnEveryAddress: a listener on every address
// is advertised with the host the client named and the listener's port.
func TestListedEndpointOfListenerOnEveryAddress(t *testing.T) {
	srv := ossemu.NewTestServer(t, ossemu.WithAddr("0.0.0.0:0"))
	if err := srv.CreateBucket("bkt", ""); err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.Endpoint(), "http://"))
	c := regionClient(srv, srv.Region(), "http://127.0.0.1:"+port, oss.SignatureVersionV4)
	info := must[*oss.GetBucketInfoResult](t)(c.GetBucketInfo(ctx, &oss.GetBucketInfoRequest{Bucket: oss.Ptr("bkt")}))
	if got, want := oss.ToString(info.BucketInfo.ExtranetEndpoint), "127.0.0.1:"+port; got != want {
		t.Errorf("extranet endpoint %s, want %s", got, want)
	}
}
