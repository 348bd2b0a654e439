package ossemu_test

import (
	"bytes"
	"errors"
	"hash/crc64"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	classic "github.com/aliyun/aliyun-oss-go-sdk/oss"

	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

// The older official Go SDK, github.com/aliyun/aliyun-oss-go-sdk ("classic"
// here), signs and encodes differently from SDK v2: its V4 requests carry
// Date and no x-oss-date, and it writes copy sources with url.QueryEscape.

var classicVersions = map[string]classic.AuthVersionType{"V1": classic.AuthV1, "V4": classic.AuthV4}

// forEachClassic runs test once per signature version of the older SDK.
func forEachClassic(t *testing.T, test func(*testing.T, classic.AuthVersionType)) {
	for name, version := range classicVersions {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			test(t, version)
		})
	}
}

// newClassicClient is an older-SDK client for srv signing with version.
func newClassicClient(t *testing.T, srv *ossemu.Server, version classic.AuthVersionType) *classic.Client {
	t.Helper()
	id, secret := srv.Credentials()
	return must[*classic.Client](t)(classic.New(srv.Endpoint(), id, secret,
		classic.AuthVersion(version), classic.Region(srv.Region())))
}

// classicBucket creates name through c and returns its handle.
func classicBucket(t *testing.T, c *classic.Client, name string) *classic.Bucket {
	t.Helper()
	if err := c.CreateBucket(name); err != nil {
		t.Fatal(err)
	}
	return must[*classic.Bucket](t)(c.Bucket(name))
}

// TestClassicSignatures: requests of every shape the older SDK signs
// (service, bucket with sub-resources, object with escaped keys and x-oss-*
// headers) pass with V1 and with V4 signed over the Date header.
func TestClassicSignatures(t *testing.T) { forEachClassic(t, testClassicSignatures) }

func testClassicSignatures(t *testing.T, version classic.AuthVersionType) {
	srv := ossemu.NewTestServer(t)
	c := newClassicClient(t, srv, version)
	b := classicBucket(t, c, "classic")
	key := "dir/ü ~!*'()&=+$,;@#[].txt"
	body := []byte("payload")
	if err := b.PutObject(key, bytes.NewReader(body), classic.Meta("a", "1"), classic.ContentType("text/plain")); err != nil {
		t.Fatal(err)
	}
	r := must[io.ReadCloser](t)(b.GetObject(key, classic.ResponseContentType("text/x-override")))
	if got := readAll(t, r); got != string(body) {
		t.Errorf("GetObject = %q, want %q", got, body)
	}
	list := must[classic.ListObjectsResultV2](t)(b.ListObjectsV2(classic.Prefix("dir/")))
	if len(list.Objects) != 1 || list.Objects[0].Key != key {
		t.Errorf("ListObjectsV2 = %+v, want one object %q", list.Objects, key)
	}
	info := must[classic.GetBucketInfoResult](t)(c.GetBucketInfo("classic"))
	if info.BucketInfo.Name != "classic" {
		t.Errorf("GetBucketInfo = %+v", info.BucketInfo)
	}
	buckets := must[classic.ListBucketsResult](t)(c.ListBuckets())
	if len(buckets.Buckets) != 1 || buckets.Buckets[0].Name != "classic" {
		t.Errorf("ListBuckets = %+v", buckets.Buckets)
	}
	// The time checked is the signed one, Date's under V4 too.
	srv.SetClockSkew(16 * time.Minute)
	_, err := b.GetObjectMeta(key)
	expectClassicCode(t, err, 403, "RequestTimeTooSkewed")
}

// expectClassicCode fails unless err is an OSS error with status and code.
func expectClassicCode(t *testing.T, err error, status int, code string) {
	t.Helper()
	var se classic.ServiceError
	if !errors.As(err, &se) {
		t.Fatalf("want %d %s, got %v", status, code, err)
	}
	if se.StatusCode != status || se.Code != code {
		t.Fatalf("want %d %s, got %d %s (%s)", status, code, se.StatusCode, se.Code, se.Message)
	}
}

// classicBody is n bytes that differ at every offset of the first 64 KiB.
func classicBody(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7+i>>8) ^ seed
	}
	return b
}

