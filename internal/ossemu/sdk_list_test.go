package ossemu_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

// listFixture creates bucket "list" with keys that exercise delimiters and
// characters that encoding-type=url must carry.
func listFixture(t *testing.T, version oss.SignatureVersionType) (*ossemu.Server, *oss.Client) {
	t.Helper()
	srv := ossemu.NewTestServer(t)
	if err := srv.CreateBucket("list", ""); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"a.txt", "b/1", "b/2", "c/x/1", "d&e +f", "z"} {
		must[ossemu.ObjectInfo](t)(srv.PutObject("list", k, []byte(k), nil))
	}
	return srv, newClient(t, srv, version)
}

func TestListObjectsV2Paging(t *testing.T) { forEachSignature(t, testListObjectsV2Paging) }

func testListObjectsV2Paging(t *testing.T, version oss.SignatureVersionType) {
	_, c := listFixture(t, version)
	p := c.NewListObjectsV2Paginator(&oss.ListObjectsV2Request{Bucket: oss.Ptr("list"), Delimiter: oss.Ptr("/"), MaxKeys: 2})
	var rows []string
	pages := 0
	for p.HasNext() {
		page := must[*oss.ListObjectsV2Result](t)(p.NextPage(ctx))
		pages++
		if page.KeyCount != len(page.Contents)+len(page.CommonPrefixes) {
			t.Errorf("KeyCount = %d for %d rows", page.KeyCount, len(page.Contents)+len(page.CommonPrefixes))
		}
		for _, cp := range page.CommonPrefixes {
			rows = append(rows, "prefix:"+oss.ToString(cp.Prefix))
		}
		for _, o := range page.Contents {
			rows = append(rows, oss.ToString(o.Key))
		}
	}
	want := []string{"a.txt", "prefix:b/", "prefix:c/", "d&e +f", "z"}
	if !sameSet(rows, want) || pages != 3 {
		t.Errorf("rows = %q in %d pages, want %q in 3", rows, pages, want)
	}

	after := must[*oss.ListObjectsV2Result](t)(c.ListObjectsV2(ctx, &oss.ListObjectsV2Request{
		Bucket: oss.Ptr("list"), StartAfter: oss.Ptr("b/1"), Prefix: oss.Ptr("b/")}))
	if len(after.Contents) != 1 || oss.ToString(after.Contents[0].Key) != "b/2" {
		t.Errorf("start-after = %+v", after.Contents)
	}
}

func TestListObjectsV1Paging(t *testing.T) { forEachSignature(t, testListObjectsV1Paging) }

func testListObjectsV1Paging(t *testing.T, version oss.SignatureVersionType) {
	_, c := listFixture(t, version)
	var keys []string
	marker := ""
	for {
		page := must[*oss.ListObjectsResult](t)(c.ListObjects(ctx, &oss.ListObjectsRequest{
			Bucket: oss.Ptr("list"), Marker: oss.Ptr(marker), MaxKeys: 4, EncodingType: oss.Ptr("url")}))
		for _, o := range page.Contents {
			keys = append(keys, oss.ToString(o.Key))
			if oss.ToString(o.ETag) == "" || o.Size != int64(len(oss.ToString(o.Key))) {
				t.Errorf("row %+v", o)
			}
		}
		if !page.IsTruncated {
			break
		}
		marker = oss.ToString(page.NextMarker)
	}
	want := []string{"a.txt", "b/1", "b/2", "c/x/1", "d&e +f", "z"}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("keys = %q, want %q", keys, want)
	}
	_, err := c.ListObjects(ctx, &oss.ListObjectsRequest{Bucket: oss.Ptr("nope")})
	expectCode(t, err, 404, "NoSuchBucket")
}

func TestVersionsAndDeleteMarkers(t *testing.T) { forEachSignature(t, testVersionsAndDeleteMarkers) }

