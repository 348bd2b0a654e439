package ossemu_test

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

func quotedMD5(b []byte) string {
	sum := md5.Sum(b)
	return `"` + strings.ToUpper(hex.EncodeToString(sum[:])) + `"`
}

func TestSDKPutHeadGet(t *testing.T) {
	srv := ossemu.NewTestServer(t)
	c := newClient(t, srv, oss.SignatureVersionV4)
	must[*oss.PutBucketResult](t)(c.PutBucket(ctx, &oss.PutBucketRequest{Bucket: oss.Ptr("src")}))

	data := []byte("hello, emulated object storage")
	put := must[*oss.PutObjectResult](t)(c.PutObject(ctx, &oss.PutObjectRequest{
		Bucket: oss.Ptr("src"), Key: oss.Ptr("dir/a b+c.txt"), Body: bytes.NewReader(data),
		ContentType: oss.Ptr("text/plain"), CacheControl: oss.Ptr("no-cache"),
		Metadata: map[string]string{"Owner": "team"}, StorageClass: oss.StorageClassIA,
		ServerSideEncryption: oss.Ptr("AES256"), Tagging: oss.Ptr("k1=v1&k2=v2"),
	}))
	if got, want := oss.ToString(put.ETag), quotedMD5(data); got != want {
		t.Errorf("PutObject ETag = %s, want %s", got, want)
	}
	if got, want := oss.ToString(put.HashCRC64), crcString(data); got != want {
		t.Errorf("PutObject CRC64 = %s, want %s", got, want)
	}
	if oss.ToString(put.ContentMD5) != contentMD5(data) || put.Headers.Get("x-oss-server-side-encryption") != "AES256" {
		t.Errorf("PutObject Content-MD5 %q, SSE %q", oss.ToString(put.ContentMD5), put.Headers.Get("x-oss-server-side-encryption"))
	}

	head := must[*oss.HeadObjectResult](t)(c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("src"), Key: oss.Ptr("dir/a b+c.txt")}))
	checks := map[string][2]string{
		"ContentType":  {oss.ToString(head.ContentType), "text/plain"},
		"CacheControl": {oss.ToString(head.CacheControl), "no-cache"},
		"meta owner":   {head.Metadata["owner"], "team"},
		"StorageClass": {oss.ToString(head.StorageClass), "IA"},
		"SSE":          {oss.ToString(head.ServerSideEncryption), "AES256"},
		"ETag":         {oss.ToString(head.ETag), quotedMD5(data)},
		"CRC64":        {oss.ToString(head.HashCRC64), crcString(data)},
		"ObjectType":   {oss.ToString(head.ObjectType), "Normal"},
		"Length":       {fmt.Sprint(head.ContentLength), fmt.Sprint(len(data))},
		"TaggingCount": {fmt.Sprint(head.TaggingCount), "2"},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("HeadObject %s = %q, want %q", name, c[0], c[1])
		}
	}

	get := must[*oss.GetObjectResult](t)(c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("src"), Key: oss.Ptr("dir/a b+c.txt"), Range: oss.Ptr("bytes=7-14")}))
	got := must[[]byte](t)(io.ReadAll(get.Body))
	if string(got) != "emulated" || get.StatusCode != http.StatusPartialContent {
		t.Errorf("GetObject range = %d %q, want 206 %q", get.StatusCode, got, "emulated")
	}

	info := must[ossemu.ObjectInfo](t)(srv.HeadObject("src", "dir/a b+c.txt", ""))
	if info.Tags["k2"] != "v2" || info.Metadata["owner"] != "team" || info.ACL != "default" {
		t.Errorf("fixture view = %+v", info)
	}
	if n := srv.RequestCount("PutObject"); n != 1 {
		t.Errorf("RequestCount(PutObject) = %d, want 1", n)
	}
}