// checkCRC checks the x-oss-hash-crc64ecma header of h against body's.
func checkCRC(t *testing.T, what string, h http.Header, body []byte) {
	t.Helper()
	if got, want := h.Get("X-Oss-Hash-Crc64ecma"), crcString(body); got != want {
		t.Errorf("%s: x-oss-hash-crc64ecma %q, want %q (%d bytes)", what, got, want, len(body))
	}
}

// TestClassicObjects: the older SDK's object calls, put with metadata and
// ACL, get whole and ranged, meta, copy within and between buckets with
// REPLACE metadata, list, delete one and many.
func TestClassicObjects(t *testing.T) { forEachClassic(t, testClassicObjects) }

func testClassicObjects(t *testing.T, version classic.AuthVersionType) {
	srv := ossemu.NewTestServer(t)
	c := newClassicClient(t, srv, version)
	b := classicBucket(t, c, "objects")
	other := classicBucket(t, c, "other")
	body := classicBody(300<<10, 1)
	if err := b.PutObject("dir/obj", bytes.NewReader(body), classic.Meta("owner", "me"),
		classic.ContentType("application/x-test"), classic.ObjectACL(classic.ACLPublicRead)); err != nil {
		t.Fatal(err)
	}
	var h http.Header
	r := must[io.ReadCloser](t)(b.GetObject("dir/obj", classic.GetResponseHeader(&h)))
	if got := must[[]byte](t)(io.ReadAll(r)); !bytes.Equal(got, body) {
		t.Errorf("GetObject returned %d bytes that differ from the %d put", len(got), len(body))
	}
	r.Close()
	checkCRC(t, "GetObject", h, body)
	r = must[io.ReadCloser](t)(b.GetObject("dir/obj", classic.Range(1000, 1999)))
	if got := readAll(t, r); got != string(body[1000:2000]) {
		t.Errorf("GetObject of bytes 1000-1999 returned %d other bytes", len(got))
	}
	meta := must[http.Header](t)(b.GetObjectDetailedMeta("dir/obj"))
	if meta.Get("X-Oss-Meta-Owner") != "me" || meta.Get("Content-Type") != "application/x-test" ||
		meta.Get("Content-Length") != strconv.Itoa(len(body)) {
		t.Errorf("GetObjectDetailedMeta = %v", meta)
	}
	checkCRC(t, "GetObjectDetailedMeta", meta, body)
	if acl := must[classic.GetObjectACLResult](t)(b.GetObjectACL("dir/obj")); acl.ACL != "public-read" {
		t.Errorf("GetObjectACL = %q, want public-read", acl.ACL)
	}
	must[classic.CopyObjectResult](t)(b.CopyObject("dir/obj", "dir/copy"))
	must[classic.CopyObjectResult](t)(b.CopyObjectTo("other", "replaced", "dir/obj",
		classic.MetadataDirective(classic.MetaReplace), classic.Meta("owner", "you")))
	for _, o := range []struct{ bucket, key, owner string }{{"objects", "dir/copy", "me"}, {"other", "replaced", "you"}} {
		got := must[ossemu.ObjectInfo](t)(srv.HeadObject(o.bucket, o.key, ""))
		if got.CRC64 != crc64.Checksum(body, ecmaTable) || got.Metadata["owner"] != o.owner {
			t.Errorf("copy %s/%s: CRC64 %d, owner %q; want %d, %q", o.bucket, o.key, got.CRC64, got.Metadata["owner"],
				crc64.Checksum(body, ecmaTable), o.owner)
		}
	}
	list := must[classic.ListObjectsResult](t)(b.ListObjects(classic.Prefix("dir/")))
	if len(list.Objects) != 2 || list.Objects[0].Key != "dir/copy" || list.Objects[1].Key != "dir/obj" {
		t.Errorf("ListObjects = %+v, want dir/copy and dir/obj", list.Objects)
	}
	if err := other.DeleteObject("replaced"); err != nil {
		t.Fatal(err)
	}
	del := must[classic.DeleteObjectsResult](t)(b.DeleteObjects([]string{"dir/obj", "dir/copy"}))
	if len(del.DeletedObjects) != 2 {
		t.Errorf("DeleteObjects deleted %v, want both", del.DeletedObjects)
	}
	for _, o := range []struct {
		b   *classic.Bucket
		key string
	}{{b, "dir/obj"}, {b, "dir/copy"}, {other, "replaced"}} {
		if exists := must[bool](t)(o.b.IsObjectExist(o.key)); exists {
			t.Errorf("%s/%s still exists after its deletion", o.b.BucketName, o.key)
		}
	}
	_, err := b.GetObject("dir/obj")
	expectClassicCode(t, err, 404, "NoSuchKey")
}

