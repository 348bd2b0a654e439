package ossemu_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

// TestBucketOperations walks the bucket API with both signature versions.
func TestBucketOperations(t *testing.T) { forEachSignature(t, testBucketOperations) }

func testBucketOperations(t *testing.T, version oss.SignatureVersionType) {
	srv := ossemu.NewTestServer(t, ossemu.WithRegion("cn-shanghai"))
	c := newClient(t, srv, version)
	put := must[*oss.PutBucketResult](t)(c.PutBucket(ctx, &oss.PutBucketRequest{Bucket: oss.Ptr("bkt1"), Acl: oss.BucketACLPublicRead,
		CreateBucketConfiguration: &oss.CreateBucketConfiguration{StorageClass: oss.StorageClassIA}}))
	if put.Headers.Get("x-oss-request-id") == "" {
		t.Error("success without x-oss-request-id")
	}
	info := must[*oss.GetBucketInfoResult](t)(c.GetBucketInfo(ctx, &oss.GetBucketInfoRequest{Bucket: oss.Ptr("bkt1")}))
	bi := info.BucketInfo
	if oss.ToString(bi.Location) != "oss-cn-shanghai" || oss.ToString(bi.ACL) != "public-read" ||
		oss.ToString(bi.StorageClass) != "IA" || bi.CreationDate == nil {
		t.Errorf("bucket info = %+v", bi)
	}
	loc := must[*oss.GetBucketLocationResult](t)(c.GetBucketLocation(ctx, &oss.GetBucketLocationRequest{Bucket: oss.Ptr("bkt1")}))
	if oss.ToString(loc.LocationConstraint) != "oss-cn-shanghai" {
		t.Errorf("location = %q", oss.ToString(loc.LocationConstraint))
	}

	must[*oss.PutBucketAclResult](t)(c.PutBucketAcl(ctx, &oss.PutBucketAclRequest{Bucket: oss.Ptr("bkt1"), Acl: oss.BucketACLPrivate}))
	acl := must[*oss.GetBucketAclResult](t)(c.GetBucketAcl(ctx, &oss.GetBucketAclRequest{Bucket: oss.Ptr("bkt1")}))
	if oss.ToString(acl.ACL) != "private" {
		t.Errorf("bucket ACL = %q", oss.ToString(acl.ACL))
	}

	ver := must[*oss.GetBucketVersioningResult](t)(c.GetBucketVersioning(ctx, &oss.GetBucketVersioningRequest{Bucket: oss.Ptr("bkt1")}))
	if ver.VersionStatus != nil {
		t.Errorf("new bucket versioning = %q, want none", oss.ToString(ver.VersionStatus))
	}
	must[*oss.PutBucketVersioningResult](t)(c.PutBucketVersioning(ctx, &oss.PutBucketVersioningRequest{Bucket: oss.Ptr("bkt1"),
		VersioningConfiguration: &oss.VersioningConfiguration{Status: oss.VersionSuspended}}))
	ver = must[*oss.GetBucketVersioningResult](t)(c.GetBucketVersioning(ctx, &oss.GetBucketVersioningRequest{Bucket: oss.Ptr("bkt1")}))
	if oss.ToString(ver.VersionStatus) != "Suspended" {
		t.Errorf("versioning = %q", oss.ToString(ver.VersionStatus))
	}

	worm := must[*oss.InitiateBucketWormResult](t)(c.InitiateBucketWorm(ctx, &oss.InitiateBucketWormRequest{Bucket: oss.Ptr("bkt1"),
		InitiateWormConfiguration: &oss.InitiateWormConfiguration{RetentionPeriodInDays: oss.Ptr(int32(3))}}))
	must[*oss.CompleteBucketWormResult](t)(c.CompleteBucketWorm(ctx, &oss.CompleteBucketWormRequest{Bucket: oss.Ptr("bkt1"), WormId: worm.WormId}))
	got := must[*oss.GetBucketWormResult](t)(c.GetBucketWorm(ctx, &oss.GetBucketWormRequest{Bucket: oss.Ptr("bkt1")}))
	if w := got.WormConfiguration; oss.ToString(w.WormId) != oss.ToString(worm.WormId) || w.State != "Locked" || w.RetentionPeriodInDays == nil || *w.RetentionPeriodInDays != 3 {
		t.Errorf("worm = %+v", w)
	}
	_, err := c.AbortBucketWorm(ctx, &oss.AbortBucketWormRequest{Bucket: oss.Ptr("bkt1")})
	expectCode(t, err, 400, "InvalidWORMConfiguration")
	extend := func(days int32) error {
		_, err := c.ExtendBucketWorm(ctx, &oss.ExtendBucketWormRequest{Bucket: oss.Ptr("bkt1"), WormId: worm.WormId,
			ExtendWormConfiguration: &oss.ExtendWormConfiguration{RetentionPeriodInDays: oss.Ptr(days)}})
		return err
	}
	if err := extend(10); err != nil {
		t.Fatal(err)
	}
	expectCode(t, extend(5), 400, "InvalidWORMConfiguration")
	got = must[*oss.GetBucketWormResult](t)(c.GetBucketWorm(ctx, &oss.GetBucketWormRequest{Bucket: oss.Ptr("bkt1")}))
	if days := got.WormConfiguration.RetentionPeriodInDays; days == nil || *days != 10 {
		t.Errorf("extended retention = %v days, want 10", days)
	}

	must[*oss.PutBucketResult](t)(c.PutBucket(ctx, &oss.PutBucketRequest{Bucket: oss.Ptr("bkt2")}))
	must[*oss.DeleteBucketResult](t)(c.DeleteBucket(ctx, &oss.DeleteBucketRequest{Bucket: oss.Ptr("bkt2")}))
	_, err = c.GetBucketInfo(ctx, &oss.GetBucketInfoRequest{Bucket: oss.Ptr("bkt2")})
	expectCode(t, err, 404, "NoSuchBucket")
}

