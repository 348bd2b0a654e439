package objectcopy_test

import (
	"context"
	"errors"
	"maps"
	"reflect"
	"strings"
	"testing"

	"github.com/ossprovider/terraform-provider-oss/internal/objectcopy"
)

// A caller that has just read the source with HeadSource passes it as
// Params.Source: the copy then sends no HeadObject of the source, and
// without Describe none of the copy either, since Complete and CopyObject
// answer the CRC64. Every copy request is pinned to Source's ETag, so a
// source that changed in between fails the copy with ErrSourceChanged and
// leaves neither an object nor an upload.
func TestCopy_KnownSource(t *testing.T) {
	t.Parallel()

	multipart := func(heads int) map[string]int {
		m := map[string]int{"GetObjectTagging": 1, "InitiateMultipartUpload": 1, "UploadPartCopy": 3, "CompleteMultipartUpload": 1}
		if heads > 0 {
			m["HeadObject"] = heads
		}
		return m
	}
	testCases := map[string]struct {
		partSize int64
		describe bool
		// byHand passes a Source with only what a caller could fill in,
		// without the content headers HeadSource reads.
		byHand  bool
		changed bool
		want    map[string]int
	}{
		"single request":                 {want: map[string]int{"CopyObject": 1}},
		"single request, source changed": {changed: true, want: map[string]int{"CopyObject": 1}},
		"multipart":                      {partSize: partSize, want: multipart(0)},
		// The HeadObject of the new object reads what Complete does not answer.
		"multipart, described": {partSize: partSize, describe: true, want: multipart(1)},
		// The content headers for Initiate come from a HeadObject of the source.
		"multipart, source built by hand": {partSize: partSize, byHand: true, want: multipart(1)},
		// The parts are refused, and the upload is aborted.
		"multipart, source changed": {partSize: partSize, changed: true},
	}

	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, c := newEnv(t)
			data := randomBytes(3*partSize, 11)
			putSource(t, srv, "k", data, nil)
			head, err := objectcopy.HeadSource(context.Background(), c, srcBucket, "k", "")
			if err != nil {
				t.Fatal(err)
			}
			src := head
			if tc.byHand {
				src = &objectcopy.Source{Bucket: head.Bucket, Key: head.Key, ETag: head.ETag, Size: head.Size, CRC64: head.CRC64, HasCRC64: true}
			}
			if tc.changed {
				putSource(t, srv, "k", randomBytes(3*partSize, 12), nil)
			}
			srv.ResetCounts()

			res, err := objectcopy.Copy(context.Background(), c, objectcopy.Params{
				SourceBucket: srcBucket, SourceKey: "k", Bucket: dstBucket, Key: "k", PartSize: tc.partSize, Source: src,
				Describe: tc.describe,
			})
			got := srv.RequestCounts()
			if tc.want != nil && !maps.Equal(got, tc.want) {
				t.Errorf("requests %v, want %v", got, tc.want)
			}
			if tc.changed {
				if !errors.Is(err, objectcopy.ErrSourceChanged) {
					t.Fatalf("err = %v, want ErrSourceChanged", err)
				}
				if got["HeadObject"] != 0 {
					t.Errorf("requests %v: the source was read again", got)
				}
				assertNoObject(t, srv, "k")
				assertNoUploads(t, srv)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			dst := assertCopied(t, srv, res, data, "k")
			if tc.describe && (res.LastModified.IsZero() || res.StorageClass != dst.StorageClass) {
				t.Errorf("described result has LastModified %v and storage class %q, want the destination's %q", res.LastModified, res.StorageClass, dst.StorageClass)
			}
			// A Source built by hand was read again: the result reports that
			// read, not the caller's.
			if tc.byHand && (res.Source.ETag != head.ETag || res.Source.ContentType != head.ContentType || res.Source.LastModified != head.LastModified) {
				t.Errorf("result source %+v, want the object as %+v", res.Source, *head)
			}
			if !tc.byHand && !reflect.DeepEqual(res.Source, *head) {
				t.Errorf("result source %+v, want %+v", res.Source, *head)
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

// Copies that share a Tuner learn from each other and stay correct while
// they do: each is verified, and the last ones use the parallelism the
// first measured.
func TestCopy_SharedTuner(t *testing.T) {
	t.Parallel()
	srv, c := newEnv(t)
	data := randomBytes(24*partSize, 14)
	putSource(t, srv, "k", data, nil)
	tuner := objectcopy.NewTuner()
	for i := range 3 {
		src, err := objectcopy.HeadSource(context.Background(), c, srcBucket, "k", "")
		if err != nil {
			t.Fatal(err)
		}
		srv.ResetCounts()
		res, err := objectcopy.Copy(context.Background(), c, objectcopy.Params{
			SourceBucket: srcBucket, SourceKey: "k", Bucket: dstBucket, Key: "k", Source: src, Tuner: tuner,
		})
		if err != nil {
			t.Fatalf("copy %d: %v", i, err)
		}
		assertCopied(t, srv, res, data, "k")
		if n := srv.RequestCount("HeadObject"); n != 0 {
			t.Errorf("copy %d sent %d HeadObject requests, want none", i, n)
		}
	}
}
