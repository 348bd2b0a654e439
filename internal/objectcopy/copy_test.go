package objectcopy_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc64"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossprovider/terraform-provider-oss/internal/objectcopy"
	"github.com/ossprovider/terraform-provider-oss/internal/ossemu"
)

const (
	srcBucket = "source-bucket"
	dstBucket = "destination-bucket"
	// partSize is the smallest part OSS allows, so that multi-part tests
	// stay small.
	partSize = objectcopy.MinPartSize
)

// newEnv starts an emulator with a source and a destination bucket and
// returns it with an SDK client configured as a user would.
func newEnv(t *testing.T) (*ossemu.Server, *oss.Client) {
	t.Helper()
	srv := ossemu.NewTestServer(t)
	for _, b := range []string{srcBucket, dstBucket} {
		if err := srv.CreateBucket(b, ""); err != nil {
			t.Fatal(err)
		}
	}
	return srv, oss.NewClient(srv.ClientConfig())
}

func randomBytes(n int64, seed uint64) []byte {
	var key [32]byte
	key[0], key[1] = byte(seed), byte(seed>>8)
	b := make([]byte, n)
	_, _ = rand.NewChaCha8(key).Read(b)
	return b
}

func putSource(t *testing.T, srv *ossemu.Server, key string, data []byte, h http.Header) ossemu.ObjectInfo {
	t.Helper()
	info, err := srv.PutObject(srcBucket, key, data, h)
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// overwriteSource replaces the source object "k" from a goroutine other
// than the test's, where t.Fatal must not be called.
func overwriteSource(t *testing.T, srv *ossemu.Server, data []byte) {
	if _, err := srv.PutObject(srcBucket, "k", data, nil); err != nil {
		t.Error(err)
	}
}

func readObject(t *testing.T, srv *ossemu.Server, bucket, key, versionID string) []byte {
	t.Helper()
	rc, err := srv.OpenObject(bucket, key, versionID)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// multipartETag is the ETag OSS gives an object completed from parts of
// data cut at partSize.
func multipartETag(data []byte, partSize int64) string {
	var etags strings.Builder
	n := 0
	for off := int64(0); off < int64(len(data)); off += partSize {
		sum := md5.Sum(data[off:min(off+partSize, int64(len(data)))])
		etags.WriteString(strings.ToUpper(hex.EncodeToString(sum[:])))
		n++
	}
	sum := md5.Sum([]byte(etags.String()))
	return fmt.Sprintf(`"%s-%d"`, strings.ToUpper(hex.EncodeToString(sum[:])), n)
}

func assertNoUploads(t *testing.T, srv *ossemu.Server) {
	t.Helper()
	if ups := srv.Uploads(); len(ups) != 0 {
		t.Errorf("multipart uploads left behind: %+v", ups)
	}
}

func assertNoObject(t *testing.T, srv *ossemu.Server, key string) {
	t.Helper()
	if info, err := srv.HeadObject(dstBucket, key, ""); !errors.Is(err, ossemu.ErrNotFound) {
		t.Errorf("destination exists after a failed copy (%+v, %v)", info, err)
	}
}

// assertCopied checks that the destination holds exactly the source's bytes
// and that the result describes it.
func assertCopied(t *testing.T, srv *ossemu.Server, res *objectcopy.Result, src []byte, key string) ossemu.ObjectInfo {
	t.Helper()
	dst, err := srv.HeadObject(dstBucket, key, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := readObject(t, srv, dstBucket, key, ""); !bytes.Equal(got, src) {
		t.Fatalf("destination has %d bytes that differ from the source's %d", len(got), len(src))
	}
	wantCRC := crc64.Checksum(src, crc64.MakeTable(crc64.ECMA))
	if dst.CRC64 != wantCRC || res.CRC64 != wantCRC || !res.HasCRC64 {
		t.Errorf("CRC64: destination %d, result %d (reported: %t), want %d", dst.CRC64, res.CRC64, res.HasCRC64, wantCRC)
	}
	if res.ETag != dst.ETag || res.Size != int64(len(src)) || res.Size != dst.Size || res.VersionID != dst.VersionID {
		t.Errorf("result %+v does not describe the destination %+v", res, dst)
	}
	// Only a HeadObject tells a multipart copy's LastModified and the
	// storage class a bucket default gave it (Params.Describe).
	undescribed := res.Parts > 0 && res.LastModified.IsZero()
	// HTTP dates have whole seconds.
	if (!undescribed && !res.LastModified.Equal(dst.LastModified.Truncate(time.Second))) || res.ContentType != dst.ContentType {
		t.Errorf("result LastModified %v, ContentType %q; destination %v, %q", res.LastModified, res.ContentType, dst.LastModified, dst.ContentType)
	}
	sse, kmsKey := dst.Header.Get("X-Oss-Server-Side-Encryption"), dst.Header.Get("X-Oss-Server-Side-Encryption-Key-Id")
	if (res.StorageClass != dst.StorageClass && (!undescribed || res.StorageClass != "")) || res.ServerSideEncryption != sse || res.KMSKeyID != kmsKey {
		t.Errorf("result storage class %q, SSE %q, KMS key %q; destination %q, %q, %q",
			res.StorageClass, res.ServerSideEncryption, res.KMSKeyID, dst.StorageClass, sse, kmsKey)
	}
	assertNoUploads(t, srv)
	return dst
}

func TestCopy_Sizes(t *testing.T) {
	t.Parallel()

	testCases := map[string]struct {
		size      int64
		partSize  int64
		wantParts int // 0: a single CopyObject
	}{
		"zero bytes":                     {size: 0},
		"zero bytes, part size given":    {size: 0, partSize: partSize},
		"one byte":                       {size: 1},
		"one byte, part size given":      {size: 1, partSize: partSize, wantParts: 1},
		"exactly one part":               {size: partSize, partSize: partSize, wantParts: 1},
		"one byte over one part":         {size: partSize + 1, partSize: partSize, wantParts: 2},
		"one byte under three parts":     {size: 3*partSize - 1, partSize: partSize, wantParts: 3},
		"exactly three parts":            {size: 3 * partSize, partSize: partSize, wantParts: 3},
		"automatic, largest single copy": {size: 16 << 20},
		"automatic, multipart":           {size: 16<<20 + 1, wantParts: objectcopy.DefaultParallelism},
	}

	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, c := newEnv(t)
			data := randomBytes(tc.size, 1)
			src := putSource(t, srv, "src/object.bin", data, nil)

			res, err := objectcopy.Copy(context.Background(), c, objectcopy.Params{
				SourceBucket: srcBucket, SourceKey: "src/object.bin",
				Bucket: dstBucket, Key: "dst/object.bin",
				PartSize: tc.partSize,
			})
			if err != nil {
				t.Fatal(err)
			}
			assertCopied(t, srv, res, data, "dst/object.bin")
			if res.Parts != tc.wantParts {
				t.Errorf("copied in %d parts, want %d", res.Parts, tc.wantParts)
			}
			if res.Source.ETag != src.ETag || res.Source.Size != tc.size || res.Source.CRC64 != src.CRC64 {
				t.Errorf("result source %+v, want the source %+v", res.Source, src)
			}
			if got := srv.RequestCount("UploadPartCopy"); got != tc.wantParts {
				t.Errorf("%d UploadPartCopy requests, want %d", got, tc.wantParts)
			}
			wantETag := src.ETag
			if tc.wantParts > 0 {
				ps := tc.partSize
				if ps == 0 {
					ps = objectcopy.AutoPartSize(tc.size)
				}
				wantETag = multipartETag(data, ps)
			}
			if res.ETag != wantETag {
				t.Errorf("ETag %s, want %s", res.ETag, wantETag)
			}
		})
	}
}