// TestObjectOperations walks the object API with both signature versions.
func TestObjectOperations(t *testing.T) { forEachSignature(t, testObjectOperations) }

func testObjectOperations(t *testing.T, version oss.SignatureVersionType) {
	srv := ossemu.NewTestServer(t)
	c := newClient(t, srv, version)
	for _, b := range []string{"src", "dst"} {
		if err := srv.CreateBucket(b, ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := srv.SetBucketVersioning("src", true); err != nil {
		t.Fatal(err)
	}
	v1 := must[ossemu.ObjectInfo](t)(srv.PutObject("src", "o", []byte("first version"), http.Header{
		"Content-Type": {"text/plain"}, "X-Oss-Meta-Color": {"red"}, "X-Oss-Tagging": {"a=1"}}))
	must[ossemu.ObjectInfo](t)(srv.PutObject("src", "o", []byte("second version"), nil))

	// CopyObject of an older version, metadata and tags copied.
	cp := must[*oss.CopyObjectResult](t)(c.CopyObject(ctx, &oss.CopyObjectRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr("copy"),
		SourceBucket: oss.Ptr("src"), SourceKey: oss.Ptr("o"), SourceVersionId: oss.Ptr(v1.VersionID),
		TrafficLimit: 100 * 1024 * 8, StorageClass: oss.StorageClassIA, ServerSideEncryption: oss.Ptr("KMS"), ServerSideEncryptionKeyId: oss.Ptr("key-1")}))
	if oss.ToString(cp.SourceVersionId) != v1.VersionID || oss.ToString(cp.ETag) != v1.ETag || oss.ToString(cp.HashCRC64) != fmt.Sprint(v1.CRC64) {
		t.Errorf("copy = %+v", cp)
	}
	copied := must[ossemu.ObjectInfo](t)(srv.HeadObject("dst", "copy", ""))
	if copied.ContentType != "text/plain" || copied.Metadata["color"] != "red" || copied.Tags["a"] != "1" {
		t.Errorf("COPY directive lost metadata or tags: %+v", copied)
	}
	// Storage class and encryption come from the request under COPY too.
	if copied.StorageClass != "IA" || copied.Header.Get("x-oss-server-side-encryption") != "KMS" ||
		copied.Header.Get("x-oss-server-side-encryption-key-id") != "key-1" || cp.Headers.Get("x-oss-server-side-encryption") != "KMS" {
		t.Errorf("COPY directive ignored the request's storage class or SSE: %+v", copied.Header)
	}
	// REPLACE takes metadata and tags from the request.
	must[*oss.CopyObjectResult](t)(c.CopyObject(ctx, &oss.CopyObjectRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr("replaced"),
		SourceBucket: oss.Ptr("src"), SourceKey: oss.Ptr("o"), MetadataDirective: oss.Ptr("REPLACE"),
		ContentType: oss.Ptr("application/json"), Metadata: map[string]string{"shape": "round"},
		TaggingDirective: oss.Ptr("Replace"), Tagging: oss.Ptr("b=2")}))
	replaced := must[ossemu.ObjectInfo](t)(srv.HeadObject("dst", "replaced", ""))
	if replaced.ContentType != "application/json" || replaced.Metadata["shape"] != "round" || replaced.Metadata["color"] != "" ||
		replaced.Tags["b"] != "2" || len(replaced.Tags) != 1 {
		t.Errorf("REPLACE directive: %+v", replaced)
	}

	meta := must[*oss.GetObjectMetaResult](t)(c.GetObjectMeta(ctx, &oss.GetObjectMetaRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr("copy")}))
	if meta.ContentLength != int64(len("first version")) || oss.ToString(meta.ETag) != v1.ETag {
		t.Errorf("meta = %+v", meta)
	}

	must[*oss.PutObjectAclResult](t)(c.PutObjectAcl(ctx, &oss.PutObjectAclRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr("copy"), Acl: oss.ObjectACLPublicRead}))
	acl := must[*oss.GetObjectAclResult](t)(c.GetObjectAcl(ctx, &oss.GetObjectAclRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr("copy")}))
	if oss.ToString(acl.ACL) != "public-read" {
		t.Errorf("object ACL = %q", oss.ToString(acl.ACL))
	}
	must[*oss.DeleteObjectTaggingResult](t)(c.DeleteObjectTagging(ctx, &oss.DeleteObjectTaggingRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr("copy")}))
	if tags := must[ossemu.ObjectInfo](t)(srv.HeadObject("dst", "copy", "")).Tags; len(tags) != 0 {
		t.Errorf("tags after delete = %v", tags)
	}

	must[*oss.DeleteObjectResult](t)(c.DeleteObject(ctx, &oss.DeleteObjectRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr("replaced")}))
	if _, err := srv.HeadObject("dst", "replaced", ""); err == nil {
		t.Error("deleted object still there")
	}
}

