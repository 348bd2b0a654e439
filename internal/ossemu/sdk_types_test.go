package ossemu_test

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

// typesFixture has a bucket "src" holding an object of each kind the
// object-type rules concern, and a bucket "dst" with a multipart upload.
type typesFixture struct {
	srv      *ossemu.Server
	data     []byte
	uploadID *string
}

func newTypesFixture(t *testing.T, c *oss.Client, srv *ossemu.Server) *typesFixture {
	t.Helper()
	f := &typesFixture{srv: srv, data: bytes.Repeat([]byte("cold bytes "), 20<<10)}
	for _, name := range []string{"src", "dst"} {
		if err := srv.CreateBucket(name, ""); err != nil {
			t.Fatal(err)
		}
	}
	for key, class := range map[string]string{"standard": "Standard", "archive": "Archive", "cold": "ColdArchive",
		"deep": "DeepColdArchive"} {
		must[ossemu.ObjectInfo](t)(srv.PutObject("src", key, f.data, http.Header{"X-Oss-Storage-Class": {class}}))
	}
	must[ossemu.ObjectInfo](t)(srv.PutSymlink("src", "link", "standard"))
	must[ossemu.ObjectInfo](t)(srv.PutSymlink("src", "dangling", "missing"))
	must[ossemu.ObjectInfo](t)(srv.PutSymlink("src", "link-to-link", "link"))
	must[*oss.AppendObjectResult](t)(c.AppendObject(ctx, &oss.AppendObjectRequest{Bucket: oss.Ptr("src"),
		Key: oss.Ptr("appendable"), Position: oss.Ptr(int64(0)), Body: bytes.NewReader(f.data)}))
	init := must[*oss.InitiateMultipartUploadResult](t)(c.InitiateMultipartUpload(ctx, &oss.InitiateMultipartUploadRequest{
		Bucket: oss.Ptr("dst"), Key: oss.Ptr("mp")}))
	f.uploadID = init.UploadId
	return f
}

func (f *typesFixture) copyFrom(c *oss.Client, key string) error {
	_, err := c.CopyObject(ctx, &oss.CopyObjectRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr("copy"),
		SourceBucket: oss.Ptr("src"), SourceKey: oss.Ptr(key)})
	return err
}

func (f *typesFixture) partCopyFrom(c *oss.Client, key string) error {
	_, err := c.UploadPartCopy(ctx, &oss.UploadPartCopyRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr("mp"),
		UploadId: f.uploadID, PartNumber: 1, SourceBucket: oss.Ptr("src"), SourceKey: oss.Ptr(key)})
	return err
}

func (f *typesFixture) restore(c *oss.Client, key string, days int32, tier string) error {
	req := &oss.RestoreObjectRequest{Bucket: oss.Ptr("src"), Key: oss.Ptr(key)}
	if days != 0 || tier != "" {
		req.RestoreRequest = &oss.RestoreRequest{Days: days}
		if tier != "" {
			req.RestoreRequest.JobParameters = &oss.JobParameters{Tier: oss.Ptr(tier)}
		}
	}
	_, err := c.RestoreObject(ctx, req)
	return err
}

func (f *typesFixture) cleanRestored(c *oss.Client, key string) error {
	_, err := c.CleanRestoredObject(ctx, &oss.CleanRestoredObjectRequest{Bucket: oss.Ptr("src"), Key: oss.Ptr(key)})
	return err
}

func (f *typesFixture) get(c *oss.Client, key string) error {
	res, err := c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("src"), Key: oss.Ptr(key)})
	if err == nil {
		res.Body.Close()
	}
	return err
}

