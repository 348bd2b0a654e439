package ossemu_test

import (
	"bytes"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

// Behaviours of OSS that the SDK v2's own integration tests, written against
// OSS, rely on (make test-sdk runs them), checked here through the SDK.

// TestContentMD5OfSingleRequestObjects: GET and HEAD give Content-MD5 for an
// object written in one request, and none for a multipart one.
func TestContentMD5OfSingleRequestObjects(t *testing.T) { forEachSignature(t, testContentMD5) }

func testContentMD5(t *testing.T, version oss.SignatureVersionType) {
	srv := ossemu.NewTestServer(t)
	if err := srv.CreateBucket("bkt", ""); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, srv, version)
	body := []byte("content md5")
	must[*oss.PutObjectResult](t)(c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr("single"), Body: bytes.NewReader(body)}))
	must[*oss.CopyObjectResult](t)(c.CopyObject(ctx, &oss.CopyObjectRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr("copy"), SourceKey: oss.Ptr("single")}))
	must[ossemu.ObjectInfo](t)(srv.PutGeneratedObject("bkt", "multipart", 1<<20, 1, nil))
	for key, want := range map[string]string{"single": contentMD5(body), "copy": contentMD5(body), "multipart": ""} {
		get := must[*oss.GetObjectResult](t)(c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr(key)}))
		get.Body.Close()
		head := must[*oss.HeadObjectResult](t)(c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr(key)}))
		if got := oss.ToString(get.ContentMD5); got != want {
			t.Errorf("GetObject %s: Content-MD5 %q, want %q", key, got, want)
		}
		if got := oss.ToString(head.ContentMD5); got != want {
			t.Errorf("HeadObject %s: Content-MD5 %q, want %q", key, got, want)
		}
	}
}

// TestDeleteNullVersionOfUnversionedBucket: deleting version "null" in a
// bucket that never had versioning deletes the object and names no version.
func TestDeleteNullVersionOfUnversionedBucket(t *testing.T) {
	forEachSignature(t, func(t *testing.T, version oss.SignatureVersionType) {
		srv := ossemu.NewTestServer(t)
		if err := srv.CreateBucket("bkt", ""); err != nil {
			t.Fatal(err)
		}
		must[ossemu.ObjectInfo](t)(srv.PutObject("bkt", "obj", []byte("x"), nil))
		c := newClient(t, srv, version)
		res := must[*oss.DeleteObjectResult](t)(c.DeleteObject(ctx, &oss.DeleteObjectRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr("obj"), VersionId: oss.Ptr("null")}))
		if res.VersionId != nil || res.DeleteMarker || res.StatusCode != 204 {
			t.Errorf("DeleteObject: %d, version %q, delete marker %v; want 204 without version or marker",
				res.StatusCode, oss.ToString(res.VersionId), res.DeleteMarker)
		}
		if _, err := srv.HeadObject("bkt", "obj", ""); err == nil {
			t.Error("the object is still there")
		}
	})
}

// TestMissingBucketBeforeSignature: a missing bucket is reported as
// NoSuchBucket even to a key pair OSS does not know, so the SDK's
// IsBucketExist and IsObjectExist tell a missing bucket from one they may
// not read; an existing bucket still answers InvalidAccessKeyId.
func TestMissingBucketBeforeSignature(t *testing.T) {
	forEachSignature(t, func(t *testing.T, version oss.SignatureVersionType) {
		srv := ossemu.NewTestServer(t)
		if err := srv.CreateBucket("bkt", ""); err != nil {
			t.Fatal(err)
		}
		stranger := newClientWith(srv, version, staticCreds("ak", "sk"))
		if exist, err := stranger.IsBucketExist(ctx, "missing"); err != nil || exist {
			t.Errorf("IsBucketExist(missing) = %v, %v; want false, nil", exist, err)
		}
		if exist, err := stranger.IsBucketExist(ctx, "bkt"); err != nil || !exist {
			t.Errorf("IsBucketExist(bkt) = %v, %v; want true, nil", exist, err)
		}
		_, err := stranger.IsObjectExist(ctx, "missing", "obj")
		expectCode(t, err, 404, "NoSuchBucket")
		if se := serviceError(t, err); se.EC != "0015-00000101" {
			t.Errorf("EC = %q, want 0015-00000101", se.EC)
		}
		_, err = stranger.IsObjectExist(ctx, "bkt", "obj")
		expectCode(t, err, 403, "InvalidAccessKeyId")
		// Creating a bucket checks the signature first.
		_, err = stranger.PutBucket(ctx, &oss.PutBucketRequest{Bucket: oss.Ptr("new")})
		expectCode(t, err, 403, "InvalidAccessKeyId")
	})
}

