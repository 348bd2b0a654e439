package ossemu_test

import (
	"net/http"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

const (
	otherAccountID     = "LTAIotherAccount01"
	otherAccountSecret = "other-account-secret"
)

// TestAccounts: another account reaches its own buckets only. Its key pair
// is refused for the first account's buckets, as a copy source too, with the
// AccessDenied OSS answers when no bucket policy grants access, and the
// first account's key pair is refused for its buckets.
func TestAccounts(t *testing.T) { forEachSignature(t, testAccounts) }

func testAccounts(t *testing.T, version oss.SignatureVersionType) {
	srv := ossemu.NewTestServer(t, ossemu.WithAccount(otherAccountID, otherAccountSecret))
	if err := srv.CreateBucket("mine", ""); err != nil {
		t.Fatal(err)
	}
	must[ossemu.ObjectInfo](t)(srv.PutObject("mine", "obj", []byte("first account's"), nil))
	if err := srv.CreateAccountBucket(otherAccountID, "theirs", ""); err != nil {
		t.Fatal(err)
	}
	if err := srv.CreateAccountBucket("LTAInobody", "nobodys", ""); err == nil {
		t.Error("CreateAccountBucket for an unknown account succeeded")
	}
	id, secret := srv.Credentials()
	first := oss.NewClient(oss.LoadDefaultConfig().WithRegion(srv.Region()).WithEndpoint(srv.Endpoint()).
		WithCredentialsProvider(staticCreds(id, secret)).WithSignatureVersion(version).WithRetryMaxAttempts(1))
	other := oss.NewClient(oss.LoadDefaultConfig().WithRegion(srv.Region()).WithEndpoint(srv.Endpoint()).
		WithCredentialsProvider(staticCreds(otherAccountID, otherAccountSecret)).WithSignatureVersion(version).
		WithRetryMaxAttempts(1))

	must[*oss.PutObjectResult](t)(other.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("theirs"), Key: oss.Ptr("obj")}))
	must[*oss.PutBucketResult](t)(other.PutBucket(ctx, &oss.PutBucketRequest{Bucket: oss.Ptr("theirs-too")}))
	if _, err := other.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("theirs-too"), Key: oss.Ptr("none")}); err == nil {
		t.Error("HeadObject of a missing object succeeded")
	} else {
		expectCode(t, err, http.StatusNotFound, "NoSuchKey")
	}

	refused := map[string]error{}
	_, refused["GetObject of the first account's object"] = other.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("mine"), Key: oss.Ptr("obj")})
	_, refused["CopyObject from the first account's bucket"] = other.CopyObject(ctx, &oss.CopyObjectRequest{
		Bucket: oss.Ptr("theirs"), Key: oss.Ptr("copy"), SourceBucket: oss.Ptr("mine"), SourceKey: oss.Ptr("obj")})
	_, refused["HeadObject by the first account"] = first.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("theirs"), Key: oss.Ptr("obj")})
	_, refused["ListObjectsV2 by the first account"] = first.ListObjectsV2(ctx, &oss.ListObjectsV2Request{Bucket: oss.Ptr("theirs")})
	for name, err := range refused {
		t.Run(name, func(t *testing.T) {
			expectCode(t, err, http.StatusForbidden, "AccessDenied")
			if se := serviceError(t, err); se.EC != "0003-00000001" {
				t.Errorf("EC %q", se.EC)
			}
		})
	}
	_, err := first.PutBucket(ctx, &oss.PutBucketRequest{Bucket: oss.Ptr("theirs")})
	expectCode(t, err, http.StatusConflict, "BucketAlreadyExists")

	list := must[*oss.ListBucketsResult](t)(other.ListBuckets(ctx, &oss.ListBucketsRequest{}))
	var names []string
	for _, b := range list.Buckets {
		names = append(names, oss.ToString(b.Name))
	}
	if len(names) != 2 || names[0] != "theirs" || names[1] != "theirs-too" {
		t.Errorf("ListBuckets by the other account = %v, want its two buckets", names)
	}
}
