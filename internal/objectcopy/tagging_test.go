package objectcopy_test

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossprovider/terraform-provider-oss/internal/objectcopy"
)

// TestCopy_TagsUnderCOPY copies a tagged source in parts under tagging
// directive COPY. When the requester may not read the source's tags, OSS
// leaves x-oss-tagging-count out of the HEAD as for a source without tags:
// the copy must fail, naming the source and OSS's code, and leave no upload,
// instead of dropping the tags. When it may, the tags are copied, read before
// the one Initiate since the HEAD counted them.
func TestCopy_TagsUnderCOPY(t *testing.T) {
	t.Parallel()
	tags := map[string]string{"team": "ml", "stage": "prod"}
	for _, denied := range []bool{true, false} {
		t.Run(map[bool]string{true: "GetObjectTagging denied", false: "allowed"}[denied], func(t *testing.T) {
			t.Parallel()
			srv, c := newEnv(t)
			putSource(t, srv, "k", randomBytes(3*partSize, 50), http.Header{"X-Oss-Tagging": {"team=ml&stage=prod"}})
			if denied {
				srv.Deny("GetObjectTagging")
			}
			_, err := objectcopy.Copy(context.Background(), c, objectcopy.Params{
				SourceBucket: srcBucket, SourceKey: "k", Bucket: dstBucket, Key: "k", PartSize: partSize,
			})
			if !denied {
				if err != nil {
					t.Fatal(err)
				}
				dst, err := srv.HeadObject(dstBucket, "k", "")
				if err != nil {
					t.Fatal(err)
				}
				if !maps.Equal(dst.Tags, tags) {
					t.Errorf("copy has tags %v, want %v", dst.Tags, tags)
				}
				if n := srv.RequestCount("InitiateMultipartUpload"); n != 1 {
					t.Errorf("%d InitiateMultipartUpload requests, want 1", n)
				}
				return
			}
			var e *objectcopy.Error
			var se *oss.ServiceError
			if !errors.As(err, &e) || e.Op != "GetObjectTagging" || e.Bucket != srcBucket || e.Key != "k" ||
				!errors.As(err, &se) || se.Code != "AccessDenied" {
				t.Fatalf("error %v, want GetObjectTagging of the source refused with AccessDenied", err)
			}
			if want := "objectcopy: GetObjectTagging oss://source-bucket/k: reading the source's tags, which tagging directive COPY copies: "; !strings.HasPrefix(err.Error(), want) {
				t.Errorf("error %q does not start with %q", err, want)
			}
			// The upload initiated while the tags were read is aborted.
			if n, aborted := srv.RequestCount("InitiateMultipartUpload"), srv.RequestCount("AbortMultipartUpload"); n > 1 || aborted != n {
				t.Errorf("%d InitiateMultipartUpload requests and %d AbortMultipartUpload, want as many, at most one", n, aborted)
			}
			assertNoObject(t, srv, "k")
			assertNoUploads(t, srv)
		})
	}
}

// A source whose HEAD does not count its tags (as OSS answers a requester
// that may read them but not its own HEAD's header, or a proxy that drops
// it) still has its tags copied: the upload initiated while they were read
// is aborted and a new one initiated with them.
func TestCopy_TagsFoundAfterInitiate(t *testing.T) {
	t.Parallel()
	srv, _ := newEnv(t)
	c := tamperingClient(t, srv, func(resp *http.Response) { resp.Header.Del("x-oss-tagging-count") })
	data := randomBytes(3*partSize, 51)
	putSource(t, srv, "k", data, http.Header{"X-Oss-Tagging": {"team=ml"}})
	srv.ResetCounts()

	res, err := objectcopy.Copy(context.Background(), c, objectcopy.Params{
		SourceBucket: srcBucket, SourceKey: "k", Bucket: dstBucket, Key: "k", PartSize: partSize,
	})
	if err != nil {
		t.Fatal(err)
	}
	dst := assertCopied(t, srv, res, data, "k")
	if want := map[string]string{"team": "ml"}; !maps.Equal(dst.Tags, want) {
		t.Errorf("copy has tags %v, want %v", dst.Tags, want)
	}
	if n, aborted := srv.RequestCount("InitiateMultipartUpload"), srv.RequestCount("AbortMultipartUpload"); n != 2 || aborted != 1 {
		t.Errorf("%d InitiateMultipartUpload and %d AbortMultipartUpload requests, want 2 and 1", n, aborted)
	}
}