// TestObjectTypeErrors covers the errors of cold storage classes, symbolic
// links and appendable objects, through the SDK with V4 and V1 signatures:
// status, code, EC and message, as OSS's references and EC pages give them
// (see the package doc for the ones they do not).
func TestObjectTypeErrors(t *testing.T) {
	const notRestored = "The operation is not valid for the object's state"
	testCases := []struct {
		name    string
		call    func(*oss.Client, *typesFixture) error
		status  int
		code    string
		ec      string
		message string
	}{
		{"GetObject of an Archive object never restored", func(c *oss.Client, f *typesFixture) error {
			return f.get(c, "archive")
		}, 403, "InvalidObjectState", "0016-00000404", notRestored},
		{"GetObject of a ColdArchive object being restored", func(c *oss.Client, f *typesFixture) error {
			f.srv.SetRestoreDuration(time.Hour)
			if err := f.restore(c, "cold", 1, "Expedited"); err != nil {
				return err
			}
			return f.get(c, "cold")
		}, 403, "InvalidObjectState", "0016-00000404", notRestored},
		{"GetObject through a symlink to an Archive object", func(c *oss.Client, f *typesFixture) error {
			must[ossemu.ObjectInfo](t)(f.srv.PutSymlink("src", "archive-link", "archive"))
			return f.get(c, "archive-link")
		}, 403, "InvalidObjectState", "0016-00000404", notRestored},
		{"CopyObject from an Archive object", func(c *oss.Client, f *typesFixture) error {
			return f.copyFrom(c, "archive")
		}, 403, "InvalidObjectState", "", notRestored},
		{"UploadPartCopy from a DeepColdArchive object", func(c *oss.Client, f *typesFixture) error {
			return f.partCopyFrom(c, "deep")
		}, 403, "InvalidObjectState", "", notRestored},
		{"RestoreObject of a Standard object", func(c *oss.Client, f *typesFixture) error {
			return f.restore(c, "standard", 0, "")
		}, 400, "OperationNotSupported", "0016-00000702", "The operation is not supported for this resource."},
		{"RestoreObject of an object being restored", func(c *oss.Client, f *typesFixture) error {
			f.srv.SetRestoreDuration(time.Hour)
			if err := f.restore(c, "archive", 0, ""); err != nil {
				return err
			}
			return f.restore(c, "archive", 0, "")
		}, 409, "RestoreAlreadyInProgress", "0016-00000701", "The restore operation is in progress."},
		{"RestoreObject of an Archive object for 8 days", func(c *oss.Client, f *typesFixture) error {
			return f.restore(c, "archive", 8, "")
		}, 400, "InvalidArgument", "0016-00000704", "The Days of the restore request must be 1 to 7 for Archive objects."},
		{"RestoreObject with an unknown tier", func(c *oss.Client, f *typesFixture) error {
			return f.restore(c, "cold", 2, "Test")
		}, 400, "InvalidArgument", "0016-00000703", "The Tier of the restore request is invalid."},
		{"RestoreObject of a missing object", func(c *oss.Client, f *typesFixture) error {
			return f.restore(c, "missing", 0, "")
		}, 404, "NoSuchKey", "0026-00000001", "The specified key does not exist."},
		{"CleanRestoredObject of an object being restored", func(c *oss.Client, f *typesFixture) error {
			f.srv.SetRestoreDuration(time.Hour)
			if err := f.restore(c, "cold", 1, ""); err != nil {
				return err
			}
			return f.cleanRestored(c, "cold")
		}, 409, "ArchiveRestoreNotFinished", "0016-00000719", "The archive file's restore is not finished."},
		{"CleanRestoredObject of an object never restored", func(c *oss.Client, f *typesFixture) error {
			return f.cleanRestored(c, "deep")
		}, 409, "ArchiveRestoreFileStale", "0016-00000718", "The archive file or restore info stale"},
		{"CleanRestoredObject of a Standard object", func(c *oss.Client, f *typesFixture) error {
			return f.cleanRestored(c, "standard")
		}, 409, "ArchiveRestoreFileStale", "0016-00000718", "The archive file or restore info stale"},
		{"SealAppendObject", func(c *oss.Client, f *typesFixture) error {
			_, err := c.SealAppendObject(ctx, &oss.SealAppendObjectRequest{Bucket: oss.Ptr("src"), Key: oss.Ptr("appendable"),
				Position: oss.Ptr(int64(len(f.data)))})
			return err
		}, 400, "OperationNotSupported", "0016-00000513", "SealAppendable is not supported."},
		{"GetSymlink of an object that is no link", func(c *oss.Client, _ *typesFixture) error {
			_, err := c.GetSymlink(ctx, &oss.GetSymlinkRequest{Bucket: oss.Ptr("src"), Key: oss.Ptr("standard")})
			return err
		}, 400, "NotSymlink", "", "The specified object is not a symlink."},
		{"HeadObject of a link whose target is missing", func(c *oss.Client, _ *typesFixture) error {
			_, err := c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("src"), Key: oss.Ptr("dangling")})
			return err
		}, 404, "SymlinkTargetNotExist", "", "The symlink target object does not exist"},
		{"GetObject of a link to a link", func(c *oss.Client, f *typesFixture) error {
			return f.get(c, "link-to-link")
		}, 400, "InvalidTargetType", "", "The symlink target object type is invalid"},
		{"UploadPartCopy from a symlink", func(c *oss.Client, f *typesFixture) error {
			return f.partCopyFrom(c, "link")
		}, 400, "InvalidArgument", "0042-00000308", "The source object of UploadPartCopy cannot be a symlink."},
		{"CopyObject from an appendable object", func(c *oss.Client, f *typesFixture) error {
			return f.copyFrom(c, "appendable")
		}, 400, "OperationNotSupported", "", "The operation is not supported for this resource."},
		{"UploadPartCopy from an appendable object", func(c *oss.Client, f *typesFixture) error {
			return f.partCopyFrom(c, "appendable")
		}, 400, "OperationNotSupported", "", "The operation is not supported for this resource."},
		{"AppendObject to a Normal object", func(c *oss.Client, _ *typesFixture) error {
			_, err := c.AppendObject(ctx, &oss.AppendObjectRequest{Bucket: oss.Ptr("src"), Key: oss.Ptr("standard"),
				Position: oss.Ptr(int64(0)), Body: strings.NewReader("x")})
			return err
		}, 409, "ObjectNotAppendable", "0026-00000017", "The object is not appendable"},
		{"AppendObject at a wrong position", func(c *oss.Client, f *typesFixture) error {
			_, err := c.AppendObject(ctx, &oss.AppendObjectRequest{Bucket: oss.Ptr("src"), Key: oss.Ptr("appendable"),
				Position: oss.Ptr(int64(1)), Body: strings.NewReader("x")})
			if se := serviceError(t, err); se.Headers.Get("x-oss-next-append-position") != strconv.Itoa(len(f.data)) {
				t.Errorf("x-oss-next-append-position %q, want %d", se.Headers.Get("x-oss-next-append-position"), len(f.data))
			}
			return err
		}, 409, "PositionNotEqualToLength", "", "Position is not equal to file length"},
	}
	forEachSignature(t, func(t *testing.T, version oss.SignatureVersionType) {
		for _, tc := range testCases {
			t.Run(tc.name, func(t *testing.T) {
				srv := ossemu.NewTestServer(t)
				c := newClient(t, srv, version)
				err := tc.call(c, newTypesFixture(t, c, srv))
				if err == nil {
					t.Fatalf("want %d %s, got success", tc.status, tc.code)
				}
				se := serviceError(t, err)
				if se.StatusCode != tc.status || se.Code != tc.code || se.EC != tc.ec || se.Message != tc.message {
					t.Errorf("got %d %s EC %q %q, want %d %s EC %q %q", se.StatusCode, se.Code, se.EC, se.Message,
						tc.status, tc.code, tc.ec, tc.message)
				}
			})
		}
	})
}

