package objectcopy_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossprovider/terraform-provider-oss/internal/objectcopy"
	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

// A source that OSS would not copy as a copy of its bytes fails the copy
// with a *NotCopyableError found by the HEAD that precedes any write, with
// a single request or a multipart copy, whether Copy reads the source or is
// given what HeadSource read: a symbolic link (CopyObject would copy the
// link, which resolves in the destination bucket, and UploadPartCopy
// refuses it), an appendable object, and cold objects not restored or
// still restoring. Nothing is written and no upload is left.
func TestCopy_SourceNotCopyable(t *testing.T) {
	t.Parallel()

	testCases := map[string]struct {
		make    func(*testing.T, *ossemu.Server, *oss.Client, []byte)
		reason  objectcopy.NotCopyableReason
		message string
	}{
		"symlink": {func(t *testing.T, srv *ossemu.Server, _ *oss.Client, data []byte) {
			putSource(t, srv, "target", data, nil)
			if _, err := srv.PutSymlink(srcBucket, "k", "target"); err != nil {
				t.Fatal(err)
			}
		}, objectcopy.SourceIsSymlink, "source oss://source-bucket/k is a symbolic link: OSS would copy the link, " +
			"not the object it points to"},
		"appendable": {func(t *testing.T, _ *ossemu.Server, c *oss.Client, data []byte) {
			if _, err := c.AppendObject(context.Background(), &oss.AppendObjectRequest{Bucket: oss.Ptr(srcBucket),
				Key: oss.Ptr("k"), Position: oss.Ptr(int64(0)), Body: bytes.NewReader(data)}); err != nil {
				t.Fatal(err)
			}
		}, objectcopy.SourceIsAppendable, "source oss://source-bucket/k is an appendable object, which OSS cannot copy"},
		"Archive, not restored": {func(t *testing.T, srv *ossemu.Server, _ *oss.Client, data []byte) {
			putSource(t, srv, "k", data, http.Header{"X-Oss-Storage-Class": {"Archive"}})
		}, objectcopy.SourceNotRestored, "source oss://source-bucket/k is stored as Archive and is not restored; " +
			"OSS copies it only after RestoreObject"},
		"ColdArchive, restoring": {func(t *testing.T, srv *ossemu.Server, c *oss.Client, data []byte) {
			putSource(t, srv, "k", data, http.Header{"X-Oss-Storage-Class": {"ColdArchive"}})
			srv.SetRestoreDuration(time.Hour)
			restore(t, c, "k")
		}, objectcopy.SourceRestoring, "source oss://source-bucket/k is stored as ColdArchive and its restore is " +
			`still in progress (x-oss-restore: ongoing-request="true")`},
	}

	for name, tc := range testCases {
		for _, ps := range []int64{0, partSize} {
			for _, known := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s, part size %d, source known %t", name, ps, known), func(t *testing.T) {
					t.Parallel()
					srv, c := newEnv(t)
					tc.make(t, srv, c, randomBytes(3*partSize, 21))
					p := objectcopy.Params{SourceBucket: srcBucket, SourceKey: "k", Bucket: dstBucket, Key: "k", PartSize: ps}
					if known {
						src, err := objectcopy.HeadSource(context.Background(), c, srcBucket, "k", "")
						if err != nil {
							t.Fatal(err)
						}
						p.Source = src
					}
					srv.ResetCounts()

					_, err := objectcopy.Copy(context.Background(), c, p)
					var nc *objectcopy.NotCopyableError
					if !errors.As(err, &nc) || nc.Reason != tc.reason || nc.Error() != tc.message {
						t.Fatalf("err = %v, want NotCopyableError %d %q", err, tc.reason, tc.message)
					}
					want := map[string]int{"HeadObject": 1}
					if known {
						want = map[string]int{} // the HEAD was HeadSource's
					}
					if got := srv.RequestCounts(); !maps.Equal(got, want) {
						t.Errorf("requests %v, want %v", got, want)
					}
					assertNoObject(t, srv, "k")
					assertNoUploads(t, srv)
				})
			}
		}
	}
}

// A restored Archive or ColdArchive source copies like any other, with a
// single request or in parts, and the copy's bytes and CRC64 are the
// source's.
func TestCopy_RestoredSource(t *testing.T) {
	t.Parallel()

	for _, class := range []string{"Archive", "ColdArchive"} {
		for _, ps := range []int64{0, partSize} {
			t.Run(fmt.Sprintf("%s, part size %d", class, ps), func(t *testing.T) {
				t.Parallel()
				srv, c := newEnv(t)
				data := randomBytes(3*partSize, 22)
				putSource(t, srv, "k", data, http.Header{"X-Oss-Storage-Class": {class}})
				restore(t, c, "k")

				res, err := objectcopy.Copy(context.Background(), c, objectcopy.Params{
					SourceBucket: srcBucket, SourceKey: "k", Bucket: dstBucket, Key: "k", PartSize: ps,
					StorageClass: "Standard",
				})
				if err != nil {
					t.Fatal(err)
				}
				assertCopied(t, srv, res, data, "k")
				if res.Source.StorageClass != class || res.Source.CheckCopyable() != nil {
					t.Errorf("result source %+v, want a restored %s object", res.Source, class)
				}
			})
		}
	}
}

func restore(t *testing.T, c *oss.Client, key string) {
	t.Helper()
	if _, err := c.RestoreObject(context.Background(), &oss.RestoreObjectRequest{Bucket: oss.Ptr(srcBucket),
		Key: oss.Ptr(key)}); err != nil {
		t.Fatal(err)
	}
}