func TestCopy_ManyPartsParallel(t *testing.T) {
	t.Parallel()
	srv, c := newEnv(t)
	data := randomBytes(40*partSize+12345, 2)
	putSource(t, srv, "big", data, nil)

	res, err := objectcopy.Copy(context.Background(), c, objectcopy.Params{
		SourceBucket: srcBucket, SourceKey: "big", Bucket: dstBucket, Key: "big",
		PartSize: partSize, Parallelism: 7,
	})
	if err != nil {
		t.Fatal(err)
	}
	assertCopied(t, srv, res, data, "big")
	if res.Parts != 41 || res.ETag != multipartETag(data, partSize) {
		t.Errorf("%d parts, ETag %s; want 41 parts, ETag %s", res.Parts, res.ETag, multipartETag(data, partSize))
	}
}

// sourceHeaders describe an encrypted source. Its encryption is not
// metadata: neither directive carries it over to the copy, which is encrypted
// only as Params say (OSS's CopyObject reference, x-oss-metadata-directive).
func sourceHeaders() http.Header {
	return http.Header{
		"X-Oss-Server-Side-Encryption":        {"KMS"},
		"X-Oss-Server-Side-Encryption-Key-Id": {"key-1"},
		"Content-Type":                        {"application/x-custom"},
		"Cache-Control":                       {"max-age=60"},
		"Content-Disposition":                 {`attachment; filename="a.txt"`},
		"Content-Encoding":                    {"identity"},
		"Content-Language":                    {"fr"},
		"Expires":                             {"Wed, 21 Oct 2015 07:28:00 GMT"},
		"X-Oss-Meta-Owner":                    {"alice"},
		"X-Oss-Meta-Purpose":                  {"test data"},
		"X-Oss-Tagging":                       {"team=storage&note=a%20b%2Bc"},
	}
}