// TestRestoreObject follows a cold object through OSS's states: frozen (no
// x-oss-restore, unreadable), restoring (ongoing-request="true", still
// unreadable), restored (readable and copyable until expiry-date, a second
// restore answering 200) and frozen again once the restored state expires.
func TestRestoreObject(t *testing.T) {
	forEachSignature(t, func(t *testing.T, version oss.SignatureVersionType) {
		// Minutes, not OSS's hours: signatures allow 15 minutes of clock skew.
		srv := ossemu.NewTestServer(t, ossemu.WithRestoreDuration(3*time.Minute))
		c := newClient(t, srv, version)
		f := newTypesFixture(t, c, srv)
		srv.SetRestoreDay(4 * time.Minute)
		head := func() string {
			t.Helper()
			res := must[*oss.HeadObjectResult](t)(c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("src"), Key: oss.Ptr("cold")}))
			return oss.ToString(res.Restore)
		}
		if got := head(); got != "" {
			t.Fatalf("x-oss-restore before RestoreObject %q, want none", got)
		}
		start := time.Now()
		res := must[*oss.RestoreObjectResult](t)(c.RestoreObject(ctx, &oss.RestoreObjectRequest{Bucket: oss.Ptr("src"),
			Key: oss.Ptr("cold"), RestoreRequest: &oss.RestoreRequest{Days: 2}}))
		if res.StatusCode != http.StatusAccepted {
			t.Errorf("first RestoreObject answered %d, want 202", res.StatusCode)
		}
		if got := head(); got != `ongoing-request="true"` {
			t.Errorf("x-oss-restore while restoring %q", got)
		}
		expectCode(t, f.copyFrom(c, "cold"), 403, "InvalidObjectState")

		srv.SetClockSkew(4 * time.Minute)
		restored := head()
		expiry, ok := strings.CutPrefix(restored, `ongoing-request="false", expiry-date="`)
		when, err := http.ParseTime(strings.TrimSuffix(expiry, `"`))
		// Restored 3 minutes after the request, for 2 days of 4 minutes.
		if lo, hi := start.Add(11*time.Minute-time.Second), time.Now().Add(11*time.Minute+time.Second); !ok || err != nil ||
			when.Before(lo) || when.After(hi) {
			t.Errorf("x-oss-restore when restored %q, want expiry-date 11 minutes after the request", restored)
		}
		body := must[*oss.GetObjectResult](t)(c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("src"), Key: oss.Ptr("cold")}))
		if got := readAll(t, body.Body); got != string(f.data) {
			t.Errorf("restored object reads %d bytes, want its %d", len(got), len(f.data))
		}
		if err := f.copyFrom(c, "cold"); err != nil {
			t.Fatalf("copy of the restored object: %v", err)
		}
		copied := must[*oss.HeadObjectResult](t)(c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr("copy")}))
		if got := oss.ToString(copied.HashCRC64); got != crcString(f.data) {
			t.Errorf("copy CRC64 %s, want %s", got, crcString(f.data))
		}
		if got := oss.ToString(copied.StorageClass); got != "ColdArchive" || copied.Restore != nil {
			t.Errorf("copy is %s with x-oss-restore %q, want a frozen ColdArchive object", got, oss.ToString(copied.Restore))
		}
		again := must[*oss.RestoreObjectResult](t)(c.RestoreObject(ctx, &oss.RestoreObjectRequest{Bucket: oss.Ptr("src"),
			Key: oss.Ptr("cold")}))
		if again.StatusCode != http.StatusOK {
			t.Errorf("RestoreObject of a restored object answered %d, want 200", again.StatusCode)
		}

		srv.SetClockSkew(12 * time.Minute)
		if got := head(); got != "" {
			t.Errorf("x-oss-restore once expired %q, want none", got)
		}
		expectCode(t, f.get(c, "cold"), 403, "InvalidObjectState")
		expectCode(t, f.cleanRestored(c, "cold"), 409, "ArchiveRestoreFileStale")
	})
}