func TestSDKErrorsCarryCodeAndEC(t *testing.T) {
	srv := ossemu.NewTestServer(t)
	c := newClient(t, srv, oss.SignatureVersionV4)
	if err := srv.CreateBucket("bkt", ""); err != nil {
		t.Fatal(err)
	}
	_, err := c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr("missing")})
	expectCode(t, err, 404, "NoSuchKey")
	se := serviceError(t, err)
	if se.EC != "0026-00000001" || se.Message != "The specified key does not exist." || se.RequestID == "" {
		t.Errorf("GetObject error = %+v", se)
	}
	// HEAD has no body: the error comes through x-oss-err.
	_, err = c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("nobucket"), Key: oss.Ptr("k")})
	expectCode(t, err, 404, "NoSuchBucket")
	if se = serviceError(t, err); se.EC != "0015-00000101" {
		t.Errorf("HeadObject EC = %q", se.EC)
	}

	bad := newClientWith(srv, oss.SignatureVersionV4, staticCreds("LTAIunknown", "x"))
	_, err = bad.GetBucketInfo(ctx, &oss.GetBucketInfoRequest{Bucket: oss.Ptr("bkt")})
	expectCode(t, err, 403, "InvalidAccessKeyId")
	id, _ := srv.Credentials()
	wrong := newClientWith(srv, oss.SignatureVersionV4, staticCreds(id, "not-the-secret"))
	_, err = wrong.GetBucketInfo(ctx, &oss.GetBucketInfoRequest{Bucket: oss.Ptr("bkt")})
	expectCode(t, err, 403, "SignatureDoesNotMatch")
}

func TestSDKMultipartCopyOfGeneratedObject(t *testing.T) {
	srv := ossemu.NewTestServer(t)
	c := newClient(t, srv, oss.SignatureVersionV4)
	for _, b := range []string{"src", "dst"} {
		if err := srv.CreateBucket(b, ""); err != nil {
			t.Fatal(err)
		}
	}
	const size = 5<<20 + 12345
	src := must[ossemu.ObjectInfo](t)(srv.PutGeneratedObject("src", "big.bin", size, 42, http.Header{"Content-Type": {"application/x-test"}}))
	r := must[io.ReadCloser](t)(srv.OpenObject("src", "big.bin", ""))
	want := must[[]byte](t)(io.ReadAll(r))
	if len(want) != size || crcString(want) != fmt.Sprint(src.CRC64) {
		t.Fatalf("generated object: %d bytes, crc %s, fixture says %d", len(want), crcString(want), src.CRC64)
	}

	init := must[*oss.InitiateMultipartUploadResult](t)(c.InitiateMultipartUpload(ctx, &oss.InitiateMultipartUploadRequest{
		Bucket: oss.Ptr("dst"), Key: oss.Ptr("copy.bin"), ContentType: oss.Ptr("application/x-test"),
	}))
	const partSize = 2 << 20
	var parts []oss.UploadPart
	var etags string
	for i, off := 1, int64(0); off < size; i, off = i+1, off+partSize {
		last := min(off+partSize, size) - 1
		res := must[*oss.UploadPartCopyResult](t)(c.UploadPartCopy(ctx, &oss.UploadPartCopyRequest{
			Bucket: oss.Ptr("dst"), Key: oss.Ptr("copy.bin"), UploadId: init.UploadId, PartNumber: int32(i),
			SourceBucket: oss.Ptr("src"), SourceKey: oss.Ptr("big.bin"),
			Range: oss.Ptr(fmt.Sprintf("bytes=%d-%d", off, last)), IfMatch: oss.Ptr(src.ETag),
		}))
		if got, w := oss.ToString(res.ETag), quotedMD5(want[off:last+1]); got != w {
			t.Fatalf("part %d ETag = %s, want %s", i, got, w)
		}
		etags += strings.Trim(oss.ToString(res.ETag), `"`)
		parts = append(parts, oss.UploadPart{PartNumber: int32(i), ETag: res.ETag})
	}
	done := must[*oss.CompleteMultipartUploadResult](t)(c.CompleteMultipartUpload(ctx, &oss.CompleteMultipartUploadRequest{
		Bucket: oss.Ptr("dst"), Key: oss.Ptr("copy.bin"), UploadId: init.UploadId,
		CompleteMultipartUpload: &oss.CompleteMultipartUpload{Parts: parts},
	}))
	sum := md5.Sum([]byte(etags))
	wantETag := fmt.Sprintf(`"%s-%d"`, strings.ToUpper(hex.EncodeToString(sum[:])), len(parts))
	if got := oss.ToString(done.ETag); got != wantETag {
		t.Errorf("Complete ETag = %s, want %s", got, wantETag)
	}
	if got := oss.ToString(done.HashCRC64); got != crcString(want) {
		t.Errorf("Complete CRC64 = %s, want %s", got, crcString(want))
	}
	get := must[*oss.GetObjectResult](t)(c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr("copy.bin")}))
	got := must[[]byte](t)(io.ReadAll(get.Body))
	if !bytes.Equal(got, want) {
		t.Errorf("copied object differs from source (%d vs %d bytes)", len(got), len(want))
	}
	if len(srv.Uploads()) != 0 {
		t.Errorf("uploads left: %+v", srv.Uploads())
	}
}