// TestCopyObjectEncryption: a copy is encrypted only as its CopyObject
// request says. Under the COPY directive too, the source's encryption and
// KMS key are not carried over (OSS's CopyObject reference, on
// x-oss-metadata-directive), while its content headers and storage class are.
func TestCopyObjectEncryption(t *testing.T) {
	srv := ossemu.NewTestServer(t)
	c := newClient(t, srv, oss.SignatureVersionV4)
	if err := srv.CreateBucket("bkt", ""); err != nil {
		t.Fatal(err)
	}
	must[*oss.PutObjectResult](t)(c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr("src"),
		Body: strings.NewReader("secret"), ContentType: oss.Ptr("text/plain"), StorageClass: oss.StorageClassIA,
		ServerSideEncryption: oss.Ptr("KMS"), ServerSideEncryptionKeyId: oss.Ptr("key-1")}))

	testCases := map[string]struct {
		directive, sse string
	}{
		"COPY without encryption":    {"COPY", ""},
		"REPLACE without encryption": {"REPLACE", ""},
		"COPY with AES256":           {"COPY", "AES256"},
	}
	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			key := oss.Ptr(strings.ReplaceAll(name, " ", "-"))
			req := &oss.CopyObjectRequest{Bucket: oss.Ptr("bkt"), Key: key, SourceKey: oss.Ptr("src"),
				MetadataDirective: oss.Ptr(tc.directive)}
			if tc.sse != "" {
				req.ServerSideEncryption = oss.Ptr(tc.sse)
			}
			cp := must[*oss.CopyObjectResult](t)(c.CopyObject(ctx, req))
			head := must[*oss.HeadObjectResult](t)(c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("bkt"), Key: key}))
			if got := oss.ToString(head.ServerSideEncryption); got != tc.sse {
				t.Errorf("copy's encryption %q, want %q", got, tc.sse)
			}
			if got := oss.ToString(cp.ServerSideEncryption); got != tc.sse {
				t.Errorf("CopyObject answered encryption %q, want %q", got, tc.sse)
			}
			if got := oss.ToString(head.ServerSideEncryptionKeyId); got != "" {
				t.Errorf("copy's KMS key %q, want none", got)
			}
			if tc.directive == "COPY" && (oss.ToString(head.ContentType) != "text/plain" || oss.ToString(head.StorageClass) != "IA") {
				t.Errorf("COPY lost the source's Content-Type or storage class: %q, %q",
					oss.ToString(head.ContentType), oss.ToString(head.StorageClass))
			}
		})
	}
}