// TestCleanRestoredObject ends a restored state early: the object is frozen
// again at once, shows no x-oss-restore, and a second clean finds nothing to
// clean.
func TestCleanRestoredObject(t *testing.T) {
	forEachSignature(t, func(t *testing.T, version oss.SignatureVersionType) {
		srv := ossemu.NewTestServer(t)
		c := newClient(t, srv, version)
		f := newTypesFixture(t, c, srv)
		if err := f.restore(c, "cold", 3, ""); err != nil {
			t.Fatal(err)
		}
		if err := f.get(c, "cold"); err != nil {
			t.Fatalf("restored object unreadable: %v", err)
		}
		if err := f.cleanRestored(c, "cold"); err != nil {
			t.Fatalf("CleanRestoredObject of a restored object: %v", err)
		}
		res := must[*oss.HeadObjectResult](t)(c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("src"), Key: oss.Ptr("cold")}))
		if res.Restore != nil {
			t.Errorf("x-oss-restore after CleanRestoredObject %q, want none", oss.ToString(res.Restore))
		}
		expectCode(t, f.get(c, "cold"), 403, "InvalidObjectState")
		expectCode(t, f.cleanRestored(c, "cold"), 409, "ArchiveRestoreFileStale")
	})
}

// TestSymlink checks what OSS does with a symbolic link: GetSymlink names
// its target; HEAD and GET serve the target's size, ETag, CRC64, storage
// class and bytes with x-oss-object-type Symlink; GetObjectMeta and listings
// describe the link itself; and CopyObject copies the link, not the target,
// so a copy into another bucket points at a key that bucket may not have.
func TestSymlink(t *testing.T) {
	forEachSignature(t, func(t *testing.T, version oss.SignatureVersionType) {
		srv := ossemu.NewTestServer(t)
		c := newClient(t, srv, version)
		f := newTypesFixture(t, c, srv)
		must[*oss.PutSymlinkResult](t)(c.PutSymlink(ctx, &oss.PutSymlinkRequest{Bucket: oss.Ptr("src"),
			Key: oss.Ptr("my link"), Target: oss.Ptr("standard"), Metadata: map[string]string{"owner": "me"}}))
		link := must[ossemu.ObjectInfo](t)(srv.HeadObject("src", "my link", ""))
		if link.ObjectType != "Symlink" || link.SymlinkTarget != "standard" || link.Size != 0 {
			t.Errorf("stored link: type %q, target %q, %d bytes", link.ObjectType, link.SymlinkTarget, link.Size)
		}
		got := must[*oss.GetSymlinkResult](t)(c.GetSymlink(ctx, &oss.GetSymlinkRequest{Bucket: oss.Ptr("src"), Key: oss.Ptr("my link")}))
		if oss.ToString(got.Target) != "standard" || oss.ToString(got.ETag) != link.ETag || got.Metadata["owner"] != "me" {
			t.Errorf("GetSymlink target %q ETag %q metadata %v, want standard, %q and owner=me",
				oss.ToString(got.Target), oss.ToString(got.ETag), got.Metadata, link.ETag)
		}

		target := must[ossemu.ObjectInfo](t)(srv.HeadObject("src", "standard", ""))
		head := must[*oss.HeadObjectResult](t)(c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("src"), Key: oss.Ptr("my link")}))
		if oss.ToString(head.ObjectType) != "Symlink" || head.ContentLength != int64(len(f.data)) ||
			oss.ToString(head.ETag) != target.ETag || oss.ToString(head.HashCRC64) != crcString(f.data) ||
			head.Metadata["owner"] != "me" {
			t.Errorf("HEAD of the link: type %q, %d bytes, ETag %q, CRC64 %q, metadata %v; want Symlink and the target's %d bytes, %s, %s",
				oss.ToString(head.ObjectType), head.ContentLength, oss.ToString(head.ETag), oss.ToString(head.HashCRC64),
				head.Metadata, len(f.data), target.ETag, crcString(f.data))
		}
		body := must[*oss.GetObjectResult](t)(c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("src"), Key: oss.Ptr("my link")}))
		if got := readAll(t, body.Body); got != string(f.data) {
			t.Errorf("GET of the link reads %d bytes, want the target's %d", len(got), len(f.data))
		}
		meta := must[*oss.GetObjectMetaResult](t)(c.GetObjectMeta(ctx, &oss.GetObjectMetaRequest{Bucket: oss.Ptr("src"), Key: oss.Ptr("my link")}))
		if meta.ContentLength != 0 || oss.ToString(meta.ETag) != link.ETag {
			t.Errorf("GetObjectMeta of the link: %d bytes, ETag %q; want the link's own 0 bytes and %q",
				meta.ContentLength, oss.ToString(meta.ETag), link.ETag)
		}
		list := must[*oss.ListObjectsV2Result](t)(c.ListObjectsV2(ctx, &oss.ListObjectsV2Request{Bucket: oss.Ptr("src"), Prefix: oss.Ptr("my")}))
		if len(list.Contents) != 1 || oss.ToString(list.Contents[0].Type) != "Symlink" {
			t.Errorf("listing of the link: %+v, want one Symlink", list.Contents)
		}

		if err := f.copyFrom(c, "my link"); err != nil {
			t.Fatal(err)
		}
		copied := must[*oss.GetSymlinkResult](t)(c.GetSymlink(ctx, &oss.GetSymlinkRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr("copy")}))
		if oss.ToString(copied.Target) != "standard" {
			t.Errorf("copy of the link points at %q, want standard", oss.ToString(copied.Target))
		}
		_, err := c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr("copy")})
		expectCode(t, err, 404, "SymlinkTargetNotExist")
	})
}

