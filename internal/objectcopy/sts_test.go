package objectcopy_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"

	"github.com/ossprovider/terraform-provider-oss/internal/objectcopy"
	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

// TestCopy_STSTokenExpiresDuringCopy copies with static STS credentials that
// expire after the first part: the next part and the abort are refused with
// SecurityTokenExpired. The upload is left, and the error must say so, with
// its upload ID and why the abort failed.
func TestCopy_STSTokenExpiresDuringCopy(t *testing.T) {
	t.Parallel()
	const id, secret, token = "STS.engine", "sts-secret", "sts-token"
	srv := ossemu.NewTestServer(t, ossemu.WithTemporaryCredentials(id, secret, token, time.Now().Add(time.Minute)))
	for _, b := range []string{srcBucket, dstBucket} {
		if err := srv.CreateBucket(b, ""); err != nil {
			t.Fatal(err)
		}
	}
	putSource(t, srv, "k", randomBytes(3*partSize, 40), nil)
	c := oss.NewClient(srv.ClientConfig().WithCredentialsProvider(credentials.NewStaticCredentialsProvider(id, secret, token)))
	// Two minutes pass on the server once the first part is copied.
	log := &hookLogger{fn: func() { srv.SetClockSkew(2 * time.Minute) }}

	_, err := objectcopy.Copy(context.Background(), c, objectcopy.Params{
		SourceBucket: srcBucket, SourceKey: "k", Bucket: dstBucket, Key: "k", PartSize: partSize, Parallelism: 1, Logger: log,
	})
	uploads := srv.Uploads()
	if len(uploads) != 1 {
		t.Fatalf("uploads %+v, want the one the abort could not remove", uploads)
	}
	var left *objectcopy.UploadLeftError
	if !errors.As(err, &left) || left.UploadID != uploads[0].UploadID || left.Bucket != dstBucket || left.Key != "k" {
		t.Fatalf("error %v, want an *UploadLeftError naming upload %s", err, uploads[0].UploadID)
	}
	var se *oss.ServiceError
	if !errors.As(left.Err, &se) || se.Code != "SecurityTokenExpired" || se.RequestID == "" {
		t.Errorf("the abort failed with %v, want SecurityTokenExpired with a request ID", left.Err)
	}
	want := "objectcopy: the multipart upload " + uploads[0].UploadID + " of oss://destination-bucket/k was left, since aborting it failed"
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
	if n := srv.RequestCount("AbortMultipartUpload"); n != 1 {
		t.Errorf("%d AbortMultipartUpload requests, want 1", n)
	}
}