// TestDefaultKMSKey checks that a write asking for KMS without naming a key is
// encrypted with the account's default key, which its answer and HEAD name,
// as OSS does; a named key is kept, and other encryption names none.
func TestDefaultKMSKey(t *testing.T) {
	srv := ossemu.NewTestServer(t)
	c := newClient(t, srv, oss.SignatureVersionV4)
	if err := srv.CreateBucket("bkt", ""); err != nil {
		t.Fatal(err)
	}
	must[*oss.PutObjectResult](t)(c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr("src"),
		Body: strings.NewReader("plain")}))
	const keyIDHeader = "x-oss-server-side-encryption-key-id"
	write := map[string]func(key, sse, kmsKey *string) (answered *string){
		"PutObject": func(key, sse, kmsKey *string) *string {
			res := must[*oss.PutObjectResult](t)(c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("bkt"), Key: key,
				Body: strings.NewReader("x"), ServerSideEncryption: sse, ServerSideEncryptionKeyId: kmsKey}))
			return oss.Ptr(res.Headers.Get(keyIDHeader))
		},
		"CopyObject": func(key, sse, kmsKey *string) *string {
			return must[*oss.CopyObjectResult](t)(c.CopyObject(ctx, &oss.CopyObjectRequest{Bucket: oss.Ptr("bkt"), Key: key,
				SourceKey: oss.Ptr("src"), ServerSideEncryption: sse, ServerSideEncryptionKeyId: kmsKey})).ServerSideEncryptionKeyId
		},
		"InitiateMultipartUpload": func(key, sse, kmsKey *string) *string {
			init := must[*oss.InitiateMultipartUploadResult](t)(c.InitiateMultipartUpload(ctx, &oss.InitiateMultipartUploadRequest{
				Bucket: oss.Ptr("bkt"), Key: key, ServerSideEncryption: sse, ServerSideEncryptionKeyId: kmsKey}))
			must[*oss.CompleteMultipartUploadResult](t)(c.CompleteMultipartUpload(ctx, &oss.CompleteMultipartUploadRequest{
				Bucket: oss.Ptr("bkt"), Key: key, UploadId: init.UploadId, CompleteAll: oss.Ptr("yes")}))
			return nil // Complete does not repeat the encryption headers
		},
	}
	var defaultKey string
	for op, put := range write {
		for _, tc := range []struct{ sse, key string }{{"KMS", ""}, {"KMS", "key-1"}, {"AES256", ""}} {
			key := oss.Ptr(op + "-" + tc.sse + "-" + tc.key)
			answered := put(key, oss.Ptr(tc.sse), optionalString(tc.key))
			head := must[*oss.HeadObjectResult](t)(c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("bkt"), Key: key}))
			got := oss.ToString(head.ServerSideEncryptionKeyId)
			switch {
			case tc.sse != "KMS":
				if got != "" {
					t.Errorf("%s with %s: KMS key %q, want none", op, tc.sse, got)
				}
			case tc.key != "":
				if got != tc.key {
					t.Errorf("%s with KMS key %s: HEAD names %q", op, tc.key, got)
				}
			default:
				if got == "" {
					t.Errorf("%s with KMS and no key: HEAD names no key", op)
				}
				if defaultKey != "" && got != defaultKey {
					t.Errorf("%s with KMS and no key: key %q, another write got %q", op, got, defaultKey)
				}
				defaultKey = got
			}
			if answered != nil && oss.ToString(answered) != got {
				t.Errorf("%s with %s %q: answered key %q, HEAD %q", op, tc.sse, tc.key, oss.ToString(answered), got)
			}
		}
	}
}