func TestCopy_Metadata(t *testing.T) {
	t.Parallel()

	testCases := map[string]struct {
		params      objectcopy.Params
		wantHeaders map[string]string
		wantMeta    map[string]string
		wantTags    map[string]string
	}{
		"copy": {
			wantHeaders: map[string]string{
				"Content-Type": "application/x-custom", "Cache-Control": "max-age=60",
				"Content-Disposition": `attachment; filename="a.txt"`, "Content-Encoding": "identity",
				"Content-Language": "fr", "Expires": "Wed, 21 Oct 2015 07:28:00 GMT",
				"X-Oss-Server-Side-Encryption": "", "X-Oss-Server-Side-Encryption-Key-Id": "",
			},
			wantMeta: map[string]string{"owner": "alice", "purpose": "test data"},
			wantTags: map[string]string{"team": "storage", "note": "a b+c"},
		},
		"replace": {
			params: objectcopy.Params{
				MetadataDirective: "REPLACE", ContentHeaders: objectcopy.ContentHeaders{
					ContentType: "text/csv", CacheControl: "no-cache", ContentDisposition: "inline",
					ContentEncoding: "gzip", Expires: "Thu, 01 Jan 2037 00:00:00 GMT",
					Metadata: map[string]string{"owner": "bob"},
				},
				TaggingDirective: "REPLACE", Tags: map[string]string{"env": "prod & test", "k=1": "v?2"},
			},
			wantHeaders: map[string]string{
				"Content-Type": "text/csv", "Cache-Control": "no-cache", "Content-Disposition": "inline",
				"Content-Encoding": "gzip", "Content-Language": "", "Expires": "Thu, 01 Jan 2037 00:00:00 GMT",
				"X-Oss-Server-Side-Encryption": "", "X-Oss-Server-Side-Encryption-Key-Id": "",
			},
			wantMeta: map[string]string{"owner": "bob"},
			wantTags: map[string]string{"env": "prod & test", "k=1": "v?2"},
		},
	}

	for name, tc := range testCases {
		for _, path := range []struct {
			name      string
			partSize  int64
			wantParts int
		}{{"single request", 0, 0}, {"multipart", partSize, 3}} {
			t.Run(name+", "+path.name, func(t *testing.T) {
				t.Parallel()
				srv, c := newEnv(t)
				data := randomBytes(3*partSize, 3)
				putSource(t, srv, "report.txt", data, sourceHeaders())

				p := tc.params
				p.SourceBucket, p.SourceKey, p.Bucket, p.Key = srcBucket, "report.txt", dstBucket, "copy.txt"
				p.PartSize = path.partSize
				res, err := objectcopy.Copy(context.Background(), c, p)
				if err != nil {
					t.Fatal(err)
				}
				dst := assertCopied(t, srv, res, data, "copy.txt")
				if res.Parts != path.wantParts {
					t.Errorf("copied in %d parts, want %d", res.Parts, path.wantParts)
				}
				for h, want := range tc.wantHeaders {
					if got := dst.Header.Get(h); got != want {
						t.Errorf("%s = %q, want %q", h, got, want)
					}
				}
				if fmt.Sprint(dst.Metadata) != fmt.Sprint(tc.wantMeta) {
					t.Errorf("metadata %v, want %v", dst.Metadata, tc.wantMeta)
				}
				if fmt.Sprint(dst.Tags) != fmt.Sprint(tc.wantTags) {
					t.Errorf("tags %v, want %v", dst.Tags, tc.wantTags)
				}
			})
		}
	}
}

func TestCopy_ACLStorageClassEncryption(t *testing.T) {
	t.Parallel()
	for _, ps := range []int64{0, partSize} {
		t.Run(fmt.Sprint("part size ", ps), func(t *testing.T) {
			t.Parallel()
			srv, c := newEnv(t)
			data := randomBytes(2*partSize, 4)
			putSource(t, srv, "k", data, nil)

			res, err := objectcopy.Copy(context.Background(), c, objectcopy.Params{
				SourceBucket: srcBucket, SourceKey: "k", Bucket: dstBucket, Key: "k", PartSize: ps,
				ACL: "public-read", StorageClass: "IA", ServerSideEncryption: "KMS", KMSKeyID: "key-1",
			})
			if err != nil {
				t.Fatal(err)
			}
			dst := assertCopied(t, srv, res, data, "k")
			if dst.ACL != "public-read" || dst.StorageClass != "IA" {
				t.Errorf("ACL %q, storage class %q; want public-read, IA", dst.ACL, dst.StorageClass)
			}
			sse, key := dst.Header.Get("X-Oss-Server-Side-Encryption"), dst.Header.Get("X-Oss-Server-Side-Encryption-Key-Id")
			if sse != "KMS" || key != "key-1" {
				t.Errorf("SSE %q with key %q, want KMS with key-1", sse, key)
			}
		})
	}
}

