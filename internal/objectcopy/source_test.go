package objectcopy_test

import (
	"context"
	"errors"
	"maps"
	"strings"
	"testing"

	"github.com/ossprovider/terraform-provider-oss/internal/objectcopy"
)

// A caller that has just read the source with HeadSource passes it as
// Params.Source: a single CopyObject then needs no HeadObject at all and is
// pinned to that ETag, and a source that changed in between fails the copy
// with ErrSourceChanged before anything is written.
func TestCopy_KnownSource(t *testing.T) {
	t.Parallel()

	multipartRequests := map[string]int{
		"HeadObject": 2, "GetObjectTagging": 1, "InitiateMultipartUpload": 1, "UploadPartCopy": 3, "CompleteMultipartUpload": 1,
	}
	testCases := map[string]struct {
		partSize int64
		changed  bool
		want     map[string]int
	}{
		"single request":                 {want: map[string]int{"CopyObject": 1}},
		"single request, source changed": {changed: true, want: map[string]int{"CopyObject": 1}},
		// The source's metadata for Initiate comes from a HEAD all the same.
		"multipart":                 {partSize: partSize, want: multipartRequests},
		"multipart, source changed": {partSize: partSize, changed: true, want: map[string]int{"HeadObject": 1}},
	}

	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, c := newEnv(t)
			data := randomBytes(3*partSize, 11)
			putSource(t, srv, "k", data, nil)
			src, err := objectcopy.HeadSource(context.Background(), c, srcBucket, "k", "")
			if err != nil {
				t.Fatal(err)
			}
			if tc.changed {
				putSource(t, srv, "k", randomBytes(3*partSize, 12), nil)
			}
			srv.ResetCounts()

			res, err := objectcopy.Copy(context.Background(), c, objectcopy.Params{
				SourceBucket: srcBucket, SourceKey: "k", Bucket: dstBucket, Key: "k", PartSize: tc.partSize, Source: src,
			})
			got := srv.RequestCounts()
			if !maps.Equal(got, tc.want) {
				t.Errorf("requests %v, want %v", got, tc.want)
			}
			if tc.changed {
				if !errors.Is(err, objectcopy.ErrSourceChanged) {
					t.Fatalf("err = %v, want ErrSourceChanged", err)
				}
				assertNoObject(t, srv, "k")
				assertNoUploads(t, srv)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			assertCopied(t, srv, res, data, "k")
			if res.Source != *src {
				t.Errorf("result source %+v, want %+v", res.Source, *src)
			}
		})
	}
}

// Params.Source must describe the object the other fields name.
func TestCopy_KnownSourceOfAnotherObject(t *testing.T) {
	t.Parallel()
	srv, c := newEnv(t)
	putSource(t, srv, "k", randomBytes(1000, 13), nil)
	src, err := objectcopy.HeadSource(context.Background(), c, srcBucket, "k", "")
	if err != nil {
		t.Fatal(err)
	}
	srv.ResetCounts()
	_, err = objectcopy.Copy(context.Background(), c, objectcopy.Params{
		SourceBucket: srcBucket, SourceKey: "other", Bucket: dstBucket, Key: "k", Source: src,
	})
	sent := 0
	for _, n := range srv.RequestCounts() {
		sent += n
	}
	if err == nil || !strings.Contains(err.Error(), "Source names another object") || sent != 0 {
		t.Fatalf("err = %v after %d requests; want an invalid-parameters error and no request", err, sent)
	}
}
