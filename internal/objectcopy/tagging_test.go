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
// the copy must fail, naming the source and OSS's code, before it starts an
// upload, instead of dropping the tags. When it may, the tags are copied.
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
			if n := srv.RequestCount("InitiateMultipartUpload"); n != 0 {
				t.Errorf("%d InitiateMultipartUpload requests, want none", n)
			}
			assertNoObject(t, srv, "k")
			assertNoUploads(t, srv)
		})
	}
}