func TestCopy_VersionedSource(t *testing.T) {
	t.Parallel()
	srv, c := newEnv(t)
	if err := srv.SetBucketVersioning(srcBucket, true); err != nil {
		t.Fatal(err)
	}
	old := randomBytes(3*partSize, 5)
	v1 := putSource(t, srv, "k", old, nil)
	putSource(t, srv, "k", randomBytes(2*partSize, 6), nil)

	res, err := objectcopy.Copy(context.Background(), c, objectcopy.Params{
		SourceBucket: srcBucket, SourceKey: "k", SourceVersionID: v1.VersionID,
		Bucket: dstBucket, Key: "k", PartSize: partSize,
	})
	if err != nil {
		t.Fatal(err)
	}
	assertCopied(t, srv, res, old, "k")
	if res.Source.VersionID != v1.VersionID || res.Source.ETag != v1.ETag {
		t.Errorf("copied source version %q (ETag %s), want %q (%s)", res.Source.VersionID, res.Source.ETag, v1.VersionID, v1.ETag)
	}
}

// TestCopy_SourceVersionIsDeleteMarker pins a version that is a delete
// marker: the copy fails at the HeadObject of the source, whose error names
// the source, before any request could copy from it (OSS would refuse an
// UploadPartCopy of it with 400 and a CopyObject with 404).
func TestCopy_SourceVersionIsDeleteMarker(t *testing.T) {
	t.Parallel()

	for name, size := range map[string]int64{"single request": 0, "multipart": partSize} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, c := newEnv(t)
			if err := srv.SetBucketVersioning(srcBucket, true); err != nil {
				t.Fatal(err)
			}
			putSource(t, srv, "k", randomBytes(2*partSize, 7), nil)
			del, err := c.DeleteObject(context.Background(), &oss.DeleteObjectRequest{Bucket: oss.Ptr(srcBucket), Key: oss.Ptr("k")})
			if err != nil {
				t.Fatal(err)
			}

			_, err = objectcopy.Copy(context.Background(), c, objectcopy.Params{
				SourceBucket: srcBucket, SourceKey: "k", SourceVersionID: oss.ToString(del.VersionId),
				Bucket: dstBucket, Key: "k", PartSize: size,
			})
			var e *objectcopy.Error
			if !errors.As(err, &e) || e.Op != "HeadObject" || e.Bucket != srcBucket || e.Key != "k" {
				t.Fatalf("error %v, want a failed HeadObject of oss://%s/k", err, srcBucket)
			}
			var se *oss.ServiceError
			if !errors.As(err, &se) || se.StatusCode != http.StatusMethodNotAllowed || se.Code != "MethodNotAllowed" {
				t.Errorf("error %v, want OSS's 405 MethodNotAllowed", err)
			}
			if n := srv.RequestCount("UploadPartCopy") + srv.RequestCount("CopyObject") + srv.RequestCount("InitiateMultipartUpload"); n != 0 {
				t.Errorf("%d copy requests sent, want none", n)
			}
			assertNoObject(t, srv, "k")
			assertNoUploads(t, srv)
		})
	}
}

func TestCopy_VersionedDestination(t *testing.T) {
	t.Parallel()
	srv, c := newEnv(t)
	if err := srv.SetBucketVersioning(dstBucket, true); err != nil {
		t.Fatal(err)
	}
	data := randomBytes(2*partSize, 7)
	putSource(t, srv, "k", data, nil)
	for _, ps := range []int64{0, partSize} {
		res, err := objectcopy.Copy(context.Background(), c, objectcopy.Params{
			SourceBucket: srcBucket, SourceKey: "k", Bucket: dstBucket, Key: "k", PartSize: ps,
		})
		if err != nil {
			t.Fatal(err)
		}
		if res.VersionID == "" {
			t.Fatalf("no version ID for a copy into a versioned bucket")
		}
		assertCopied(t, srv, res, data, "k")
	}
}

// hookLogger runs fn once, when the first part has been copied: a seam to
// act in the middle of a copy without timing guesses.
type hookLogger struct {
	once sync.Once
	fn   func()
}

func (h *hookLogger) Info(msg string, _ map[string]any) { h.hook(msg) }

func (h *hookLogger) Debug(msg string, _ map[string]any) { h.hook(msg) }

func (h *hookLogger) hook(msg string) {
	if msg == "part copied" || msg == "copy progress" {
		h.once.Do(h.fn)
	}
}

