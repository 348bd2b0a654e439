package ossemu_test

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"

	classic "github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

// The older official Go SDK, github.com/aliyun/aliyun-oss-go-sdk ("classic"
// here), signs and encodes differently from SDK v2: its V4 requests carry
// Date and no x-oss-date, and it writes copy sources with url.QueryEscape.

var classicVersions = map[string]classic.AuthVersionType{"V1": classic.AuthV1, "V4": classic.AuthV4}

// forEachClassic runs test once per signature version of the older SDK.
func forEachClassic(t *testing.T, test func(*testing.T, classic.AuthVersionType)) {
	for name, version := range classicVersions {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			test(t, version)
		})
	}
}

// newClassicClient is an older-SDK client for srv signing with version.
func newClassicClient(t *testing.T, srv *ossemu.Server, version classic.AuthVersionType) *classic.Client {
	t.Helper()
	id, secret := srv.Credentials()
	return must[*classic.Client](t)(classic.New(srv.Endpoint(), id, secret,
		classic.AuthVersion(version), classic.Region(srv.Region())))
}

// classicBucket creates name through c and returns its handle.
func classicBucket(t *testing.T, c *classic.Client, name string) *classic.Bucket {
	t.Helper()
	if err := c.CreateBucket(name); err != nil {
		t.Fatal(err)
	}
	return must[*classic.Bucket](t)(c.Bucket(name))
}

// TestClassicSignatures: requests of every shape the older SDK signs
// (service, bucket with sub-resources, object with escaped keys and x-oss-*
// headers) pass with V1 and with V4 signed over the Date header.
func TestClassicSignatures(t *testing.T) { forEachClassic(t, testClassicSignatures) }

func testClassicSignatures(t *testing.T, version classic.AuthVersionType) {
	srv := ossemu.NewTestServer(t)
	c := newClassicClient(t, srv, version)
	b := classicBucket(t, c, "classic")
	key := "dir/ü ~!*'()&=+$,;@#[].txt"
	body := []byte("payload")
	if err := b.PutObject(key, bytes.NewReader(body), classic.Meta("a", "1"), classic.ContentType("text/plain")); err != nil {
		t.Fatal(err)
	}
	r := must[io.ReadCloser](t)(b.GetObject(key, classic.ResponseContentType("text/x-override")))
	if got := readAll(t, r); got != string(body) {
		t.Errorf("GetObject = %q, want %q", got, body)
	}
	list := must[classic.ListObjectsResultV2](t)(b.ListObjectsV2(classic.Prefix("dir/")))
	if len(list.Objects) != 1 || list.Objects[0].Key != key {
		t.Errorf("ListObjectsV2 = %+v, want one object %q", list.Objects, key)
	}
	info := must[classic.GetBucketInfoResult](t)(c.GetBucketInfo("classic"))
	if info.BucketInfo.Name != "classic" {
		t.Errorf("GetBucketInfo = %+v", info.BucketInfo)
	}
	buckets := must[classic.ListBucketsResult](t)(c.ListBuckets())
	if len(buckets.Buckets) != 1 || buckets.Buckets[0].Name != "classic" {
		t.Errorf("ListBuckets = %+v", buckets.Buckets)
	}
	// The time checked is the signed one, Date's under V4 too.
	srv.SetClockSkew(16 * time.Minute)
	_, err := b.GetObjectMeta(key)
	expectClassicCode(t, err, 403, "RequestTimeTooSkewed")
}

// expectClassicCode fails unless err is an OSS error with status and code.
func expectClassicCode(t *testing.T, err error, status int, code string) {
	t.Helper()
	var se classic.ServiceError
	if !errors.As(err, &se) {
		t.Fatalf("want %d %s, got %v", status, code, err)
	}
	if se.StatusCode != status || se.Code != code {
		t.Fatalf("want %d %s, got %d %s (%s)", status, code, se.StatusCode, se.Code, se.Message)
	}
}
