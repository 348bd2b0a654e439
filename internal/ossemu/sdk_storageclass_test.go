package ossemu_test

import (
	"bytes"
	"errors"
	"net/http"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

// TestDefaultStorageClass checks which storage class a write gets when its
// request names none. PutObject and InitiateMultipartUpload take the bucket's
// (OSS's PutObject and InitiateMultipartUpload references: a requested class
// applies "regardless of the storage class of the bucket"); CopyObject keeps
// the source object's whatever the metadata directive, as the CopyObject
// reference's size limits for copies that "do not change the storage class"
// and the SDK's Copier, which copies in place only when no class is named,
// both assume.
func TestDefaultStorageClass(t *testing.T) {
	srv := ossemu.NewTestServer(t)
	c := newClient(t, srv, oss.SignatureVersionV4)
	must[*oss.PutBucketResult](t)(c.PutBucket(ctx, &oss.PutBucketRequest{Bucket: oss.Ptr("ia-bucket"),
		CreateBucketConfiguration: &oss.CreateBucketConfiguration{StorageClass: oss.StorageClassIA}}))
	if err := srv.CreateBucket("std-bucket", ""); err != nil {
		t.Fatal(err)
	}
	data := bytes.Repeat([]byte("storage class "), 16<<10) // 224 KiB: two parts of at least 100 KiB
	must[ossemu.ObjectInfo](t)(srv.PutObject("std-bucket", "standard", data, nil))
	must[ossemu.ObjectInfo](t)(srv.PutObject("std-bucket", "archive", data, http.Header{"X-Oss-Storage-Class": {"Archive"}}))
	// An Archive object is copied only once restored.
	must[*oss.RestoreObjectResult](t)(c.RestoreObject(ctx, &oss.RestoreObjectRequest{Bucket: oss.Ptr("std-bucket"),
		Key: oss.Ptr("archive")}))
	must[*oss.PutObjectResult](t)(c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("ia-bucket"), Key: oss.Ptr("put"),
		Body: bytes.NewReader(data)}))
	must[*oss.PutObjectResult](t)(c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("ia-bucket"), Key: oss.Ptr("put-standard"),
		Body: bytes.NewReader(data), StorageClass: oss.StorageClassStandard}))

	copyObject := func(bucket, key, source, directive string, class oss.StorageClassType) {
		must[*oss.CopyObjectResult](t)(c.CopyObject(ctx, &oss.CopyObjectRequest{Bucket: oss.Ptr(bucket), Key: oss.Ptr(key),
			SourceBucket: oss.Ptr("std-bucket"), SourceKey: oss.Ptr(source), MetadataDirective: oss.Ptr(directive),
			StorageClass: class}))
	}
	copyObject("ia-bucket", "copy-standard", "standard", "COPY", "")
	copyObject("ia-bucket", "copy-archive", "archive", "COPY", "")
	copyObject("ia-bucket", "replace-archive", "archive", "REPLACE", "")
	copyObject("std-bucket", "copy-to-cold", "archive", "COPY", oss.StorageClassColdArchive)

	multipart := func(key string, class oss.StorageClassType) {
		up := must[*oss.InitiateMultipartUploadResult](t)(c.InitiateMultipartUpload(ctx, &oss.InitiateMultipartUploadRequest{
			Bucket: oss.Ptr("ia-bucket"), Key: oss.Ptr(key), StorageClass: class}))
		var parts []oss.UploadPart
		for i, r := range []string{"bytes=0-102399", "bytes=102400-229375"} {
			p := must[*oss.UploadPartCopyResult](t)(c.UploadPartCopy(ctx, &oss.UploadPartCopyRequest{Bucket: oss.Ptr("ia-bucket"),
				Key: oss.Ptr(key), UploadId: up.UploadId, PartNumber: int32(i + 1), SourceBucket: oss.Ptr("std-bucket"),
				SourceKey: oss.Ptr("archive"), Range: oss.Ptr(r)}))
			parts = append(parts, oss.UploadPart{PartNumber: int32(i + 1), ETag: p.ETag})
		}
		must[*oss.CompleteMultipartUploadResult](t)(c.CompleteMultipartUpload(ctx, &oss.CompleteMultipartUploadRequest{
			Bucket: oss.Ptr("ia-bucket"), Key: oss.Ptr(key), UploadId: up.UploadId,
			CompleteMultipartUpload: &oss.CompleteMultipartUpload{Parts: parts}}))
	}
	multipart("multipart", "")
	multipart("multipart-standard", oss.StorageClassStandard)

	testCases := map[string]struct{ bucket, key, want string }{
		"PutObject takes the bucket's class":                    {"ia-bucket", "put", "IA"},
		"PutObject takes the requested class":                   {"ia-bucket", "put-standard", "Standard"},
		"CopyObject keeps the source's class, not the bucket's": {"ia-bucket", "copy-standard", "Standard"},
		"CopyObject under COPY keeps the source's class":        {"ia-bucket", "copy-archive", "Archive"},
		"CopyObject under REPLACE keeps the source's class":     {"ia-bucket", "replace-archive", "Archive"},
		"CopyObject takes the requested class":                  {"std-bucket", "copy-to-cold", "ColdArchive"},
		"multipart copy takes the bucket's class":               {"ia-bucket", "multipart", "IA"},
		"multipart copy takes the class Initiate requested":     {"ia-bucket", "multipart-standard", "Standard"},
	}
	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			head := must[*oss.HeadObjectResult](t)(c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr(tc.bucket), Key: oss.Ptr(tc.key)}))
			if got := oss.ToString(head.StorageClass); got != tc.want {
				t.Errorf("%s/%s storage class = %q, want %q", tc.bucket, tc.key, got, tc.want)
			}
		})
	}
}