func TestCopy_SourceChangesDuringCopy(t *testing.T) {
	t.Parallel()

	for name, versioned := range map[string]bool{"unversioned source": false, "versioned source": true} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, c := newEnv(t)
			if err := srv.SetBucketVersioning(srcBucket, versioned); err != nil {
				t.Fatal(err)
			}
			data := randomBytes(4*partSize, 8)
			putSource(t, srv, "k", data, nil)

			res, err := objectcopy.Copy(context.Background(), c, objectcopy.Params{
				SourceBucket: srcBucket, SourceKey: "k", Bucket: dstBucket, Key: "k",
				PartSize: partSize, Parallelism: 1,
				Logger: &hookLogger{fn: func() { overwriteSource(t, srv, randomBytes(4*partSize, 9)) }},
			})
			if versioned {
				// The parts are pinned to the version found first, which
				// still exists: the copy is that version, whole.
				if err != nil {
					t.Fatal(err)
				}
				assertCopied(t, srv, res, data, "k")
				return
			}
			if !errors.Is(err, objectcopy.ErrSourceChanged) {
				t.Fatalf("error %v, want one wrapping ErrSourceChanged", err)
			}
			var se *oss.ServiceError
			if !errors.As(err, &se) || se.StatusCode != http.StatusPreconditionFailed {
				t.Errorf("error %v does not keep the 412 from OSS", err)
			}
			var e *objectcopy.Error
			if !errors.As(err, &e) || e.Op != "UploadPartCopy" || e.UploadID == "" || e.Bucket != dstBucket || e.Key != "k" {
				t.Errorf("error %#v does not name the failed part copy", e)
			}
			assertNoUploads(t, srv)
			assertNoObject(t, srv, "k")
		})
	}
}

func TestCopy_SourceDeletedDuringCopy(t *testing.T) {
	t.Parallel()
	srv, c := newEnv(t)
	if err := srv.SetBucketVersioning(srcBucket, true); err != nil {
		t.Fatal(err)
	}
	v := putSource(t, srv, "k", randomBytes(4*partSize, 10), nil)

	_, err := objectcopy.Copy(context.Background(), c, objectcopy.Params{
		SourceBucket: srcBucket, SourceKey: "k", Bucket: dstBucket, Key: "k",
		PartSize: partSize, Parallelism: 1,
		Logger: &hookLogger{fn: func() {
			_, err := c.DeleteObject(context.Background(), &oss.DeleteObjectRequest{
				Bucket: oss.Ptr(srcBucket), Key: oss.Ptr("k"), VersionId: oss.Ptr(v.VersionID),
			})
			if err != nil {
				t.Error(err)
			}
		}},
	})
	if !errors.Is(err, objectcopy.ErrSourceChanged) {
		t.Fatalf("error %v, want one wrapping ErrSourceChanged", err)
	}
	assertNoUploads(t, srv)
	assertNoObject(t, srv, "k")
}

func TestCopy_CancelAbortsUpload(t *testing.T) {
	t.Parallel()
	srv, c := newEnv(t)
	putSource(t, srv, "k", randomBytes(8*partSize, 11), nil)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := objectcopy.Copy(ctx, c, objectcopy.Params{
		SourceBucket: srcBucket, SourceKey: "k", Bucket: dstBucket, Key: "k",
		PartSize: partSize, Parallelism: 2,
		Logger: &hookLogger{fn: cancel},
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want one wrapping context.Canceled", err)
	}
	if srv.RequestCount("AbortMultipartUpload") != 1 {
		t.Errorf("%d AbortMultipartUpload requests, want 1", srv.RequestCount("AbortMultipartUpload"))
	}
	if n := srv.RequestCount("UploadPartCopy"); n >= 8 {
		t.Errorf("%d parts were copied after the cancellation", n)
	}
	assertNoUploads(t, srv)
	assertNoObject(t, srv, "k")
}

// A deadline that passes while parts are being copied ends the copy at once:
// the parts in flight are abandoned, not waited for, and the upload aborted.
func TestCopy_DeadlineDuringSlowParts(t *testing.T) {
	t.Parallel()
	srv, c := newEnv(t)
	const size = 64 << 20
	if _, err := srv.PutGeneratedObject(srcBucket, "k", size, 15, nil); err != nil {
		t.Fatal(err)
	}
	// Each 16 MiB part takes 4 s to copy.
	srv.SetPerformance(ossemu.Performance{CopyRate: 4 << 20})

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := objectcopy.Copy(ctx, c, objectcopy.Params{
		SourceBucket: srcBucket, SourceKey: "k", Bucket: dstBucket, Key: "k", PartSize: 16 << 20,
	})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want one wrapping context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Copy returned %v after it started, want it to stop at the 300ms deadline", d)
	}
	if n := srv.BytesCopied(); n >= size {
		t.Errorf("%d bytes copied, want the parts in flight abandoned", n)
	}
	assertNoUploads(t, srv)
	assertNoObject(t, srv, "k")
}