func testVersionsAndDeleteMarkers(t *testing.T, version oss.SignatureVersionType) {
	srv := ossemu.NewTestServer(t)
	c := newClient(t, srv, version)
	must[*oss.PutBucketResult](t)(c.PutBucket(ctx, &oss.PutBucketRequest{Bucket: oss.Ptr("ver")}))
	must[*oss.PutBucketVersioningResult](t)(c.PutBucketVersioning(ctx, &oss.PutBucketVersioningRequest{
		Bucket: oss.Ptr("ver"), VersioningConfiguration: &oss.VersioningConfiguration{Status: oss.VersionEnabled}}))
	var ids []string
	for i := range 3 {
		res := must[*oss.PutObjectResult](t)(c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("ver"), Key: oss.Ptr("k"),
			Body: strings.NewReader(fmt.Sprint("v", i))}))
		ids = append(ids, oss.ToString(res.VersionId))
	}
	del := must[*oss.DeleteObjectResult](t)(c.DeleteObject(ctx, &oss.DeleteObjectRequest{Bucket: oss.Ptr("ver"), Key: oss.Ptr("k")}))
	if !del.DeleteMarker || oss.ToString(del.VersionId) == "" {
		t.Fatalf("delete = %+v, want a delete marker", del)
	}
	_, err := c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("ver"), Key: oss.Ptr("k")})
	expectCode(t, err, 404, "NoSuchKey")
	// OSS answers 404 for a copy whose source version is a delete marker.
	_, err = c.CopyObject(ctx, &oss.CopyObjectRequest{Bucket: oss.Ptr("ver"), Key: oss.Ptr("copy"), SourceKey: oss.Ptr("k"), SourceVersionId: del.VersionId})
	expectCode(t, err, 404, "NoSuchKey")
	old := must[*oss.GetObjectResult](t)(c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("ver"), Key: oss.Ptr("k"), VersionId: oss.Ptr(ids[1])}))
	if b := readAll(t, old.Body); b != "v1" {
		t.Errorf("version 1 = %q", b)
	}
	_, err = c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("ver"), Key: oss.Ptr("k"), VersionId: oss.Ptr("CAEQnope")})
	expectCode(t, err, 404, "NoSuchVersion")

	page := must[*oss.ListObjectVersionsResult](t)(c.ListObjectVersions(ctx, &oss.ListObjectVersionsRequest{Bucket: oss.Ptr("ver"), MaxKeys: 2}))
	if len(page.ObjectDeleteMarkers) != 1 || len(page.ObjectVersions) != 1 || !page.IsTruncated ||
		!page.ObjectDeleteMarkers[0].IsLatest || oss.ToString(page.ObjectVersions[0].VersionId) != ids[2] {
		t.Fatalf("first page = %+v", page)
	}
	rest := must[*oss.ListObjectVersionsResult](t)(c.ListObjectVersions(ctx, &oss.ListObjectVersionsRequest{Bucket: oss.Ptr("ver"),
		KeyMarker: page.NextKeyMarker, VersionIdMarker: page.NextVersionIdMarker}))
	var restIDs []string
	for _, v := range rest.ObjectVersions {
		restIDs = append(restIDs, oss.ToString(v.VersionId))
	}
	if want := []string{ids[1], ids[0]}; !reflect.DeepEqual(restIDs, want) || rest.IsTruncated {
		t.Errorf("second page = %q, want %q", restIDs, want)
	}

	// Removing the delete marker by version ID brings the object back.
	must[*oss.DeleteObjectResult](t)(c.DeleteObject(ctx, &oss.DeleteObjectRequest{Bucket: oss.Ptr("ver"), Key: oss.Ptr("k"), VersionId: del.VersionId}))
	head := must[*oss.HeadObjectResult](t)(c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("ver"), Key: oss.Ptr("k")}))
	if oss.ToString(head.VersionId) != ids[2] {
		t.Errorf("current version = %s, want %s", oss.ToString(head.VersionId), ids[2])
	}
	if got := len(srv.ListObjectVersions("ver", "k")); got != 3 {
		t.Errorf("versions left = %d, want 3", got)
	}
}

func TestDeleteMultipleObjects(t *testing.T) { forEachSignature(t, testDeleteMultipleObjects) }

