package objectcopy

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
)

// verify reads what the result reports beyond the copy's answer (LastModified,
// Content-Type, storage class, encryption) and checks the new object's CRC64
// against the source's; an object that fails the check is deleted. Once the
// copy w is written, every failure leaves it tracked: a *WrittenError names
// it unless it was deleted.
func (cp *copier) verify(ctx context.Context, op string, w written, crcHeader *string, parts int) (*Result, error) {
	// The object exists now whatever happens to ctx: read it to the end, or
	// the caller would lose track of it.
	hctx, cancel := detached(ctx, cleanupTimeout)
	defer cancel()
	head, err := cp.c.HeadObject(hctx, &oss.HeadObjectRequest{
		Bucket: oss.Ptr(cp.p.Bucket), Key: oss.Ptr(cp.p.Key), VersionId: optional(w.versionID),
	}, cp.retry.apply)
	if err != nil {
		return nil, cp.written(w, cp.fail("HeadObject", fmt.Errorf("verifying the copy: %w", err)))
	}
	if got := oss.ToString(head.ETag); got != w.etag {
		err := cp.fail("HeadObject", fmt.Errorf("destination was overwritten right after the copy: ETag %s, the copy's %s", got, w.etag))
		if w.versionID != "" {
			// The copy is an older version now, still there.
			return nil, cp.written(w, err)
		}
		return nil, err
	}
	return cp.result(ctx, op, head, w, crcHeader, parts)
}

// result checks the CRC64 of the copy w, which head describes (crcHeader,
// from the copy's answer, or else head's), and makes the Result.
func (cp *copier) result(ctx context.Context, op string, head *oss.HeadObjectResult, w written, crcHeader *string, parts int) (*Result, error) {
	if crcHeader == nil {
		crcHeader = head.HashCRC64
	}
	var (
		crc uint64
		err error
	)
	if crcHeader != nil {
		if crc, err = cp.checkCRC(ctx, op, w, *crcHeader); err != nil {
			return nil, err
		}
	}
	r := &Result{
		ETag:                 w.etag,
		VersionID:            w.versionID,
		CRC64:                crc,
		HasCRC64:             crcHeader != nil,
		Size:                 head.ContentLength,
		ContentType:          oss.ToString(head.ContentType),
		StorageClass:         oss.ToString(head.StorageClass),
		ServerSideEncryption: oss.ToString(head.ServerSideEncryption),
		KMSKeyID:             oss.ToString(head.ServerSideEncryptionKeyId),
		Parts:                parts,
		Source:               *cp.src,
	}
	if head.LastModified != nil {
		r.LastModified = *head.LastModified
	}
	cp.logResult("copy verified", r)
	return r, nil
}

// completed checks the CRC64 Complete answered and makes the Result from
// what the copy knows without a HeadObject (see Params.Describe): the size
// and content headers are the source's or the request's, the encryption is
// what Complete or else Initiate answered.
func (cp *copier) completed(ctx context.Context, w written, crcHeader string, h http.Header, parts int) (*Result, error) {
	crc, err := cp.checkCRC(ctx, "CompleteMultipartUpload", w, crcHeader)
	if err != nil {
		return nil, err
	}
	contentType := cp.src.ContentType
	if cp.replaceMetadata() {
		contentType = cp.p.ContentType
	}
	sse := func(name string) string { return cmp.Or(h.Get(name), cp.initiated.Get(name)) }
	r := &Result{
		ETag:                 w.etag,
		VersionID:            w.versionID,
		CRC64:                crc,
		HasCRC64:             true,
		Size:                 cp.src.Size,
		ContentType:          contentType,
		Parts:                parts,
		Source:               *cp.src,
		StorageClass:         cp.p.StorageClass,
		ServerSideEncryption: sse("x-oss-server-side-encryption"),
		KMSKeyID:             sse("x-oss-server-side-encryption-key-id"),
	}
	cp.logResult("copy verified by Complete's CRC64", r)
	return r, nil
}

func (cp *copier) logResult(msg string, r *Result) {
	fields := cp.fields()
	fields["etag"] = r.ETag
	fields["version_id"] = r.VersionID
	fields["parts"] = r.Parts
	cp.log.Debug(msg, fields)
}

// checkCRC parses the copy's CRC64 and compares it with the source's; an
// object that fails the check is deleted.
func (cp *copier) checkCRC(ctx context.Context, op string, w written, header string) (uint64, error) {
	crc, err := strconv.ParseUint(header, 10, 64)
	if err != nil {
		return 0, cp.discard(ctx, op, w, fmt.Errorf("invalid x-oss-hash-crc64ecma %q: %w", header, err))
	}
	if cp.src.HasCRC64 && crc != cp.src.CRC64 {
		return 0, cp.discard(ctx, op, w, fmt.Errorf("%w: the copy's CRC64 is %d, the source's %d", ErrSourceChanged, crc, cp.src.CRC64))
	}
	return crc, nil
}

func (cp *copier) checkSourceVersion(copied *string) error {
	if cp.src.VersionID != "" && copied != nil && *copied != cp.src.VersionID {
		return fmt.Errorf("%w: OSS copied version %s instead of %s", ErrSourceChanged, *copied, cp.src.VersionID)
	}
	return nil
}