// Cancelled once every part is copied, the copy still must not complete.
func TestCopy_CancelAfterLastPart(t *testing.T) {
	t.Parallel()
	srv, c := newEnv(t)
	putSource(t, srv, "k", randomBytes(partSize, 14), nil)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := objectcopy.Copy(ctx, c, objectcopy.Params{
		SourceBucket: srcBucket, SourceKey: "k", Bucket: dstBucket, Key: "k",
		PartSize: partSize, Logger: &hookLogger{fn: cancel},
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want one wrapping context.Canceled", err)
	}
	if n := srv.RequestCount("CompleteMultipartUpload"); n != 0 {
		t.Errorf("%d CompleteMultipartUpload requests after the cancellation", n)
	}
	assertNoUploads(t, srv)
	assertNoObject(t, srv, "k")
}

func TestCopy_AlreadyCancelled(t *testing.T) {
	t.Parallel()
	srv, c := newEnv(t)
	putSource(t, srv, "k", randomBytes(10, 12), nil)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := objectcopy.Copy(ctx, c, objectcopy.Params{SourceBucket: srcBucket, SourceKey: "k", Bucket: dstBucket, Key: "k"})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want one wrapping context.Canceled", err)
	}
	assertNoObject(t, srv, "k")
}

func TestCopy_Errors(t *testing.T) {
	t.Parallel()

	testCases := map[string]struct {
		setup    func(t *testing.T, srv *ossemu.Server)
		params   objectcopy.Params
		single   bool // automatic part size: one CopyObject
		wantOp   string
		wantCode string
		wantEC   string // checked when set
	}{
		"missing source": {
			params: objectcopy.Params{SourceKey: "missing"},
			wantOp: "HeadObject", wantCode: "NoSuchKey",
		},
		"missing destination bucket": {
			params: objectcopy.Params{Bucket: "no-such-bucket"},
			wantOp: "InitiateMultipartUpload", wantCode: "NoSuchBucket",
		},
		"forbid overwrite, multipart": {
			setup: func(t *testing.T, srv *ossemu.Server) {
				if _, err := srv.PutObject(dstBucket, "dst", []byte("x"), nil); err != nil {
					t.Fatal(err)
				}
			},
			// OSS may refuse at Initiate or at Complete; after Complete
			// refused, the upload must still be aborted.
			params:   objectcopy.Params{ForbidOverwrite: true},
			wantCode: "FileAlreadyExists",
		},
		"forbid overwrite, single request": {
			setup: func(t *testing.T, srv *ossemu.Server) {
				if _, err := srv.PutObject(dstBucket, "dst", []byte("x"), nil); err != nil {
					t.Fatal(err)
				}
			},
			params: objectcopy.Params{ForbidOverwrite: true},
			single: true,
			wantOp: "CopyObject", wantCode: "FileAlreadyExists",
		},
		"destination under retention": {
			setup: func(t *testing.T, srv *ossemu.Server) {
				if err := srv.LockBucketRetention(dstBucket, 1); err != nil {
					t.Fatal(err)
				}
			},
			wantCode: "FileImmutable",
		},
		// The client's endpoint serves the source's region: OSS refuses the
		// first request for the destination bucket, which names its endpoint.
		"destination in another region": {
			setup: func(t *testing.T, srv *ossemu.Server) {
				if err := srv.CreateBucket("far-away", "cn-beijing"); err != nil {
					t.Fatal(err)
				}
			},
			params: objectcopy.Params{Bucket: "far-away"},
			wantOp: "InitiateMultipartUpload", wantCode: "AccessDenied", wantEC: "0003-00001403",
		},
		// The client's endpoint serves the destination's region: OSS refuses
		// the HEAD of the source before any copy request.
		"source in another region": {
			setup: func(t *testing.T, srv *ossemu.Server) {
				if err := srv.CreateBucket("far-away", "cn-beijing"); err != nil {
					t.Fatal(err)
				}
				if _, err := srv.PutObject("far-away", "src", []byte("far"), nil); err != nil {
					t.Fatal(err)
				}
			},
			params: objectcopy.Params{SourceBucket: "far-away"},
			wantOp: "HeadObject", wantCode: "AccessDenied", wantEC: "0003-00001403",
		},
	}

	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, c := newEnv(t)
			putSource(t, srv, "src", randomBytes(2*partSize, 13), nil)
			if tc.setup != nil {
				tc.setup(t, srv)
			}
			p := tc.params
			if p.SourceBucket == "" {
				p.SourceBucket = srcBucket
			}
			if p.SourceKey == "" {
				p.SourceKey = "src"
			}
			if p.Bucket == "" {
				p.Bucket = dstBucket
			}
			p.Key = "dst"
			if !tc.single {
				p.PartSize = partSize
			}

			_, err := objectcopy.Copy(context.Background(), c, p)
			var e *objectcopy.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is not an *objectcopy.Error", err)
			}
			if tc.wantOp != "" && e.Op != tc.wantOp {
				t.Errorf("failed operation %q, want %q (error: %v)", e.Op, tc.wantOp, err)
			}
			var se *oss.ServiceError
			if !errors.As(err, &se) || se.Code != tc.wantCode || se.RequestID == "" {
				t.Errorf("error %v, want OSS code %s with a request ID", err, tc.wantCode)
			} else if tc.wantEC != "" && se.EC != tc.wantEC {
				t.Errorf("error %v has EC %q, want %s", err, se.EC, tc.wantEC)
			}
			if errors.Is(err, objectcopy.ErrSourceChanged) {
				t.Errorf("error %v claims the source changed", err)
			}
			if !p.ForbidOverwrite {
				assertNoObject(t, srv, "dst")
			}
			assertNoUploads(t, srv)
		})
	}
}