func optionalString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// TestMultipartOperations covers the upload bookkeeping around UploadPartCopy.
func TestMultipartOperations(t *testing.T) { forEachSignature(t, testMultipartOperations) }

func testMultipartOperations(t *testing.T, version oss.SignatureVersionType) {
	srv := ossemu.NewTestServer(t)
	c := newClient(t, srv, version)
	if err := srv.CreateBucket("bkt", ""); err != nil {
		t.Fatal(err)
	}
	src := bytes.Repeat([]byte("0123456789abcdef"), 16<<10) // 256 KiB
	must[ossemu.ObjectInfo](t)(srv.PutObject("bkt", "src", src, nil))
	var ids []string
	for _, key := range []string{"k/one", "k/two", "other"} {
		res := must[*oss.InitiateMultipartUploadResult](t)(c.InitiateMultipartUpload(ctx, &oss.InitiateMultipartUploadRequest{
			Bucket: oss.Ptr("bkt"), Key: oss.Ptr(key), StorageClass: oss.StorageClassIA}))
		ids = append(ids, oss.ToString(res.UploadId))
	}
	list := must[*oss.ListMultipartUploadsResult](t)(c.ListMultipartUploads(ctx, &oss.ListMultipartUploadsRequest{Bucket: oss.Ptr("bkt"), Prefix: oss.Ptr("k/")}))
	if len(list.Uploads) != 2 || oss.ToString(list.Uploads[0].Key) != "k/one" || oss.ToString(list.Uploads[1].UploadId) != ids[1] {
		t.Errorf("uploads = %+v", list.Uploads)
	}

	// An unsatisfiable range copies the whole object; a valid one, that range.
	whole := must[*oss.UploadPartCopyResult](t)(c.UploadPartCopy(ctx, &oss.UploadPartCopyRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr("k/one"),
		UploadId: oss.Ptr(ids[0]), PartNumber: 1, SourceKey: oss.Ptr("src"), Range: oss.Ptr("bytes=500000-600000")}))
	if oss.ToString(whole.ETag) != quotedMD5(src) {
		t.Errorf("out-of-range copy ETag = %s, want the whole object's", oss.ToString(whole.ETag))
	}
	must[*oss.UploadPartCopyResult](t)(c.UploadPartCopy(ctx, &oss.UploadPartCopyRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr("k/one"),
		UploadId: oss.Ptr(ids[0]), PartNumber: 2, SourceKey: oss.Ptr("src"), Range: oss.Ptr("bytes=10-19")}))
	// Sending a part number again replaces the part.
	again := must[*oss.UploadPartCopyResult](t)(c.UploadPartCopy(ctx, &oss.UploadPartCopyRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr("k/one"),
		UploadId: oss.Ptr(ids[0]), PartNumber: 2, SourceKey: oss.Ptr("src"), Range: oss.Ptr("bytes=0-9")}))
	parts := must[*oss.ListPartsResult](t)(c.ListParts(ctx, &oss.ListPartsRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr("k/one"), UploadId: oss.Ptr(ids[0])}))
	if len(parts.Parts) != 2 || parts.Parts[0].Size != int64(len(src)) || parts.Parts[1].Size != 10 ||
		oss.ToString(parts.Parts[1].ETag) != oss.ToString(again.ETag) || oss.ToString(parts.Parts[1].HashCRC64) != crcString(src[:10]) {
		t.Errorf("parts = %+v", parts.Parts)
	}
	done := must[*oss.CompleteMultipartUploadResult](t)(c.CompleteMultipartUpload(ctx, &oss.CompleteMultipartUploadRequest{
		Bucket: oss.Ptr("bkt"), Key: oss.Ptr("k/one"), UploadId: oss.Ptr(ids[0]), CompleteAll: oss.Ptr("yes")}))
	want := append(append([]byte(nil), src...), src[:10]...)
	if oss.ToString(done.HashCRC64) != crcString(want) {
		t.Errorf("complete-all CRC = %s, want %s", oss.ToString(done.HashCRC64), crcString(want))
	}
	if info := must[ossemu.ObjectInfo](t)(srv.HeadObject("bkt", "k/one", "")); info.StorageClass != "IA" || !strings.HasSuffix(info.ETag, `-2"`) {
		t.Errorf("completed object = %+v (storage class comes from Initiate)", info)
	}

	must[*oss.AbortMultipartUploadResult](t)(c.AbortMultipartUpload(ctx, &oss.AbortMultipartUploadRequest{Bucket: oss.Ptr("bkt"), Key: oss.Ptr("k/two"), UploadId: oss.Ptr(ids[1])}))
	left := srv.Uploads()
	if len(left) != 1 || left[0].Key != "other" || left[0].UploadID != ids[2] {
		t.Errorf("uploads left = %+v", left)
	}
	_, err := c.DeleteBucket(ctx, &oss.DeleteBucketRequest{Bucket: oss.Ptr("bkt")})
	expectCode(t, err, 409, "BucketNotEmpty")
	if n := srv.RequestCount("UploadPartCopy"); n != 3 {
		t.Errorf("UploadPartCopy count = %d, want 3", n)
	}
}