func testDeleteMultipleObjects(t *testing.T, version oss.SignatureVersionType) {
	srv, c := listFixture(t, version)
	res := must[*oss.DeleteMultipleObjectsResult](t)(c.DeleteMultipleObjects(ctx, &oss.DeleteMultipleObjectsRequest{
		Bucket:  oss.Ptr("list"),
		Objects: []oss.DeleteObject{{Key: oss.Ptr("b/1")}, {Key: oss.Ptr("d&e +f")}, {Key: oss.Ptr("never-existed")}},
	}))
	var deleted []string
	for _, d := range res.DeletedObjects {
		deleted = append(deleted, oss.ToString(d.Key))
	}
	if want := []string{"b/1", "d&e +f", "never-existed"}; !reflect.DeepEqual(deleted, want) {
		t.Errorf("deleted = %q, want %q", deleted, want)
	}
	if _, err := srv.HeadObject("list", "d&e +f", ""); err == nil {
		t.Error("d&e +f still exists")
	}
	if _, err := srv.HeadObject("list", "b/2", ""); err != nil {
		t.Errorf("b/2 was deleted: %v", err)
	}
}

func TestListBuckets(t *testing.T) { forEachSignature(t, testListBuckets) }

func testListBuckets(t *testing.T, version oss.SignatureVersionType) {
	srv := ossemu.NewTestServer(t)
	for _, b := range []string{"app-a", "app-b", "app-c", "other"} {
		if err := srv.CreateBucket(b, ""); err != nil {
			t.Fatal(err)
		}
	}
	c := newClient(t, srv, version)
	p := c.NewListBucketsPaginator(&oss.ListBucketsRequest{Prefix: oss.Ptr("app-"), MaxKeys: 2})
	var names []string
	for p.HasNext() {
		page := must[*oss.ListBucketsResult](t)(p.NextPage(ctx))
		for _, b := range page.Buckets {
			names = append(names, oss.ToString(b.Name))
			if oss.ToString(b.Region) != srv.Region() {
				t.Errorf("bucket %s region %s", oss.ToString(b.Name), oss.ToString(b.Region))
			}
		}
	}
	if want := []string{"app-a", "app-b", "app-c"}; !reflect.DeepEqual(names, want) {
		t.Errorf("buckets = %q, want %q", names, want)
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]int{}
	for _, s := range a {
		m[s]++
	}
	for _, s := range b {
		m[s]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return true
}

// TestNullVersion: objects written before versioning was enabled, or while
// it is suspended, carry the "null" version, and a suspended-mode write
// replaces only that version.
func TestNullVersion(t *testing.T) {
	srv := ossemu.NewTestServer(t)
	c := newClient(t, srv, oss.SignatureVersionV4)
	if err := srv.CreateBucket("nul", ""); err != nil {
		t.Fatal(err)
	}
	must[ossemu.ObjectInfo](t)(srv.PutObject("nul", "k", []byte("before"), nil))
	if err := srv.SetBucketVersioning("nul", true); err != nil {
		t.Fatal(err)
	}
	head := must[*oss.HeadObjectResult](t)(c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("nul"), Key: oss.Ptr("k")}))
	if oss.ToString(head.VersionId) != "null" {
		t.Errorf("old object's version = %q, want null", oss.ToString(head.VersionId))
	}
	v2 := must[*oss.PutObjectResult](t)(c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("nul"), Key: oss.Ptr("k"), Body: strings.NewReader("enabled")}))
	if err := srv.SetBucketVersioning("nul", false); err != nil {
		t.Fatal(err)
	}
	must[*oss.PutObjectResult](t)(c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("nul"), Key: oss.Ptr("k"), Body: strings.NewReader("suspended")}))
	var got []string
	for _, v := range srv.ListObjectVersions("nul", "k") {
		got = append(got, v.VersionID)
	}
	if want := []string{"null", oss.ToString(v2.VersionId)}; !reflect.DeepEqual(got, want) {
		t.Errorf("versions = %q, want %q", got, want)
	}
	old := must[*oss.GetObjectResult](t)(c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("nul"), Key: oss.Ptr("k"), VersionId: oss.Ptr("null")}))
	if b := readAll(t, old.Body); b != "suspended" {
		t.Errorf("null version = %q", b)
	}
}