func TestCopy_InvalidParams(t *testing.T) {
	t.Parallel()

	valid := objectcopy.Params{SourceBucket: srcBucket, SourceKey: "a", Bucket: dstBucket, Key: "b"}
	testCases := map[string]struct {
		modify  func(p *objectcopy.Params)
		wantErr string
	}{
		"no source bucket":       {func(p *objectcopy.Params) { p.SourceBucket = "" }, "SourceBucket is required"},
		"no key":                 {func(p *objectcopy.Params) { p.Key = "" }, "Key is required"},
		"content type with COPY": {func(p *objectcopy.Params) { p.ContentType = "text/plain" }, "apply only with MetadataDirective REPLACE"},
		"metadata with COPY":     {func(p *objectcopy.Params) { p.Metadata = map[string]string{"a": "b"} }, "apply only with MetadataDirective REPLACE"},
		"tags with COPY":         {func(p *objectcopy.Params) { p.Tags = map[string]string{"a": "b"} }, "Tags apply only with TaggingDirective REPLACE"},
		"unknown directive":      {func(p *objectcopy.Params) { p.MetadataDirective = "MERGE" }, `MetadataDirective "MERGE" is neither COPY nor REPLACE`},
		"part size too small":    {func(p *objectcopy.Params) { p.PartSize = objectcopy.MinPartSize - 1 }, "PartSize 102399 is outside"},
		"part size too large":    {func(p *objectcopy.Params) { p.PartSize = objectcopy.MaxPartSize + 1 }, "PartSize 5368709121 is outside"},
		"negative parallelism":   {func(p *objectcopy.Params) { p.Parallelism = -1 }, "Parallelism -1 is outside 1..100"},
		"too much parallelism":   {func(p *objectcopy.Params) { p.Parallelism = objectcopy.MaxParallelism + 1 }, "Parallelism 101 is outside 1..100"},
		"KMS key without KMS":    {func(p *objectcopy.Params) { p.KMSKeyID = "k" }, "KMSKeyID applies only with ServerSideEncryption KMS"},
	}

	srv, c := newEnv(t)
	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			p := valid
			tc.modify(&p)
			_, err := objectcopy.Copy(context.Background(), c, p)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
	if n := len(srv.RequestCounts()); n != 0 {
		t.Errorf("invalid parameters sent requests: %v", srv.RequestCounts())
	}
}

func TestHeadSource(t *testing.T) {
	t.Parallel()
	srv, c := newEnv(t)
	if err := srv.SetBucketVersioning(srcBucket, true); err != nil {
		t.Fatal(err)
	}
	v1 := putSource(t, srv, "k", []byte("first"), http.Header{"Content-Type": {"text/plain"}})
	v2 := putSource(t, srv, "k", []byte("second version"), nil)

	for i, want := range []ossemu.ObjectInfo{v1, v2} {
		version := want.VersionID
		if i == 1 {
			version = "" // the current version
		}
		got, err := objectcopy.HeadSource(context.Background(), c, srcBucket, "k", version)
		if err != nil {
			t.Fatal(err)
		}
		if got.VersionID != want.VersionID || got.ETag != want.ETag || got.Size != want.Size || got.CRC64 != want.CRC64 ||
			got.ContentType != want.ContentType || !got.LastModified.Equal(want.LastModified.Truncate(time.Second)) || got.Bucket != srcBucket || got.Key != "k" {
			t.Errorf("HeadSource(version %q) = %+v, want %+v", version, got, want)
		}
	}
}