// TestAppendObject appends three times: the object is Appendable, reports
// the next position and the CRC64 of all its bytes, changes in place in a
// versioned bucket, and reads back whole.
func TestAppendObject(t *testing.T) {
	forEachSignature(t, func(t *testing.T, version oss.SignatureVersionType) {
		srv := ossemu.NewTestServer(t)
		c := newClient(t, srv, version)
		if err := srv.CreateBucket("appendable", ""); err != nil {
			t.Fatal(err)
		}
		if err := srv.SetBucketVersioning("appendable", true); err != nil {
			t.Fatal(err)
		}
		var all []byte
		for i, chunk := range []string{"first ", "second ", "third"} {
			res := must[*oss.AppendObjectResult](t)(c.AppendObject(ctx, &oss.AppendObjectRequest{Bucket: oss.Ptr("appendable"),
				Key: oss.Ptr("log"), Position: oss.Ptr(int64(len(all))), Body: strings.NewReader(chunk),
				StorageClass: oss.StorageClassIA}))
			all = append(all, chunk...)
			if res.NextPosition != int64(len(all)) || oss.ToString(res.HashCRC64) != crcString(all) {
				t.Errorf("append %d: next position %d, CRC64 %s; want %d, %s", i, res.NextPosition,
					oss.ToString(res.HashCRC64), len(all), crcString(all))
			}
		}
		head := must[*oss.HeadObjectResult](t)(c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("appendable"), Key: oss.Ptr("log")}))
		if oss.ToString(head.ObjectType) != "Appendable" || oss.ToString(head.NextAppendPosition) != strconv.Itoa(len(all)) ||
			oss.ToString(head.StorageClass) != "IA" {
			t.Errorf("HEAD: type %q, next position %q, class %q; want Appendable, %d, IA", oss.ToString(head.ObjectType),
				oss.ToString(head.NextAppendPosition), oss.ToString(head.StorageClass), len(all))
		}
		if n := len(srv.ListObjectVersions("appendable", "log")); n != 1 {
			t.Errorf("%d versions, want 1: appending changes the object in place", n)
		}
		body := must[*oss.GetObjectResult](t)(c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("appendable"), Key: oss.Ptr("log")}))
		if got := readAll(t, body.Body); got != string(all) {
			t.Errorf("object reads %q, want %q", got, all)
		}
	})
}