// TestClassicMultipart: the older SDK's multipart calls, UploadPart and
// UploadPartCopy parts in one upload, ListUploadedParts, Complete with its
// CRC check, an aborted upload, and its CopyFile and UploadFile helpers.
func TestClassicMultipart(t *testing.T) { forEachClassic(t, testClassicMultipart) }

func testClassicMultipart(t *testing.T, version classic.AuthVersionType) {
	srv := ossemu.NewTestServer(t)
	c := newClassicClient(t, srv, version)
	b := classicBucket(t, c, "multi")
	source := classicBody(250<<10, 2)
	if err := b.PutObject("source", bytes.NewReader(source)); err != nil {
		t.Fatal(err)
	}
	first := classicBody(100<<10, 3)
	imur := must[classic.InitiateMultipartUploadResult](t)(b.InitiateMultipartUpload("assembled", classic.Meta("made", "parts")))
	p1 := must[classic.UploadPart](t)(b.UploadPart(imur, bytes.NewReader(first), int64(len(first)), 1))
	p2 := must[classic.UploadPart](t)(b.UploadPartCopy(imur, "multi", "source", 1000, 150<<10, 2))
	listed := must[classic.ListUploadedPartsResult](t)(b.ListUploadedParts(imur))
	if len(listed.UploadedParts) != 2 || listed.UploadedParts[0].ETag != p1.ETag || listed.UploadedParts[1].ETag != p2.ETag {
		t.Errorf("ListUploadedParts = %+v, want the parts %s and %s", listed.UploadedParts, p1.ETag, p2.ETag)
	}
	// The SDK checks the object's CRC64 against the one it computes from
	// the parts' on Complete when it knows them; HeadObject checks it here.
	must[classic.CompleteMultipartUploadResult](t)(b.CompleteMultipartUpload(imur, []classic.UploadPart{p1, p2}))
	want := append(append([]byte(nil), first...), source[1000:1000+150<<10]...)
	got := must[ossemu.ObjectInfo](t)(srv.HeadObject("multi", "assembled", ""))
	if got.CRC64 != crc64.Checksum(want, ecmaTable) || got.Size != int64(len(want)) || got.Metadata["made"] != "parts" {
		t.Errorf("assembled: CRC64 %d, %d bytes, metadata %v; want %d, %d bytes, made=parts",
			got.CRC64, got.Size, got.Metadata, crc64.Checksum(want, ecmaTable), len(want))
	}

	aborted := must[classic.InitiateMultipartUploadResult](t)(b.InitiateMultipartUpload("aborted"))
	must[classic.UploadPart](t)(b.UploadPart(aborted, bytes.NewReader(first), int64(len(first)), 1))
	if err := b.AbortMultipartUpload(aborted); err != nil {
		t.Fatal(err)
	}
	_, err := b.ListUploadedParts(aborted)
	expectClassicCode(t, err, 404, "NoSuchUpload")

	// CopyFile copies with parallel UploadPartCopy; UploadFile uploads a
	// local file with parallel UploadPart.
	if err := b.CopyFile("multi", "source", "copied", 100<<10, classic.Routines(3)); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "local")
	if err := os.WriteFile(path, source, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := b.UploadFile("uploaded", path, 100<<10, classic.Routines(3)); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"copied", "uploaded"} {
		got := must[ossemu.ObjectInfo](t)(srv.HeadObject("multi", key, ""))
		if got.CRC64 != crc64.Checksum(source, ecmaTable) || !strings.HasSuffix(got.ETag, `-3"`) {
			t.Errorf("%s: CRC64 %d, ETag %s; want the source's %d and a 3-part ETag", key, got.CRC64, got.ETag, crc64.Checksum(source, ecmaTable))
		}
	}
	ups := must[classic.ListMultipartUploadResult](t)(b.ListMultipartUploads())
	if len(ups.Uploads) != 0 || len(srv.Uploads()) != 0 {
		t.Errorf("uploads left: %+v", ups.Uploads)
	}
}

// TestClassicVersioning: versions written by the older SDK, read and copied
// by version ID, listed, hidden by a delete marker and removed for good.
func TestClassicVersioning(t *testing.T) { forEachClassic(t, testClassicVersioning) }