// tamperingClient returns a client whose requests reach srv through a proxy
// that lets tamper alter every answer, to produce answers OSS would give only
// if something went wrong on its side.
func tamperingClient(t *testing.T, srv *ossemu.Server, tamper func(*http.Response)) *oss.Client {
	t.Helper()
	return oss.NewClient(srv.ClientConfig().WithEndpoint(tamperingProxy(t, srv, tamper)))
}

// tamperingProxy is tamperingClient's proxy; it returns its endpoint.
func tamperingProxy(t *testing.T, srv *ossemu.Server, tamper func(*http.Response)) string {
	t.Helper()
	target, err := url.Parse(srv.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	proxy := httptest.NewServer(&httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(target)
			r.Out.Host = r.In.Host // signed requests name the host they were sent to
		},
		ModifyResponse: func(resp *http.Response) error {
			tamper(resp)
			return nil
		},
	})
	t.Cleanup(proxy.Close)
	return proxy.URL
}

// A copy whose CRC64 differs from the source's is not kept.
func TestCopy_CRCMismatchDeletesCopy(t *testing.T) {
	t.Parallel()

	for name, ps := range map[string]int64{"single request": 0, "multipart": partSize} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, _ := newEnv(t)
			putSource(t, srv, "k", randomBytes(3*partSize, 16), nil)
			// The answers of CopyObject and Complete, which create the object.
			c := tamperingClient(t, srv, func(resp *http.Response) {
				q := resp.Request.URL.Query()
				creates := resp.Request.Method == http.MethodPut && resp.Request.Header.Get("x-oss-copy-source") != "" && !q.Has("partNumber") ||
					resp.Request.Method == http.MethodPost && q.Has("uploadId")
				if creates && resp.Header.Get("x-oss-hash-crc64ecma") != "" {
					resp.Header.Set("x-oss-hash-crc64ecma", "1")
				}
			})

			_, err := objectcopy.Copy(context.Background(), c, objectcopy.Params{
				SourceBucket: srcBucket, SourceKey: "k", Bucket: dstBucket, Key: "k", PartSize: ps,
			})
			if !errors.Is(err, objectcopy.ErrSourceChanged) || !strings.Contains(err.Error(), "CRC64 is 1") {
				t.Fatalf("error %v, want a CRC64 mismatch wrapping ErrSourceChanged", err)
			}
			if n := srv.RequestCount("DeleteObject"); n != 1 {
				t.Errorf("%d DeleteObject requests, want 1", n)
			}
			assertNoObject(t, srv, "k")
			assertNoUploads(t, srv)
		})
	}
}

// A part that OSS copied from another version than the pinned one fails the
// copy.
func TestCopy_PartFromAnotherVersion(t *testing.T) {
	t.Parallel()
	srv, _ := newEnv(t)
	if err := srv.SetBucketVersioning(srcBucket, true); err != nil {
		t.Fatal(err)
	}
	putSource(t, srv, "k", randomBytes(3*partSize, 17), nil)
	c := tamperingClient(t, srv, func(resp *http.Response) {
		if resp.Request.URL.Query().Get("partNumber") == "2" {
			resp.Header.Set("x-oss-copy-source-version-id", "another-version")
		}
	})

	_, err := objectcopy.Copy(context.Background(), c, objectcopy.Params{
		SourceBucket: srcBucket, SourceKey: "k", Bucket: dstBucket, Key: "k", PartSize: partSize, Parallelism: 1,
	})
	if !errors.Is(err, objectcopy.ErrSourceChanged) || !strings.Contains(err.Error(), "copied version another-version") {
		t.Fatalf("error %v, want a version mismatch wrapping ErrSourceChanged", err)
	}
	assertNoObject(t, srv, "k")
	assertNoUploads(t, srv)
}

// A small source overwritten between the HEAD and the CopyObject is not
// copied: CopyObject is pinned to the ETag the HEAD saw.
func TestCopy_SingleRequestSourceChanged(t *testing.T) {
	t.Parallel()
	srv, _ := newEnv(t)
	putSource(t, srv, "k", randomBytes(1000, 18), nil)
	var once sync.Once
	c := tamperingClient(t, srv, func(resp *http.Response) {
		if resp.Request.Method == http.MethodHead {
			once.Do(func() { overwriteSource(t, srv, randomBytes(1000, 19)) })
		}
	})

	_, err := objectcopy.Copy(context.Background(), c, objectcopy.Params{
		SourceBucket: srcBucket, SourceKey: "k", Bucket: dstBucket, Key: "k",
	})
	if !errors.Is(err, objectcopy.ErrSourceChanged) {
		t.Fatalf("error %v, want one wrapping ErrSourceChanged", err)
	}
	var e *objectcopy.Error
	if !errors.As(err, &e) || e.Op != "CopyObject" {
		t.Errorf("error %v does not name CopyObject", err)
	}
	assertNoObject(t, srv, "k")
}
