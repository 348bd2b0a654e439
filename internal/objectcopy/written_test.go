package objectcopy_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossprovider/terraform-provider-oss/internal/objectcopy"
	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

// TestCopy_LostCopyObjectAnswerRecognized loses the answer of a CopyObject
// that OSS applied: under forbid_overwrite the SDK's retry then meets the
// copy itself (FileAlreadyExists). The copy must be recognized as the one
// this CopyObject made, and succeed.
func TestCopy_LostCopyObjectAnswerRecognized(t *testing.T) {
	t.Parallel()
	srv, c := newEnv(t)
	data := randomBytes(1000, 30)
	putSource(t, srv, "k", data, nil)
	srv.AddFault(ossemu.Fault{Op: "CopyObject", Nth: 1, AfterApply: true, Drop: true})
	res, err := objectcopy.Copy(context.Background(), c, objectcopy.Params{
		SourceBucket: srcBucket, SourceKey: "k", Bucket: dstBucket, Key: "k", ForbidOverwrite: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := srv.RequestCount("CopyObject"); n != 2 {
		t.Errorf("%d CopyObject requests, want 2 (the lost one and the refused retry)", n)
	}
	assertCopied(t, srv, res, data, "k")
}

// TestCopy_ObjectThatExistedIsNotRecognized is the control: an object that
// was at the destination before the copy, even with the same bytes, is not
// taken for the copy when the SDK's retry of a CopyObject whose answer was
// lost meets it.
func TestCopy_ObjectThatExistedIsNotRecognized(t *testing.T) {
	t.Parallel()
	srv, c := newEnv(t)
	data := randomBytes(1000, 31)
	putSource(t, srv, "k", data, nil)
	if _, err := srv.PutObject(dstBucket, "k", data, nil); err != nil {
		t.Fatal(err)
	}
	// The server clock jumps 10 s: the existing object is 10 s older than the copy.
	srv.SetClockSkew(10 * time.Second)
	srv.AddFault(ossemu.Fault{Op: "CopyObject", Nth: 1, AfterApply: true, Drop: true})
	_, err := objectcopy.Copy(context.Background(), c, objectcopy.Params{
		SourceBucket: srcBucket, SourceKey: "k", Bucket: dstBucket, Key: "k", ForbidOverwrite: true,
	})
	var se *oss.ServiceError
	if !errors.As(err, &se) || se.Code != "FileAlreadyExists" {
		t.Fatalf("error %v, want FileAlreadyExists", err)
	}
	if n := srv.RequestCount("CopyObject"); n != 2 {
		t.Errorf("%d CopyObject requests, want 2", n)
	}
}

// TestCopy_WrittenButUnverified fails a copy after it wrote the destination:
// the HEAD that verifies it is refused, or the copy fails its CRC64 check and
// the delete of it is refused. The error must name the object left, exactly,
// so that the caller keeps track of it.
func TestCopy_WrittenButUnverified(t *testing.T) {
	t.Parallel()
	testCases := map[string]struct {
		partSize int64
		faults   []ossemu.Fault
		tamper   bool // the copy's CRC64 is reported wrong
		want     string
	}{
		"multipart, verifying HEAD refused": {
			partSize: partSize,
			faults:   []ossemu.Fault{{Op: "HeadObject", Bucket: dstBucket, Status: http.StatusForbidden, Code: "AccessDenied"}},
			want:     "objectcopy: HeadObject oss://destination-bucket/k",
		},
		"CopyObject, verifying HEAD refused": {
			// Under REPLACE without a Content-Type only a HEAD tells OSS's.
			faults: []ossemu.Fault{{Op: "HeadObject", Bucket: dstBucket, Status: http.StatusForbidden, Code: "AccessDenied"}},
			want:   "objectcopy: HeadObject oss://destination-bucket/k",
		},
		"multipart, CRC64 mismatch, delete refused": {
			partSize: partSize,
			faults:   []ossemu.Fault{{Op: "DeleteObject", Status: http.StatusForbidden, Code: "AccessDenied"}},
			tamper:   true,
			want:     "deleting the unverified copy",
		},
		"CopyObject, CRC64 mismatch, delete refused": {
			faults: []ossemu.Fault{{Op: "DeleteObject", Status: http.StatusForbidden, Code: "AccessDenied"}},
			tamper: true,
			want:   "deleting the unverified copy",
		},
	}
	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, c := newEnv(t)
			if err := srv.SetBucketVersioning(dstBucket, true); err != nil {
				t.Fatal(err)
			}
			putSource(t, srv, "k", randomBytes(3*partSize, 32), nil)
			if tc.tamper {
				c = tamperingClient(t, srv, func(resp *http.Response) {
					q := resp.Request.URL.Query()
					creates := resp.Request.Method == http.MethodPut && resp.Request.Header.Get("x-oss-copy-source") != "" && !q.Has("partNumber") ||
						resp.Request.Method == http.MethodPost && q.Has("uploadId")
					if creates && resp.Header.Get("x-oss-hash-crc64ecma") != "" {
						resp.Header.Set("x-oss-hash-crc64ecma", "1")
					}
				})
			}
			for _, f := range tc.faults {
				srv.AddFault(f)
			}
			// Describe: the HEAD of the new object is what some cases refuse.
			p := objectcopy.Params{SourceBucket: srcBucket, SourceKey: "k", Bucket: dstBucket, Key: "k", PartSize: tc.partSize, Describe: true}
			if !tc.tamper && tc.partSize == 0 {
				p.MetadataDirective = objectcopy.DirectiveReplace
			}
			_, err := objectcopy.Copy(context.Background(), c, p)
			var we *objectcopy.WrittenError
			if !errors.As(err, &we) {
				t.Fatalf("error %v, want a *WrittenError", err)
			}
			dst, herr := srv.HeadObject(dstBucket, "k", we.VersionID)
			if herr != nil {
				t.Fatalf("the version the error names: %v", herr)
			}
			if we.Bucket != dstBucket || we.Key != "k" || we.ETag != dst.ETag || we.VersionID != dst.VersionID || we.VersionID == "" ||
				we.Source.Key != "k" || we.Source.ETag == "" {
				t.Errorf("error names %+v, destination is %+v", we, dst)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "the copy was written to oss://destination-bucket/k with ETag "+dst.ETag+" (version "+dst.VersionID+") and is still there") {
				t.Errorf("error %q", err)
			}
			assertNoUploads(t, srv)
		})
	}
}