// TestCompleteSetsObjectACL: an object ACL given to CompleteMultipartUpload
// replaces the one given to InitiateMultipartUpload; a wrong one is refused
// and leaves the upload to complete.
func TestCompleteSetsObjectACL(t *testing.T) {
	forEachSignature(t, func(t *testing.T, version oss.SignatureVersionType) {
		srv := ossemu.NewTestServer(t)
		if err := srv.CreateBucket("bkt", ""); err != nil {
			t.Fatal(err)
		}
		c := newClient(t, srv, version)
		upload := func(key string, initACL oss.ObjectACLType) (*oss.InitiateMultipartUploadResult, []oss.UploadPart) {
			req := &oss.InitiateMultipartUploadRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr(key)}
			if initACL != "" {
				req.Headers = map[string]string{"x-oss-object-acl": string(initACL)}
			}
			up := must[*oss.InitiateMultipartUploadResult](t)(c.InitiateMultipartUpload(ctx, req))
			p := must[*oss.UploadPartResult](t)(c.UploadPart(ctx, &oss.UploadPartRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr(key),
				UploadId: up.UploadId, PartNumber: 1, Body: bytes.NewReader([]byte("part"))}))
			return up, []oss.UploadPart{{PartNumber: 1, ETag: p.ETag}}
		}
		complete := func(key string, up *oss.InitiateMultipartUploadResult, parts []oss.UploadPart, acl oss.ObjectACLType) error {
			_, err := c.CompleteMultipartUpload(ctx, &oss.CompleteMultipartUploadRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr(key),
				UploadId: up.UploadId, Acl: acl, CompleteMultipartUpload: &oss.CompleteMultipartUpload{Parts: parts}})
			return err
		}
		for key, tc := range map[string]struct{ init, complete, want oss.ObjectACLType }{
			"at complete":       {"", oss.ObjectACLPrivate, oss.ObjectACLPrivate},
			"replaced":          {oss.ObjectACLPublicRead, oss.ObjectACLPrivate, oss.ObjectACLPrivate},
			"kept from init":    {oss.ObjectACLPublicRead, "", oss.ObjectACLPublicRead},
			"neither (default)": {"", "", oss.ObjectACLDefault},
		} {
			up, parts := upload(key, tc.init)
			if err := complete(key, up, parts, tc.complete); err != nil {
				t.Fatal(err)
			}
			acl := must[*oss.GetObjectAclResult](t)(c.GetObjectAcl(ctx, &oss.GetObjectAclRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr(key)}))
			if got := oss.ToString(acl.ACL); got != string(tc.want) {
				t.Errorf("%s: ACL %q, want %q", key, got, tc.want)
			}
		}
		up, parts := upload("wrong", "")
		expectCode(t, complete("wrong", up, parts, "everyone"), 400, "InvalidArgument")
		if err := complete("wrong", up, parts, ""); err != nil {
			t.Fatalf("the upload cannot be completed after a refused ACL: %v", err)
		}
	})
}

// TestDeleteMultipleObjectsControlCharacters: keys holding control
// characters, which the SDK writes in the request as character references
// XML 1.0 forbids ("&#x0B;"), are deleted, and listed back as deleted.
func TestDeleteMultipleObjectsControlCharacters(t *testing.T) {
	forEachSignature(t, func(t *testing.T, version oss.SignatureVersionType) {
		srv := ossemu.NewTestServer(t)
		if err := srv.CreateBucket("bkt", ""); err != nil {
			t.Fatal(err)
		}
		c := newClient(t, srv, version)
		keys := []string{"vt\v nl\n ff\f", "all\x01\x02\x03\x04\x05\x06\a\b\t\n\v\f\r\x0e\x0f\x10\x1f", "plain &#x0B; text"}
		var objects []oss.DeleteObject
		for _, k := range keys {
			must[*oss.PutObjectResult](t)(c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr(k), Body: strings.NewReader("x")}))
			objects = append(objects, oss.DeleteObject{Key: oss.Ptr(k)})
		}
		res := must[*oss.DeleteMultipleObjectsResult](t)(c.DeleteMultipleObjects(ctx, &oss.DeleteMultipleObjectsRequest{
			Bucket: oss.Ptr("bkt"), Objects: objects, EncodingType: oss.Ptr("url")}))
		var deleted []string
		for _, d := range res.DeletedObjects {
			deleted = append(deleted, oss.ToString(d.Key))
		}
		sort.Strings(deleted)
		want := append([]string(nil), keys...)
		sort.Strings(want)
		if !slices.Equal(deleted, want) {
			t.Errorf("deleted %q, want %q", deleted, want)
		}
		for _, k := range keys {
			if _, err := srv.HeadObject("bkt", k, ""); err == nil {
				t.Errorf("%q is still there", k)
			}
		}
	})
}

