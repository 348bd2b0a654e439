package objectcopy_test

import (
	"context"
	"maps"
	"net/http"
	"testing"

	"github.com/ossprovider/terraform-provider-oss/internal/objectcopy"
)

// With Describe the result describes the new object completely (assertCopied
// checks it against the destination), so a caller needs no HEAD of its own;
// the copy reads the destination back only when its answers leave something
// open. Without Describe it never does: Complete's CRC64 verifies the copy.
func TestCopy_RequestsForResult(t *testing.T) {
	t.Parallel()

	testCases := map[string]struct {
		params objectcopy.Params
		source http.Header
		want   map[string]int
	}{
		"single request, storage class given": {
			// CopyObject answers everything else, encryption included.
			params: objectcopy.Params{StorageClass: "IA", ServerSideEncryption: "KMS", KMSKeyID: "key-1"},
			want:   map[string]int{"HeadObject": 1, "CopyObject": 1},
		},
		"single request, source's storage class": {
			// The copy keeps the class the source's HEAD reported, not the
			// destination bucket's Standard: no HEAD of the destination.
			params: objectcopy.Params{ServerSideEncryption: "AES256"},
			source: http.Header{"X-Oss-Storage-Class": {"Archive"}},
			want:   map[string]int{"HeadObject": 1, "CopyObject": 1},
		},
		"single request, new metadata": {
			params: objectcopy.Params{MetadataDirective: objectcopy.DirectiveReplace, ContentHeaders: objectcopy.ContentHeaders{ContentType: "text/csv"}},
			source: http.Header{"X-Oss-Storage-Class": {"IA"}},
			want:   map[string]int{"HeadObject": 1, "CopyObject": 1},
		},
		"multipart, destination bucket's storage class": {
			// Initiate without a class gives the bucket's, which only a
			// HEAD of the completed object reports.
			params: objectcopy.Params{PartSize: partSize, Describe: true},
			source: http.Header{"X-Oss-Storage-Class": {"IA"}},
			want: map[string]int{
				"HeadObject": 2, "GetObjectTagging": 1, "InitiateMultipartUpload": 1, "UploadPartCopy": 3, "CompleteMultipartUpload": 1,
			},
		},
		"multipart, described": {
			// The HEAD of the completed object reports the rest.
			params: objectcopy.Params{PartSize: partSize, StorageClass: "IA", Describe: true},
			want: map[string]int{
				"HeadObject": 2, "GetObjectTagging": 1, "InitiateMultipartUpload": 1, "UploadPartCopy": 3, "CompleteMultipartUpload": 1,
			},
		},
		"multipart": {
			// The source's HEAD only: Complete answers the CRC64.
			params: objectcopy.Params{PartSize: partSize, StorageClass: "IA"},
			want: map[string]int{
				"HeadObject": 1, "GetObjectTagging": 1, "InitiateMultipartUpload": 1, "UploadPartCopy": 3, "CompleteMultipartUpload": 1,
			},
		},
	}

	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, c := newEnv(t)
			data := randomBytes(3*partSize, 9)
			putSource(t, srv, "k", data, tc.source)
			if tc.source.Get("X-Oss-Storage-Class") == "Archive" {
				// OSS copies an Archive object only once restored.
				restore(t, c, "k")
				srv.ResetCounts()
			}

			p := tc.params
			p.SourceBucket, p.SourceKey, p.Bucket, p.Key = srcBucket, "k", dstBucket, "k"
			res, err := objectcopy.Copy(context.Background(), c, p)
			if err != nil {
				t.Fatal(err)
			}
			got := srv.RequestCounts()
			if !maps.Equal(got, tc.want) {
				t.Errorf("requests %v, want %v", got, tc.want)
			}
			assertCopied(t, srv, res, data, "k")
		})
	}
}

// A copy that OSS reports no CRC64 for says so, rather than reporting 0,
// which is a CRC64 too (the empty object's).
func TestCopy_ResultWithoutCRC64(t *testing.T) {
	t.Parallel()

	for name, ps := range map[string]int64{"single request": 0, "multipart": partSize} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, _ := newEnv(t)
			putSource(t, srv, "k", randomBytes(3*partSize, 10), nil)
			c := tamperingClient(t, srv, func(resp *http.Response) { resp.Header.Del("x-oss-hash-crc64ecma") })

			res, err := objectcopy.Copy(context.Background(), c, objectcopy.Params{
				SourceBucket: srcBucket, SourceKey: "k", Bucket: dstBucket, Key: "k", PartSize: ps, StorageClass: "IA",
			})
			if err != nil {
				t.Fatal(err)
			}
			if res.HasCRC64 || res.CRC64 != 0 {
				t.Errorf("result CRC64 %d (reported: %t), want none", res.CRC64, res.HasCRC64)
			}
		})
	}
}
