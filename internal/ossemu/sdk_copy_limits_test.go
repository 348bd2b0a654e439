package ossemu_test

import (
	"fmt"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

// TestCopyObjectSizeLimits checks CopyObject at each of its size limits:
// within one bucket a copy that keeps storage class and encryption has none,
// between buckets the source may be up to 5 GiB, and a copy that changes
// storage class or encryption takes sources up to 1 GiB. Above a limit OSS
// answers EntityTooLarge, which sends callers to UploadPartCopy.
// Reference: https://www.alibabacloud.com/help/en/oss/developer-reference/copyobject
func TestCopyObjectSizeLimits(t *testing.T) {
	const gib = 1 << 30
	testCases := map[string]struct {
		size    int64
		dst     string // destination bucket; the source is in "src"
		mod     func(*oss.CopyObjectRequest)
		refused bool
	}{
		"one bucket, above 5 GiB":                       {size: 5*gib + 1, dst: "src"},
		"one bucket, same storage class named":          {size: 5*gib + 1, dst: "src", mod: storageClass(oss.StorageClassStandard)},
		"two buckets, 5 GiB":                            {size: 5 * gib, dst: "dst"},
		"two buckets, above 5 GiB":                      {size: 5*gib + 1, dst: "dst", refused: true},
		"storage class changed, 1 GiB":                  {size: gib, dst: "dst", mod: storageClass(oss.StorageClassIA)},
		"storage class changed, above 1 GiB":            {size: gib + 1, dst: "dst", mod: storageClass(oss.StorageClassIA), refused: true},
		"storage class changed in one bucket, 1 GiB":    {size: gib, dst: "src", mod: storageClass(oss.StorageClassArchive)},
		"storage class changed in one bucket, above":    {size: gib + 1, dst: "src", mod: storageClass(oss.StorageClassArchive), refused: true},
		"encryption changed, 1 GiB":                     {size: gib, dst: "src", mod: encryption("AES256")},
		"encryption changed in one bucket, above 1 GiB": {size: gib + 1, dst: "src", mod: encryption("AES256"), refused: true},
		"encryption changed, above 1 GiB":               {size: gib + 1, dst: "dst", mod: encryption("KMS"), refused: true},
	}
	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			// Digests from extent identity: hashing gigabytes of copied
			// content would only slow the test, whose subject is the limit.
			srv := ossemu.NewTestServer(t, ossemu.WithDigestFromExtentIdentity())
			c := newClient(t, srv, oss.SignatureVersionV4)
			for _, b := range []string{"src", "dst"} {
				if err := srv.CreateBucket(b, ""); err != nil {
					t.Fatal(err)
				}
			}
			src := must[ossemu.ObjectInfo](t)(srv.PutGeneratedObject("src", "big", tc.size, 1, nil))
			req := &oss.CopyObjectRequest{Bucket: oss.Ptr(tc.dst), Key: oss.Ptr("copy"), SourceBucket: oss.Ptr("src"), SourceKey: oss.Ptr("big")}
			if tc.mod != nil {
				tc.mod(req)
			}
			res, err := c.CopyObject(ctx, req)
			if tc.refused {
				expectCode(t, err, 400, "EntityTooLarge")
				if se := serviceError(t, err); se.Message != "Source object Length exceeds the maximum allowed size." || se.EC != "" {
					t.Errorf("message %q, EC %q", se.Message, se.EC)
				}
				if _, err := srv.HeadObject(tc.dst, "copy", ""); err == nil {
					t.Error("a refused copy stored an object")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := oss.ToString(res.HashCRC64); got != fmt.Sprint(src.CRC64) {
				t.Errorf("copy CRC64 = %s, source %d", got, src.CRC64)
			}
			if copied := must[ossemu.ObjectInfo](t)(srv.HeadObject(tc.dst, "copy", "")); copied.Size != tc.size {
				t.Errorf("copied %d bytes, want %d", copied.Size, tc.size)
			}
		})
	}
}

func storageClass(sc oss.StorageClassType) func(*oss.CopyObjectRequest) {
	return func(r *oss.CopyObjectRequest) { r.StorageClass = sc }
}

func encryption(algorithm string) func(*oss.CopyObjectRequest) {
	return func(r *oss.CopyObjectRequest) { r.ServerSideEncryption = oss.Ptr(algorithm) }
}