// TestCopy_LostCopyObjectAnswerVersioned loses the answer of a CopyObject
// into a versioned bucket: the SDK's retry makes a second version. The
// first must not stay behind, untracked.
func TestCopy_LostCopyObjectAnswerVersioned(t *testing.T) {
	t.Parallel()
	srv, c := newEnv(t)
	if err := srv.SetBucketVersioning(dstBucket, true); err != nil {
		t.Fatal(err)
	}
	data := randomBytes(1000, 33)
	putSource(t, srv, "k", data, nil)
	// An older version of the key with the same bytes is not the copy's.
	older, err := srv.PutObject(dstBucket, "k", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv.SetClockSkew(10 * time.Second)
	srv.AddFault(ossemu.Fault{Op: "CopyObject", Nth: 1, AfterApply: true, Drop: true})
	res, err := objectcopy.Copy(context.Background(), c, objectcopy.Params{
		SourceBucket: srcBucket, SourceKey: "k", Bucket: dstBucket, Key: "k",
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := srv.RequestCount("CopyObject"); n != 2 {
		t.Errorf("%d CopyObject requests, want 2", n)
	}
	assertCopied(t, srv, res, data, "k")
	versions := srv.ListObjectVersions(dstBucket, "k")
	if len(versions) != 2 || versions[0].VersionID != res.VersionID || versions[1].VersionID != older.VersionID {
		t.Errorf("versions %+v, want the copy's %s and the older %s", versions, res.VersionID, older.VersionID)
	}
}

// TestCopy_LostCompleteAnswerUnreadable loses Complete's answer and then
// refuses the HEAD that would tell whether Complete made the copy: the
// error must say that the copy may be there.
func TestCopy_LostCompleteAnswerUnreadable(t *testing.T) {
	t.Parallel()
	srv, c := newEnv(t)
	putSource(t, srv, "k", randomBytes(3*partSize, 34), nil)
	srv.AddFault(ossemu.Fault{Op: "CompleteMultipartUpload", Nth: 1, AfterApply: true, Drop: true})
	srv.AddFault(ossemu.Fault{Op: "HeadObject", Bucket: dstBucket, Status: http.StatusForbidden, Code: "AccessDenied"})
	_, err := objectcopy.Copy(context.Background(), c, objectcopy.Params{
		SourceBucket: srcBucket, SourceKey: "k", Bucket: dstBucket, Key: "k", PartSize: partSize,
	})
	want := "objectcopy: HeadObject oss://destination-bucket/k"
	var w *objectcopy.WrittenError
	if !errors.As(err, &w) || !w.Unconfirmed || !strings.Contains(err.Error(), want) ||
		!strings.Contains(err.Error(), "the copy may have been written to oss://destination-bucket/k with ETag") {
		t.Fatalf("error %v, want a WrittenError saying the copy may be at the destination", err)
	}
	assertNoUploads(t, srv)
	srv.ClearFaults()
	head, herr := c.HeadObject(context.Background(), &oss.HeadObjectRequest{Bucket: oss.Ptr(dstBucket), Key: oss.Ptr("k")})
	if herr != nil {
		t.Fatal(herr)
	}
	if w.ETag != oss.ToString(head.ETag) || w.VersionID != "" {
		t.Errorf("WrittenError names ETag %s version %q, the copy has ETag %s: a caller tracking it would not find it",
			w.ETag, w.VersionID, oss.ToString(head.ETag))
	}
}
