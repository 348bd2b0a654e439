package ossemu_test

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/xml"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

var signatureVersions = map[string]oss.SignatureVersionType{"V4": oss.SignatureVersionV4, "V1": oss.SignatureVersionV1}

// TestSignatureVersions exercises requests whose canonical forms differ:
// sub-resources, keys needing escapes, x-oss-* headers, Content-MD5.
func TestSignatureVersions(t *testing.T) { forEachSignature(t, testSignatureVersions) }

func testSignatureVersions(t *testing.T, version oss.SignatureVersionType) {
	srv := ossemu.NewTestServer(t)
	c := newClient(t, srv, version)
	must[*oss.PutBucketResult](t)(c.PutBucket(ctx, &oss.PutBucketRequest{Bucket: oss.Ptr("signed")}))
	key := "dir/ü ~!*'()&=+$,;@#[].txt"
	body := []byte("payload")
	must[*oss.PutObjectResult](t)(c.PutObject(ctx, &oss.PutObjectRequest{
		Bucket: oss.Ptr("signed"), Key: oss.Ptr(key), Body: bytes.NewReader(body),
		Metadata: map[string]string{"a": "1", "b": " spaced "}, ContentMD5: oss.Ptr(contentMD5(body)),
	}))
	must[*oss.PutObjectTaggingResult](t)(c.PutObjectTagging(ctx, &oss.PutObjectTaggingRequest{
		Bucket: oss.Ptr("signed"), Key: oss.Ptr(key),
		Tagging: &oss.Tagging{TagSet: &oss.TagSet{Tags: []oss.Tag{{Key: oss.Ptr("t"), Value: oss.Ptr("v")}}}},
	}))
	tags := must[*oss.GetObjectTaggingResult](t)(c.GetObjectTagging(ctx, &oss.GetObjectTaggingRequest{Bucket: oss.Ptr("signed"), Key: oss.Ptr(key)}))
	if len(tags.Tags) != 1 || oss.ToString(tags.Tags[0].Value) != "v" {
		t.Errorf("tags = %+v", tags.Tags)
	}
	list := must[*oss.ListObjectsV2Result](t)(c.ListObjectsV2(ctx, &oss.ListObjectsV2Request{Bucket: oss.Ptr("signed"), Prefix: oss.Ptr("dir/")}))
	if len(list.Contents) != 1 || oss.ToString(list.Contents[0].Key) != key {
		t.Errorf("list = %+v", list.Contents)
	}
	get := must[*oss.GetObjectResult](t)(c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("signed"), Key: oss.Ptr(key),
		ResponseContentType: oss.Ptr("text/x-override")}))
	got := must[[]byte](t)(io.ReadAll(get.Body))
	if !bytes.Equal(got, body) || oss.ToString(get.ContentType) != "text/x-override" || get.Metadata["b"] != "spaced" {
		t.Errorf("get = %q %q %v", got, oss.ToString(get.ContentType), get.Metadata)
	}
}

func TestAuthenticationFailures(t *testing.T) {
	srv := ossemu.NewTestServer(t)
	if err := srv.CreateBucket("bkt", ""); err != nil {
		t.Fatal(err)
	}
	id, _ := srv.Credentials()
	for name, version := range signatureVersions {
		t.Run(name, func(t *testing.T) {
			bad := newClientWith(srv, version, staticCreds("LTAInobody", "secret"))
			_, err := bad.GetBucketInfo(ctx, &oss.GetBucketInfoRequest{Bucket: oss.Ptr("bkt")})
			expectCode(t, err, 403, "InvalidAccessKeyId")
			se := serviceError(t, err)
			if se.Message != "The OSS Access Key Id you provided does not exist in our records." {
				t.Errorf("message = %q", se.Message)
			}
			wrong := newClientWith(srv, version, staticCreds(id, "wrong-secret"))
			_, err = wrong.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr("k")})
			expectCode(t, err, 403, "SignatureDoesNotMatch")
			if se = serviceError(t, err); se.EC != "0002-00000040" {
				t.Errorf("EC = %q", se.EC)
			}
		})
	}
	resp := must[*http.Response](t)(http.Get(srv.Endpoint() + "/bkt/k"))
	defer resp.Body.Close()
	var e struct{ Code, Message string }
	if err := xml.NewDecoder(resp.Body).Decode(&e); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 403 || e.Code != "AccessDenied" || resp.Header.Get("x-oss-request-id") == "" {
		t.Errorf("anonymous GET = %d %+v", resp.StatusCode, e)
	}
}

func TestClockSkew(t *testing.T) {
	srv := ossemu.NewTestServer(t)
	if err := srv.CreateBucket("bkt", ""); err != nil {
		t.Fatal(err)
	}
	for name, version := range signatureVersions {
		t.Run(name, func(t *testing.T) {
			c := newClient(t, srv, version)
			srv.SetClockSkew(16 * time.Minute)
			_, err := c.GetBucketInfo(ctx, &oss.GetBucketInfoRequest{Bucket: oss.Ptr("bkt")})
			expectCode(t, err, 403, "RequestTimeTooSkewed")
			srv.SetClockSkew(14 * time.Minute)
			if _, err := c.GetBucketInfo(ctx, &oss.GetBucketInfoRequest{Bucket: oss.Ptr("bkt")}); err != nil {
				t.Errorf("14 minutes of skew: %v", err)
			}
			srv.SetClockSkew(0)
		})
	}
}

