package ossemu_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

// errorFixture is a server with what the error table needs: buckets in two
// regions, a bucket under retention, an object of 300 KiB and an upload
// with a 50 KiB and a 200 KiB part.
type errorFixture struct {
	srv      *ossemu.Server
	version  oss.SignatureVersionType
	uploadID *string
	parts    []oss.UploadPart
	srcETag  string
}

func newErrorFixture(t *testing.T, c *oss.Client, srv *ossemu.Server, version oss.SignatureVersionType) *errorFixture {
	t.Helper()
	f := &errorFixture{srv: srv, version: version}
	for name, region := range map[string]string{"src": "", "dst": "", "far": "cn-beijing", "worm": ""} {
		if err := srv.CreateBucket(name, region); err != nil {
			t.Fatal(err)
		}
	}
	src := must[ossemu.ObjectInfo](t)(srv.PutObject("src", "obj", bytes.Repeat([]byte("x"), 300<<10), nil))
	f.srcETag = src.ETag
	must[ossemu.ObjectInfo](t)(srv.PutObject("worm", "locked", []byte("kept"), nil))
	must[ossemu.ObjectInfo](t)(srv.PutObject("far", "obj", []byte("far away"), nil))
	if err := srv.LockBucketRetention("worm", 1); err != nil {
		t.Fatal(err)
	}
	init := must[*oss.InitiateMultipartUploadResult](t)(c.InitiateMultipartUpload(ctx, &oss.InitiateMultipartUploadRequest{
		Bucket: oss.Ptr("dst"), Key: oss.Ptr("mp")}))
	f.uploadID = init.UploadId
	for i, size := range []int{50 << 10, 200 << 10} {
		res := must[*oss.UploadPartResult](t)(c.UploadPart(ctx, &oss.UploadPartRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr("mp"),
			UploadId: f.uploadID, PartNumber: int32(i + 1), Body: bytes.NewReader(make([]byte, size))}))
		f.parts = append(f.parts, oss.UploadPart{PartNumber: int32(i + 1), ETag: res.ETag})
	}
	return f
}

// clientFor is a client with other credentials, signing like the fixture's.
func (f *errorFixture) clientFor(id, secret string) *oss.Client {
	return newClientWith(f.srv, f.version, staticCreds(id, secret))
}

func (f *errorFixture) complete(c *oss.Client, parts []oss.UploadPart, forbid bool) error {
	req := &oss.CompleteMultipartUploadRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr("mp"), UploadId: f.uploadID,
		CompleteMultipartUpload: &oss.CompleteMultipartUpload{Parts: parts}}
	if forbid {
		req.ForbidOverwrite = oss.Ptr("true")
	}
	_, err := c.CompleteMultipartUpload(ctx, req)
	return err
}

func (f *errorFixture) partCopy(c *oss.Client, srcBucket string, mod func(*oss.UploadPartCopyRequest)) error {
	req := &oss.UploadPartCopyRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr("mp"), UploadId: f.uploadID, PartNumber: 3,
		SourceBucket: oss.Ptr(srcBucket), SourceKey: oss.Ptr("obj")}
	if mod != nil {
		mod(req)
	}
	_, err := c.UploadPartCopy(ctx, req)
	return err
}