// TestUploaderEmptyStream: the SDK's Uploader, given an empty stream of
// unknown size, completes its upload without parts, which makes an empty
// object.
func TestUploaderEmptyStream(t *testing.T) {
	forEachSignature(t, func(t *testing.T, version oss.SignatureVersionType) {
		srv := ossemu.NewTestServer(t)
		if err := srv.CreateBucket("bkt", ""); err != nil {
			t.Fatal(err)
		}
		c := newClient(t, srv, version)
		u := c.NewUploader(func(uo *oss.UploaderOptions) { uo.PartSize = 100 << 10 })
		if _, err := u.UploadFrom(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr("empty")},
			io.TeeReader(strings.NewReader(""), io.Discard)); err != nil {
			t.Fatal(err)
		}
		if n := srv.RequestCount("CompleteMultipartUpload"); n != 1 {
			t.Errorf("%d CompleteMultipartUpload requests, want the one this test is about", n)
		}
		head := must[*oss.HeadObjectResult](t)(c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr("empty")}))
		if head.ContentLength != 0 || oss.ToString(head.HashCRC64) != "0" {
			t.Errorf("object of %d bytes, CRC64 %s; want an empty one", head.ContentLength, oss.ToString(head.HashCRC64))
		}
		if ups := srv.Uploads(); len(ups) != 0 {
			t.Errorf("uploads left: %+v", ups)
		}
	})
}

// stripHeader is a transport that drops a header after the SDK signed it.
type stripHeader struct{ name string }

func (s stripHeader) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Del(s.name)
	return http.DefaultTransport.RoundTrip(r)
}

// TestAdditionalHeadersMissing: a V4 signature whose additional headers
// name one the request does not carry is refused with 400, in a presigned
// URL and in the Authorization header; with the header it passes.
func TestAdditionalHeadersMissing(t *testing.T) {
	srv := ossemu.NewTestServer(t)
	if err := srv.CreateBucket("bkt", ""); err != nil {
		t.Fatal(err)
	}
	cfg := func() *oss.Config {
		return srv.ClientConfig().WithAdditionalHeaders([]string{"email"}).WithRetryMaxAttempts(1)
	}
	c := oss.NewClient(cfg())
	pre := must[*oss.PresignResult](t)(c.Presign(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr("pre"),
		RequestCommon: oss.RequestCommon{Headers: map[string]string{"email": "a@example.com"}}}))
	put := func(withHeader bool) *http.Response {
		req := must[*http.Request](t)(http.NewRequest(pre.Method, pre.URL, strings.NewReader("body")))
		if withHeader {
			for k, v := range pre.SignedHeaders {
				req.Header.Set(k, v)
			}
		}
		resp := must[*http.Response](t)(http.DefaultClient.Do(req))
		resp.Body.Close()
		return resp
	}
	if resp := put(false); resp.StatusCode != 400 || resp.Header.Get("x-oss-ec") != "0002-00000077" {
		t.Errorf("presigned PUT without its signed header: %d, EC %q; want 400, 0002-00000077", resp.StatusCode, resp.Header.Get("x-oss-ec"))
	}
	if resp := put(true); resp.StatusCode != 200 {
		t.Errorf("presigned PUT with its signed header: %d, want 200", resp.StatusCode)
	}

	stripped := oss.NewClient(cfg().WithHttpClient(&http.Client{Transport: stripHeader{"email"}}))
	_, err := stripped.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr("hdr"), Body: strings.NewReader("x"),
		RequestCommon: oss.RequestCommon{Headers: map[string]string{"email": "a@example.com"}}})
	expectCode(t, err, 400, "InvalidArgument")
	if se := serviceError(t, err); se.EC != "0002-00000211" {
		t.Errorf("EC = %q, want 0002-00000211", se.EC)
	}
	must[*oss.PutObjectResult](t)(c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr("hdr"), Body: strings.NewReader("x"),
		RequestCommon: oss.RequestCommon{Headers: map[string]string{"email": "a@example.com"}}}))
}