func TestSTSCredentials(t *testing.T) {
	srv := ossemu.NewTestServer(t,
		ossemu.WithTemporaryCredentials("STS.valid", "s1", "token-1", time.Now().Add(time.Hour)),
		ossemu.WithTemporaryCredentials("STS.expired", "s2", "token-2", time.Now().Add(-time.Minute)))
	if err := srv.CreateBucket("bkt", ""); err != nil {
		t.Fatal(err)
	}
	must[ossemu.ObjectInfo](t)(srv.PutObject("bkt", "obj", []byte("sts"), nil))
	for name, version := range signatureVersions {
		t.Run(name, func(t *testing.T) {
			ok := newClientWith(srv, version, staticCreds("STS.valid", "s1", "token-1"))
			if _, err := ok.GetBucketInfo(ctx, &oss.GetBucketInfoRequest{Bucket: oss.Ptr("bkt")}); err != nil {
				t.Errorf("valid token: %v", err)
			}
			noToken := newClientWith(srv, version, staticCreds("STS.valid", "s1"))
			_, err := noToken.GetBucketInfo(ctx, &oss.GetBucketInfoRequest{Bucket: oss.Ptr("bkt")})
			expectCode(t, err, 403, "InvalidSecurityToken")
			if ec := serviceError(t, err).EC; ec != "0002-00000008" {
				t.Errorf("invalid token EC = %q", ec)
			}
			expired := newClientWith(srv, version, staticCreds("STS.expired", "s2", "token-2"))
			_, err = expired.GetBucketInfo(ctx, &oss.GetBucketInfoRequest{Bucket: oss.Ptr("bkt")})
			expectCode(t, err, 403, "SecurityTokenExpired")
			if ec := serviceError(t, err).EC; ec != "0002-00000007" {
				t.Errorf("expired token EC = %q", ec)
			}
			// Presigned URLs carry the token as a query parameter.
			pre := must[*oss.PresignResult](t)(ok.Presign(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr("obj")}))
			resp := must[*http.Response](t)(http.Get(pre.URL))
			body := readAll(t, resp.Body)
			if resp.StatusCode != 200 || body != "sts" {
				t.Errorf("presigned GET with a security token = %d %q", resp.StatusCode, body)
			}
		})
	}
}

func TestPresignedURLs(t *testing.T) {
	srv := ossemu.NewTestServer(t)
	if err := srv.CreateBucket("bkt", ""); err != nil {
		t.Fatal(err)
	}
	data := []byte("presigned content")
	must[ossemu.ObjectInfo](t)(srv.PutObject("bkt", "p/q r.txt", data, nil))
	for name, version := range signatureVersions {
		t.Run(name, func(t *testing.T) {
			c := newClient(t, srv, version)
			pre := must[*oss.PresignResult](t)(c.Presign(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr("p/q r.txt")},
				oss.PresignExpires(10*time.Minute)))
			resp := must[*http.Response](t)(http.Get(pre.URL))
			got := must[[]byte](t)(io.ReadAll(resp.Body))
			resp.Body.Close()
			if resp.StatusCode != 200 || !bytes.Equal(got, data) {
				t.Errorf("presigned GET = %d %q", resp.StatusCode, got)
			}

			put := must[*oss.PresignResult](t)(c.Presign(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr("up.txt")}))
			req := must[*http.Request](t)(http.NewRequest(put.Method, put.URL, strings.NewReader("uploaded")))
			for k, v := range put.SignedHeaders {
				req.Header.Set(k, v)
			}
			resp = must[*http.Response](t)(http.DefaultClient.Do(req))
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("presigned PUT = %d", resp.StatusCode)
			}

			old := must[*oss.PresignResult](t)(c.Presign(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr("p/q r.txt")},
				oss.PresignExpiration(time.Now().Add(time.Second))))
			srv.SetClockSkew(time.Minute)
			defer srv.SetClockSkew(0)
			resp = must[*http.Response](t)(http.Get(old.URL))
			body := must[[]byte](t)(io.ReadAll(resp.Body))
			resp.Body.Close()
			// OSS documents an EC for an expired V1 URL (0002-00000069), none for V4.
			wantEC := map[oss.SignatureVersionType]string{oss.SignatureVersionV1: "0002-00000069"}[version]
			if resp.StatusCode != 403 || !bytes.Contains(body, []byte("<Code>AccessDenied</Code>")) ||
				!bytes.Contains(body, []byte("<Message>Request has expired.</Message>")) ||
				resp.Header.Get("x-oss-ec") != wantEC {
				t.Errorf("expired presigned GET = %d, EC %q (want %q): %s", resp.StatusCode, resp.Header.Get("x-oss-ec"), wantEC, body)
			}
			tampered := strings.Replace(pre.URL, "q%20r.txt", "other.txt", 1)
			resp = must[*http.Response](t)(http.Get(tampered))
			body = must[[]byte](t)(io.ReadAll(resp.Body))
			resp.Body.Close()
			if resp.StatusCode != 403 || !bytes.Contains(body, []byte("<Code>SignatureDoesNotMatch</Code>")) {
				t.Errorf("tampered presigned GET = %d %s", resp.StatusCode, body)
			}
		})
	}
}

func contentMD5(b []byte) string {
	sum := md5.Sum(b)
	return base64.StdEncoding.EncodeToString(sum[:])
}