func testClassicVersioning(t *testing.T, version classic.AuthVersionType) {
	srv := ossemu.NewTestServer(t)
	c := newClassicClient(t, srv, version)
	b := classicBucket(t, c, "versioned")
	if err := c.SetBucketVersioning("versioned", classic.VersioningConfig{Status: "Enabled"}); err != nil {
		t.Fatal(err)
	}
	if v := must[classic.GetBucketVersioningResult](t)(c.GetBucketVersioning("versioned")); v.Status != "Enabled" {
		t.Errorf("GetBucketVersioning = %q", v.Status)
	}
	bodies := [][]byte{classicBody(200<<10, 4), classicBody(1000, 5)}
	var ids []string
	for _, body := range bodies {
		var h http.Header
		if err := b.PutObject("k y", bytes.NewReader(body), classic.GetResponseHeader(&h)); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, h.Get("X-Oss-Version-Id"))
	}
	if ids[0] == "" || ids[0] == ids[1] {
		t.Fatalf("version IDs %q, want two distinct ones", ids)
	}
	r := must[io.ReadCloser](t)(b.GetObject("k y", classic.VersionId(ids[0])))
	if got := must[[]byte](t)(io.ReadAll(r)); !bytes.Equal(got, bodies[0]) {
		t.Errorf("GetObject of the first version returned %d other bytes", len(got))
	}
	r.Close()
	// Copies of the first version, by CopyObject and by UploadPartCopy.
	must[classic.CopyObjectResult](t)(b.CopyObject("k y", "copy of v1", classic.VersionId(ids[0])))
	if err := classicMultipartCopy(b, "versioned", "k y", "parts of v1", int64(len(bodies[0])), classic.VersionId(ids[0])); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"copy of v1", "parts of v1"} {
		if got := must[ossemu.ObjectInfo](t)(srv.HeadObject("versioned", key, "")); got.CRC64 != crc64.Checksum(bodies[0], ecmaTable) {
			t.Errorf("%s: CRC64 %d, want the first version's %d", key, got.CRC64, crc64.Checksum(bodies[0], ecmaTable))
		}
	}
	var h http.Header
	if err := b.DeleteObject("k y", classic.GetResponseHeader(&h)); err != nil {
		t.Fatal(err)
	}
	marker := h.Get("X-Oss-Version-Id")
	if h.Get("X-Oss-Delete-Marker") != "true" || marker == "" {
		t.Errorf("DeleteObject without version: headers %v, want a delete marker", h)
	}
	_, err := b.GetObject("k y")
	expectClassicCode(t, err, 404, "NoSuchKey")
	vs := must[classic.ListObjectVersionsResult](t)(b.ListObjectVersions(classic.Prefix("k y")))
	if len(vs.ObjectVersions) != 2 || len(vs.ObjectDeleteMarkers) != 1 || vs.ObjectDeleteMarkers[0].VersionId != marker ||
		!vs.ObjectDeleteMarkers[0].IsLatest || vs.ObjectVersions[0].VersionId != ids[1] || vs.ObjectVersions[1].VersionId != ids[0] {
		t.Errorf("ListObjectVersions = versions %+v, markers %+v", vs.ObjectVersions, vs.ObjectDeleteMarkers)
	}
	// Removing the marker brings the second version back.
	if err := b.DeleteObject("k y", classic.VersionId(marker)); err != nil {
		t.Fatal(err)
	}
	r = must[io.ReadCloser](t)(b.GetObject("k y"))
	if got := must[[]byte](t)(io.ReadAll(r)); !bytes.Equal(got, bodies[1]) {
		t.Errorf("after removing the delete marker GetObject returned %d bytes, want the second version", len(got))
	}
	r.Close()
	del := must[classic.DeleteObjectVersionsResult](t)(b.DeleteObjectVersions([]classic.DeleteObject{{Key: "k y", VersionId: ids[0]}, {Key: "k y", VersionId: ids[1]}}))
	if len(del.DeletedObjectsDetail) != 2 {
		t.Errorf("DeleteObjectVersions deleted %+v, want both versions", del.DeletedObjectsDetail)
	}
	if left := srv.ListObjectVersions("versioned", "k y"); len(left) != 0 {
		t.Errorf("versions left: %+v", left)
	}
}