// TestErrorTable covers every row of the error table in the wire notes, each
// through the SDK with V4 and with V1 signatures: status, code, EC and,
// where OSS's wording matters to callers, the message.
func TestErrorTable(t *testing.T) {
	past := time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)
	testCases := []struct {
		name    string
		call    func(*oss.Client, *errorFixture) error
		status  int
		code    string
		ec      string
		message string
	}{
		{"NoSuchBucket", func(c *oss.Client, _ *errorFixture) error {
			_, err := c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("missing"), Key: oss.Ptr("k")})
			return err
		}, 404, "NoSuchBucket", "0015-00000101", "The specified bucket does not exist."},
		{"NoSuchKey", func(c *oss.Client, _ *errorFixture) error {
			_, err := c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("src"), Key: oss.Ptr("missing")})
			return err
		}, 404, "NoSuchKey", "0026-00000001", "The specified key does not exist."},
		{"NoSuchKey on HEAD", func(c *oss.Client, _ *errorFixture) error {
			_, err := c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("src"), Key: oss.Ptr("missing")})
			return err
		}, 404, "NoSuchKey", "0026-00000001", ""},
		{"NoSuchUpload on UploadPart", func(c *oss.Client, _ *errorFixture) error {
			_, err := c.UploadPart(ctx, &oss.UploadPartRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr("mp"), UploadId: oss.Ptr("NOPE"),
				PartNumber: 1, Body: strings.NewReader("x")})
			return err
		}, 404, "NoSuchUpload", "0042-00000104", ""},
		{"NoSuchUpload on UploadPart aborted while its body arrives", func(c *oss.Client, f *errorFixture) error {
			body, feed := io.Pipe()
			done := make(chan error, 1)
			// Hashing 32 MiB under -race on a busy machine can outlast the
			// SDK's 10 s default wait for the answer. The SDK sets that wait
			// when it dials a connection, so the part goes through a client
			// of its own, whose only connection it dials.
			pc := f.clientFor(f.srv.Credentials())
			go func() {
				_, err := pc.UploadPart(ctx, &oss.UploadPartRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr("mp"), UploadId: f.uploadID,
					PartNumber: 3, Body: body}, oss.OpReadWriteTimeout(time.Minute))
				done <- err
			}()
			// The server reads a part's body only after finding its upload,
			// and more than loopback socket buffers hold has been read once
			// this write returns.
			if _, err := feed.Write(make([]byte, 32<<20)); err != nil {
				return err
			}
			if _, err := c.AbortMultipartUpload(ctx, &oss.AbortMultipartUploadRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr("mp"),
				UploadId: f.uploadID}); err != nil {
				return err
			}
			feed.Close()
			return <-done
		}, 404, "NoSuchUpload", "0042-00000104", ""},
		{"InvalidArgument for a metadata directive", func(c *oss.Client, _ *errorFixture) error {
			_, err := c.CopyObject(ctx, &oss.CopyObjectRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr("k"),
				SourceBucket: oss.Ptr("src"), SourceKey: oss.Ptr("obj"), MetadataDirective: oss.Ptr("MOVE")})
			return err
		}, 400, "InvalidArgument", "", "The metadata directive is invalid."},
		{"InvalidArgument for a tagging directive", func(c *oss.Client, _ *errorFixture) error {
			_, err := c.CopyObject(ctx, &oss.CopyObjectRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr("k"),
				SourceBucket: oss.Ptr("src"), SourceKey: oss.Ptr("obj"), TaggingDirective: oss.Ptr("Keep")})
			return err
		}, 400, "InvalidArgument", "", "The tagging directive is invalid."},
		{"NoSuchUpload on UploadPartCopy", func(c *oss.Client, _ *errorFixture) error {
			_, err := c.UploadPartCopy(ctx, &oss.UploadPartCopyRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr("mp"), UploadId: oss.Ptr("NOPE"),
				PartNumber: 1, SourceBucket: oss.Ptr("src"), SourceKey: oss.Ptr("obj")})
			return err
		}, 404, "NoSuchUpload", "0042-00000311", ""},
		{"NoSuchUpload on Abort", func(c *oss.Client, _ *errorFixture) error {
			_, err := c.AbortMultipartUpload(ctx, &oss.AbortMultipartUploadRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr("mp"), UploadId: oss.Ptr("NOPE")})
			return err
		}, 404, "NoSuchUpload", "0042-00000002", ""},
		{"NoSuchVersion", func(c *oss.Client, _ *errorFixture) error {
			_, err := c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("src"), Key: oss.Ptr("obj"), VersionId: oss.Ptr("CAEQnope")})
			return err
		}, 404, "NoSuchVersion", "0026-00000001", ""},
		{"NoSuchVersion of a copy source", func(c *oss.Client, _ *errorFixture) error {
			_, err := c.CopyObject(ctx, &oss.CopyObjectRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr("c"), SourceBucket: oss.Ptr("src"),
				SourceKey: oss.Ptr("obj"), SourceVersionId: oss.Ptr("CAEQnope")})
			return err
		}, 404, "NoSuchVersion", "0012-00000203", ""},
		{"NoSuchKey for a copy source version that is a delete marker", func(c *oss.Client, f *errorFixture) error {
			if err := f.srv.SetBucketVersioning("src", true); err != nil {
				return err
			}
			del, err := c.DeleteObject(ctx, &oss.DeleteObjectRequest{Bucket: oss.Ptr("src"), Key: oss.Ptr("obj")})
			if err != nil {
				return err
			}
			_, err = c.CopyObject(ctx, &oss.CopyObjectRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr("c"), SourceBucket: oss.Ptr("src"),
				SourceKey: oss.Ptr("obj"), SourceVersionId: del.VersionId})
			return err
		}, 404, "NoSuchKey", "0016-00000307", ""},
		{"InvalidRequest for an UploadPartCopy source version that is a delete marker", func(c *oss.Client, f *errorFixture) error {
			// OSS's UploadPartCopy reference: 400 Bad Request, where CopyObject
			// answers 404.
			if err := f.srv.SetBucketVersioning("src", true); err != nil {
				return err
			}
			del, err := c.DeleteObject(ctx, &oss.DeleteObjectRequest{Bucket: oss.Ptr("src"), Key: oss.Ptr("obj")})
			if err != nil {
				return err
			}
			return f.partCopy(c, "src", func(r *oss.UploadPartCopyRequest) { r.SourceVersionId = del.VersionId })
		}, 400, "InvalidRequest", "", "The version ID in x-oss-copy-source names a delete marker, which cannot be copied."},
		{"InvalidArgument for a copy source without its leading slash", func(c *oss.Client, f *errorFixture) error {
			return f.partCopy(c, "src", func(r *oss.UploadPartCopyRequest) {
				r.Headers = map[string]string{"x-oss-copy-source": "src/obj"}
			})
		}, 400, "InvalidArgument", "0042-00000301", "Copy Source must mention the source bucket and key: /sourcebucket/sourcekey."},
		{"InvalidArgument for a CopyObject source without its leading slash", func(c *oss.Client, _ *errorFixture) error {
			_, err := c.CopyObject(ctx, &oss.CopyObjectRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr("c"), SourceBucket: oss.Ptr("src"),
				SourceKey: oss.Ptr("obj"), RequestCommon: oss.RequestCommon{Headers: map[string]string{"x-oss-copy-source": "src/obj"}}})
			return err
		}, 400, "InvalidArgument", "", ""},
		{"InvalidArgument for a CopyObject source version ID that is not one", func(c *oss.Client, _ *errorFixture) error {
			_, err := c.CopyObject(ctx, &oss.CopyObjectRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr("c"), SourceBucket: oss.Ptr("src"),
				SourceKey: oss.Ptr("obj"), SourceVersionId: oss.Ptr("%%%QNRi")})
			return err
		}, 400, "InvalidArgument", "0012-00000202", "The version ID in x-oss-copy-source is invalid."},
		{"InvalidArgument for a CopyObject source with an empty version ID", func(c *oss.Client, _ *errorFixture) error {
			_, err := c.CopyObject(ctx, &oss.CopyObjectRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr("c"), SourceBucket: oss.Ptr("src"),
				SourceKey: oss.Ptr("obj"), RequestCommon: oss.RequestCommon{Headers: map[string]string{"x-oss-copy-source": "/src/obj?versionId="}}})
			return err
		}, 400, "InvalidArgument", "0016-00000305", ""},
		{"InvalidArgument for a CopyObject source with an unknown parameter", func(c *oss.Client, _ *errorFixture) error {
			_, err := c.CopyObject(ctx, &oss.CopyObjectRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr("c"), SourceBucket: oss.Ptr("src"),
				SourceKey: oss.Ptr("obj"), RequestCommon: oss.RequestCommon{Headers: map[string]string{"x-oss-copy-source": "/src/obj?unknown=xxx"}}})
			return err
		}, 400, "InvalidArgument", "0016-00000304", ""},
		{"InvalidArgument for an UploadPartCopy source with an unknown parameter", func(c *oss.Client, f *errorFixture) error {
			return f.partCopy(c, "src", func(r *oss.UploadPartCopyRequest) {
				r.Headers = map[string]string{"x-oss-copy-source": "/src/obj?unknown=xxx"}
			})
		}, 400, "InvalidArgument", "", ""},
		{"InvalidArgument for complete-all with a part list", func(c *oss.Client, f *errorFixture) error {
			_, err := c.CompleteMultipartUpload(ctx, &oss.CompleteMultipartUploadRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr("mp"),
				UploadId: f.uploadID, CompleteAll: oss.Ptr("yes"), CompleteMultipartUpload: &oss.CompleteMultipartUpload{Parts: f.parts}})
			return err
		}, 400, "InvalidArgument", "0042-00000216", "Should not speficy both complete all header and http body."},
		{"EntityTooLarge for a body above 5 GiB", func(c *oss.Client, _ *errorFixture) error {
			// Expect: 100-continue, so the refused body is never sent.
			_, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("src"), Key: oss.Ptr("huge"),
				ContentLength: oss.Ptr(int64(5<<30 + 1)), Body: io.LimitReader(zeros{}, 5<<30+1),
				RequestCommon: oss.RequestCommon{Headers: map[string]string{"Expect": "100-continue"}}})
			return err
		}, 400, "EntityTooLarge", "0017-00000102", "Your proposed upload exceeds the maximum allowed size."},
		{"EntityTooLarge for an XML body above its limit", func(c *oss.Client, _ *errorFixture) error {
			// The SDK's own request types cannot carry such a body.
			_, err := c.InvokeOperation(ctx, &oss.OperationInput{OpName: "PutBucketVersioning", Method: "PUT", Bucket: oss.Ptr("src"),
				Parameters: map[string]string{"versioning": ""}, Body: bytes.NewReader(make([]byte, 5<<20))})
			return err
		}, 400, "EntityTooLarge", "0017-00000501", ""},
		{"EntityTooLarge from CopyObject", func(c *oss.Client, f *errorFixture) error {
			if _, err := f.srv.PutGeneratedObject("src", "huge", 5<<30+1, 1, nil); err != nil {
				return err
			}
			_, err := c.CopyObject(ctx, &oss.CopyObjectRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr("c"), SourceBucket: oss.Ptr("src"), SourceKey: oss.Ptr("huge")})
			return err
		}, 400, "EntityTooLarge", "", "Source object Length exceeds the maximum allowed size."},
		{"InvalidArgument for a storage class", func(c *oss.Client, _ *errorFixture) error {
			_, err := c.CopyObject(ctx, &oss.CopyObjectRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr("c"), SourceBucket: oss.Ptr("src"),
				SourceKey: oss.Ptr("obj"), StorageClass: "Warm"})
			return err
		}, 400, "InvalidArgument", "0013-00000101", "The storage class you specified is not valid."},
		{"InvalidArgument for PutObjectAcl without an ACL", func(c *oss.Client, _ *errorFixture) error {
			// The SDK refuses to send PutObjectAcl without x-oss-object-acl.
			_, err := c.InvokeOperation(ctx, &oss.OperationInput{OpName: "PutObjectAcl", Method: "PUT", Bucket: oss.Ptr("src"),
				Key: oss.Ptr("obj"), Parameters: map[string]string{"acl": ""}})
			return err
		}, 400, "InvalidArgument", "0017-00000105", ""},
		{"InvalidArgument for a tag with two '='", func(c *oss.Client, _ *errorFixture) error {
			_, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("src"), Key: oss.Ptr("t"), Body: strings.NewReader("x"),
				Tagging: oss.Ptr("aa=bb=cc")})
			return err
		}, 400, "InvalidArgument", "0010-00000219", "The tagging header is invalid."},
		{"InvalidPart", func(c *oss.Client, f *errorFixture) error {
			return f.complete(c, []oss.UploadPart{f.parts[0], {PartNumber: 2, ETag: oss.Ptr(`"0123456789ABCDEF0123456789ABCDEF"`)}}, false)
		}, 400, "InvalidPart", "", ""},
		{"InvalidPartOrder", func(c *oss.Client, f *errorFixture) error {
			// The SDK sorts the part list, so only a repeated number is out of order.
			return f.complete(c, []oss.UploadPart{f.parts[1], f.parts[1]}, false)
		}, 400, "InvalidPartOrder", "0042-00000209", ""},
		{"EntityTooSmall", func(c *oss.Client, f *errorFixture) error {
			return f.complete(c, f.parts, false)
		}, 400, "EntityTooSmall", "0042-00000213", ""},
		{"InvalidArgument part number", func(c *oss.Client, _ *errorFixture) error {
			_, err := c.UploadPart(ctx, &oss.UploadPartRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr("mp"), UploadId: oss.Ptr("NOPE"),
				PartNumber: 10001, Body: strings.NewReader("x")})
			return err
		}, 400, "InvalidArgument", "0017-00000220", "Part number must be an integer between 1 and 10000, inclusive."},
		{"MalformedXML", func(c *oss.Client, _ *errorFixture) error {
			_, err := c.PutBucketVersioning(ctx, &oss.PutBucketVersioningRequest{Bucket: oss.Ptr("src"),
				VersioningConfiguration: &oss.VersioningConfiguration{Status: "Sometimes"}})
			return err
		}, 400, "MalformedXML", "0016-00000608", ""},
		{"InvalidDigest", func(c *oss.Client, _ *errorFixture) error {
			_, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("src"), Key: oss.Ptr("d"), Body: strings.NewReader("body"),
				ContentMD5: oss.Ptr(contentMD5([]byte("other")))})
			return err
		}, 400, "InvalidDigest", "0017-00000503", ""},
		{"InvalidObjectName", func(c *oss.Client, _ *errorFixture) error {
			_, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("src"), Key: oss.Ptr(`\leading-backslash`), Body: strings.NewReader("x")})
			return err
		}, 400, "InvalidObjectName", "0016-00000005", "The specified object is not valid."},
		{"InvalidObjectName too long", func(c *oss.Client, _ *errorFixture) error {
			_, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("src"), Key: oss.Ptr(strings.Repeat("k", 1024)), Body: strings.NewReader("x")})
			return err
		}, 400, "InvalidObjectName", "0016-00000003", ""},
		{"AccessDenied across regions", func(c *oss.Client, f *errorFixture) error {
			return f.partCopy(c, "far", nil)
		}, 403, "AccessDenied", "", "Target object does not reside in the same data center as source object."},
		{"AccessDenied across regions, CopyObject", func(c *oss.Client, _ *errorFixture) error {
			_, err := c.CopyObject(ctx, &oss.CopyObjectRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr("c"), SourceBucket: oss.Ptr("far"), SourceKey: oss.Ptr("obj")})
			return err
		}, 403, "AccessDenied", "0016-00000306", "Target object does not reside in the same data center as source object."},
		{"FileAlreadyExists", func(c *oss.Client, _ *errorFixture) error {
			_, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("src"), Key: oss.Ptr("obj"), Body: strings.NewReader("x"), ForbidOverwrite: oss.Ptr("true")})
			return err
		}, 409, "FileAlreadyExists", "0026-00000201", "The object you specified already exists and can not be overwritten."},
		{"FileAlreadyExists on CopyObject", func(c *oss.Client, _ *errorFixture) error {
			_, err := c.CopyObject(ctx, &oss.CopyObjectRequest{Bucket: oss.Ptr("src"), Key: oss.Ptr("obj"), SourceKey: oss.Ptr("obj"), ForbidOverwrite: oss.Ptr("true")})
			return err
		}, 409, "FileAlreadyExists", "0026-00000201", ""},
		{"FileAlreadyExists on Complete", func(c *oss.Client, f *errorFixture) error {
			if _, err := f.srv.PutObject("dst", "mp", []byte("exists"), nil); err != nil {
				return err
			}
			return f.complete(c, f.parts[1:], true)
		}, 409, "FileAlreadyExists", "0042-00000214", ""},
		{"FileImmutable on overwrite", func(c *oss.Client, _ *errorFixture) error {
			_, err := c.PutObject(ctx, &oss.PutObjectRequest{Bucket: oss.Ptr("worm"), Key: oss.Ptr("locked"), Body: strings.NewReader("x")})
			return err
		}, 409, "FileImmutable", "0026-00000202", "The object you specified is immutable."},
		{"FileImmutable on delete", func(c *oss.Client, _ *errorFixture) error {
			_, err := c.DeleteObject(ctx, &oss.DeleteObjectRequest{Bucket: oss.Ptr("worm"), Key: oss.Ptr("locked")})
			return err
		}, 409, "FileImmutable", "0026-00000202", "The object you specified is immutable."},
		{"FileImmutable copying from retention", func(c *oss.Client, f *errorFixture) error {
			return f.partCopy(c, "worm", func(r *oss.UploadPartCopyRequest) { r.SourceKey = oss.Ptr("locked") })
		}, 409, "FileImmutable", "", "The object you specified is immutable."},
		{"FileImmutable copying into retention", func(c *oss.Client, _ *errorFixture) error {
			_, err := c.CopyObject(ctx, &oss.CopyObjectRequest{Bucket: oss.Ptr("worm"), Key: oss.Ptr("new"), SourceBucket: oss.Ptr("src"), SourceKey: oss.Ptr("obj")})
			return err
		}, 409, "FileImmutable", "", "The object you specified is immutable."},
		{"PreconditionFailed if-match", func(c *oss.Client, f *errorFixture) error {
			return f.partCopy(c, "src", func(r *oss.UploadPartCopyRequest) { r.IfMatch = oss.Ptr(`"0123456789ABCDEF0123456789ABCDEF"`) })
		}, 412, "PreconditionFailed", "0017-00001001", "At least one of the pre-conditions you specified did not hold"},
		{"PreconditionFailed if-unmodified-since", func(c *oss.Client, f *errorFixture) error {
			return f.partCopy(c, "src", func(r *oss.UploadPartCopyRequest) { r.IfUnmodifiedSince = oss.Ptr(past) })
		}, 412, "PreconditionFailed", "0017-00001001", ""},
		{"PreconditionFailed on HEAD", func(c *oss.Client, _ *errorFixture) error {
			_, err := c.HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("src"), Key: oss.Ptr("obj"), IfMatch: oss.Ptr(`"nope"`)})
			return err
		}, 412, "PreconditionFailed", "0017-00001001", ""},
		{"NotModified if-none-match", func(c *oss.Client, f *errorFixture) error {
			return f.partCopy(c, "src", func(r *oss.UploadPartCopyRequest) { r.IfNoneMatch = oss.Ptr(f.srcETag) })
		}, 304, "", "", ""},
		{"NotModified if-modified-since", func(c *oss.Client, f *errorFixture) error {
			_, err := c.CopyObject(ctx, &oss.CopyObjectRequest{Bucket: oss.Ptr("dst"), Key: oss.Ptr("c"), SourceBucket: oss.Ptr("src"),
				SourceKey: oss.Ptr("obj"), IfModifiedSince: oss.Ptr(time.Now().Add(time.Hour).UTC().Format(http.TimeFormat))})
			return err
		}, 304, "", "", ""},
		{"InvalidRange", func(c *oss.Client, _ *errorFixture) error {
			_, err := c.GetObject(ctx, &oss.GetObjectRequest{Bucket: oss.Ptr("worm"), Key: oss.Ptr("locked"), Range: oss.Ptr("bytes=100-200"),
				RangeBehavior: oss.Ptr("standard")})
			return err
		}, 416, "InvalidRange", "", ""},
		{"BucketNotEmpty", func(c *oss.Client, _ *errorFixture) error {
			_, err := c.DeleteBucket(ctx, &oss.DeleteBucketRequest{Bucket: oss.Ptr("src")})
			return err
		}, 409, "BucketNotEmpty", "0015-00000301", "The bucket has objects. Please delete them first."},
		{"InvalidAccessKeyId", func(_ *oss.Client, f *errorFixture) error {
			_, err := f.clientFor("LTAInobody", "secret").GetBucketInfo(ctx, &oss.GetBucketInfoRequest{Bucket: oss.Ptr("src")})
			return err
		}, 403, "InvalidAccessKeyId", "0002-00000902", "The OSS Access Key Id you provided does not exist in our records."},
		{"SignatureDoesNotMatch", func(_ *oss.Client, f *errorFixture) error {
			id, _ := f.srv.Credentials()
			_, err := f.clientFor(id, "wrong").HeadObject(ctx, &oss.HeadObjectRequest{Bucket: oss.Ptr("src"), Key: oss.Ptr("obj")})
			return err
		}, 403, "SignatureDoesNotMatch", "0002-00000040", ""},
		{"RequestTimeTooSkewed", func(c *oss.Client, f *errorFixture) error {
			f.srv.SetClockSkew(-20 * time.Minute)
			defer f.srv.SetClockSkew(0)
			_, err := c.GetBucketInfo(ctx, &oss.GetBucketInfoRequest{Bucket: oss.Ptr("src")})
			return err
		}, 403, "RequestTimeTooSkewed", "0002-00000504", "The difference between the request time and the current time is too large."},
	}
	for name, version := range signatureVersions {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for _, tc := range testCases {
				t.Run(tc.name, func(t *testing.T) {
					srv := ossemu.NewTestServer(t)
					c := newClient(t, srv, version)
					err := tc.call(c, newErrorFixture(t, c, srv, version))
					if err == nil {
						t.Fatalf("want %d %s, got success", tc.status, tc.code)
					}
					se := serviceError(t, err)
					if se.StatusCode != tc.status || tc.code != "" && se.Code != tc.code || se.EC != tc.ec {
						t.Errorf("got %d %s EC %q, want %d %s EC %q (%s)", se.StatusCode, se.Code, se.EC, tc.status, tc.code, tc.ec, se.Message)
					}
					if tc.message != "" && se.Message != tc.message {
						t.Errorf("message %q, want %q", se.Message, tc.message)
					}
					if tc.status != http.StatusNotModified && se.RequestID == "" {
						t.Error("no request ID")
					}
				})
			}
		})
	}
}

func TestInvalidBucketName(t *testing.T) {
	srv := ossemu.NewTestServer(t)
	// The SDK refuses such names itself, so this one goes over plain HTTP.
	for _, name := range []string{"ab", "Upper", "-dash", "dash-", "under_score", strings.Repeat("a", 64)} {
		resp := must[*http.Response](t)(http.Get(srv.Endpoint() + "/" + name + "/key"))
		body := readAll(t, resp.Body)
		if resp.StatusCode != 400 || !strings.Contains(body, "<Code>InvalidBucketName</Code>") || resp.Header.Get("x-oss-ec") != "0015-00000001" {
			t.Errorf("bucket %q: %d %s", name, resp.StatusCode, body)
		}
	}
	if err := srv.CreateBucket("ok-name-1", ""); err != nil {
		t.Errorf("a valid name was refused: %v", err)
	}
}

// zeros reads as an endless run of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