// TestRetentionWithVersioning: with versioning enabled, a bucket under
// retention still takes new versions and delete markers, but no protected
// version can be removed.
func TestRetentionWithVersioning(t *testing.T) {
	srv := ossemu.NewTestServer(t)
	c := newClient(t, srv, oss.SignatureVersionV4)
	if err := srv.CreateBucket("kept", ""); err != nil {
		t.Fatal(err)
	}
	if err := srv.SetBucketVersioning("kept", true); err != nil {
		t.Fatal(err)
	}
	first := must[ossemu.ObjectInfo](t)(srv.PutObject("kept", "k", []byte("v1"), nil))
	if err := srv.LockBucketRetention("kept", 30); err != nil {
		t.Fatal(err)
	}
	must[*oss.PutObjectResult](t)(c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("kept"), Key: oss.Ptr("k"), Body: strings.NewReader("v2")}))
	del := must[*oss.DeleteObjectResult](t)(c.DeleteObject(ctx, &oss.DeleteObjectRequest{Bucket: oss.Ptr("kept"), Key: oss.Ptr("k")}))
	if !del.DeleteMarker {
		t.Error("delete did not add a delete marker")
	}
	_, err := c.DeleteObject(ctx, &oss.DeleteObjectRequest{Bucket: oss.Ptr("kept"), Key: oss.Ptr("k"), VersionId: oss.Ptr(first.VersionID)})
	expectCode(t, err, 409, "FileImmutable")
	if n := len(srv.ListObjectVersions("kept", "k")); n != 3 {
		t.Errorf("versions = %d, want 3 (two objects and a delete marker)", n)
	}
}