// TestClassicTaggingAndACL: object tags set on put, replaced, read and
// deleted; object and bucket ACLs set and read.
func TestClassicTaggingAndACL(t *testing.T) { forEachClassic(t, testClassicTaggingAndACL) }

func testClassicTaggingAndACL(t *testing.T, version classic.AuthVersionType) {
	srv := ossemu.NewTestServer(t)
	c := newClassicClient(t, srv, version)
	b := classicBucket(t, c, "tags")
	tagging := func(kv ...string) classic.Tagging {
		var tg classic.Tagging
		for i := 0; i < len(kv); i += 2 {
			tg.Tags = append(tg.Tags, classic.Tag{Key: kv[i], Value: kv[i+1]})
		}
		return tg
	}
	tagsOf := func() map[string]string {
		got := map[string]string{}
		for _, tg := range must[classic.GetObjectTaggingResult](t)(b.GetObjectTagging("obj")).Tags {
			got[tg.Key] = tg.Value
		}
		return got
	}
	if err := b.PutObject("obj", strings.NewReader("tagged"), classic.SetTagging(tagging("team", "a b", "env", "dev+1"))); err != nil {
		t.Fatal(err)
	}
	if got := tagsOf(); len(got) != 2 || got["team"] != "a b" || got["env"] != "dev+1" {
		t.Errorf("tags set on put = %v", got)
	}
	if err := b.PutObjectTagging("obj", tagging("only", "one")); err != nil {
		t.Fatal(err)
	}
	if got := tagsOf(); len(got) != 1 || got["only"] != "one" {
		t.Errorf("tags after PutObjectTagging = %v", got)
	}
	if err := b.DeleteObjectTagging("obj"); err != nil {
		t.Fatal(err)
	}
	if got := tagsOf(); len(got) != 0 {
		t.Errorf("tags after DeleteObjectTagging = %v", got)
	}
	if err := b.SetObjectACL("obj", classic.ACLPublicReadWrite); err != nil {
		t.Fatal(err)
	}
	if acl := must[classic.GetObjectACLResult](t)(b.GetObjectACL("obj")); acl.ACL != "public-read-write" {
		t.Errorf("GetObjectACL = %q", acl.ACL)
	}
	if err := c.SetBucketACL("tags", classic.ACLPublicRead); err != nil {
		t.Fatal(err)
	}
	if acl := must[classic.GetBucketACLResult](t)(c.GetBucketACL("tags")); acl.ACL != "public-read" {
		t.Errorf("GetBucketACL = %q", acl.ACL)
	}
	err := b.SetObjectACL("obj", classic.ACLType("everyone"))
	expectClassicCode(t, err, 400, "InvalidArgument")
}

// TestClassicPresign: URLs the older SDK signs (V1: Expires and Signature;
// V4: x-oss-* parameters) put and get objects, through the SDK and through
// plain HTTP; an expired one is refused.
func TestClassicPresign(t *testing.T) { forEachClassic(t, testClassicPresign) }

func testClassicPresign(t *testing.T, version classic.AuthVersionType) {
	srv := ossemu.NewTestServer(t)
	c := newClassicClient(t, srv, version)
	b := classicBucket(t, c, "presign")
	body := classicBody(64<<10, 6)
	putURL := must[string](t)(b.SignURL("dir/pre signed+.bin", classic.HTTPPut, 60))
	if err := b.PutObjectWithURL(putURL, bytes.NewReader(body)); err != nil {
		t.Fatal(err)
	}
	getURL := must[string](t)(b.SignURL("dir/pre signed+.bin", classic.HTTPGet, 60))
	r := must[io.ReadCloser](t)(b.GetObjectWithURL(getURL))
	if got := must[[]byte](t)(io.ReadAll(r)); !bytes.Equal(got, body) {
		t.Errorf("GetObjectWithURL returned %d other bytes", len(got))
	}
	r.Close()
	resp := must[*http.Response](t)(http.Get(getURL))
	got := readAll(t, resp.Body)
	if resp.StatusCode != 200 || got != string(body) {
		t.Errorf("plain GET of the signed URL: %d, %d bytes", resp.StatusCode, len(got))
	}
	checkCRC(t, "plain GET of the signed URL", resp.Header, body)
	srv.SetClockSkew(2 * time.Minute)
	_, err := b.GetObjectWithURL(getURL)
	expectClassicCode(t, err, 403, "AccessDenied")
}