// TestTransitionObject moves an object to a colder class as a lifecycle rule
// does: HeadObject reports the new class and the same version, ETag, CRC64
// and Last-Modified, and a version that does not exist is an error.
func TestTransitionObject(t *testing.T) {
	srv := ossemu.NewTestServer(t)
	c := newClient(t, srv, oss.SignatureVersionV4)
	if err := srv.CreateBucket("lifecycle", ""); err != nil {
		t.Fatal(err)
	}
	if err := srv.SetBucketVersioning("lifecycle", true); err != nil {
		t.Fatal(err)
	}
	put := must[ossemu.ObjectInfo](t)(srv.PutObject("lifecycle", "k", []byte("cold soon"), nil))
	must[ossemu.ObjectInfo](t)(srv.PutObject("lifecycle", "k", []byte("newer"), nil))
	head := func() *oss.HeadObjectResult {
		return must[*oss.HeadObjectResult](t)(c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("lifecycle"),
			Key: oss.Ptr("k"), VersionId: oss.Ptr(put.VersionID)}))
	}
	before := head()
	if err := srv.TransitionObject("lifecycle", "k", put.VersionID, "Archive"); err != nil {
		t.Fatal(err)
	}
	after := head()
	if got := oss.ToString(after.StorageClass); got != "Archive" {
		t.Errorf("storage class after the transition: got %q, want Archive", got)
	}
	for name, v := range map[string][2]string{
		"ETag":          {oss.ToString(before.ETag), oss.ToString(after.ETag)},
		"CRC64":         {oss.ToString(before.HashCRC64), oss.ToString(after.HashCRC64)},
		"version":       {oss.ToString(before.VersionId), oss.ToString(after.VersionId)},
		"Last-Modified": {before.LastModified.String(), after.LastModified.String()},
	} {
		if v[0] != v[1] {
			t.Errorf("%s changed with the transition: %q, then %q", name, v[0], v[1])
		}
	}
	if cur := must[ossemu.ObjectInfo](t)(srv.HeadObject("lifecycle", "k", "")); cur.StorageClass != "Standard" {
		t.Errorf("the current version's class: got %q, want Standard, untouched", cur.StorageClass)
	}
	if err := srv.TransitionObject("lifecycle", "k", "CAEQnosuchversion", "IA"); !errors.Is(err, ossemu.ErrNotFound) {
		t.Errorf("transition of a missing version: got %v, want ErrNotFound", err)
	}
	if err := srv.TransitionObject("lifecycle", "k", "", "Glacier"); err == nil {
		t.Error("transition to an unknown class succeeded")
	}
}
