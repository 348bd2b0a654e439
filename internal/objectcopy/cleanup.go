package objectcopy

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
)

func (cp *copier) recoverCompleted(ctx context.Context, etags []string, completeErr error) (*Result, error) {
	hctx, cancel := detached(ctx, cleanupTimeout)
	defer cancel()
	res, err := cp.c.HeadObject(hctx, &oss.HeadObjectRequest{Bucket: oss.Ptr(cp.p.Bucket), Key: oss.Ptr(cp.p.Key)}, cp.retry.apply)
	if code, _ := serviceCode(err); err != nil && code != "NoSuchKey" {
		// Nothing tells whether the copy is there. The caller must track
		// it all the same, under the ETag a completed upload of these parts
		// has, and drop it when a later read finds no such object.
		return nil, &WrittenError{
			Bucket: cp.p.Bucket, Key: cp.p.Key, ETag: completedETag(etags), Source: *cp.src, Unconfirmed: true,
			Err: errors.Join(completeErr, cp.fail("HeadObject", fmt.Errorf("the upload is gone, so Complete may "+
				"have made the copy and lost its answer, but reading the destination to tell failed: %w", err))),
		}
	}
	if err != nil || !isMultipartETag(oss.ToString(res.ETag), etags) {
		return nil, completeErr
	}
	cp.log.Debug("Complete's response was lost; the destination is the completed upload", cp.fields())
	return cp.verify(ctx, "CompleteMultipartUpload", written{oss.ToString(res.ETag), oss.ToString(res.VersionId)}, res.HashCRC64, len(etags))
}

// completedETag is the ETag, quoted, that OSS gives the object completed from
// parts with these ETags: the MD5 of the part ETags as text, as the notes on
// OSS describe it, then "-" and the part count.
func completedETag(parts []string) string {
	h := md5.New()
	for _, p := range parts {
		h.Write([]byte(strings.ToUpper(strings.Trim(p, `"`))))
	}
	return `"` + strings.ToUpper(hex.EncodeToString(h.Sum(nil))) + "-" + strconv.Itoa(len(parts)) + `"`
}

// isMultipartETag reports whether etag is the ETag OSS gives the object
// completed from parts with these ETags: MD5 over the part ETags, then "-"
// and the part count. The notes on OSS hash the ETags as text, the S3
// convention hashes their binary digests; either proves the same part list.
func isMultipartETag(etag string, parts []string) bool {
	etag = strings.ToUpper(strings.Trim(etag, `"`))
	if etag == strings.Trim(completedETag(parts), `"`) {
		return true
	}
	bin := md5.New()
	for _, p := range parts {
		raw, err := hex.DecodeString(strings.Trim(p, `"`))
		if err != nil {
			return false
		}
		bin.Write(raw)
	}
	return etag == strings.ToUpper(hex.EncodeToString(bin.Sum(nil)))+"-"+strconv.Itoa(len(parts))
}

// recognize looks for the copy that a failed CopyObject may have made all
// the same: OSS made it but its answer was lost, and the SDK's retry was
// refused (FileAlreadyExists under forbid_overwrite: the copy itself is in
// the way) or its retries were spent. The destination's current version is
// taken for that copy, and returned, when it has the source's size and CRC64
// and was written after the request was sent, in the server's clock (from the
// HEAD's Date, with strayMargin for its one-second resolution). Without a
// CRC64 of the source nothing proves it.
func (cp *copier) recognize(ctx context.Context, sent time.Time) *oss.HeadObjectResult {
	if !cp.src.HasCRC64 {
		return nil
	}
	hctx, cancel := detached(ctx, cleanupTimeout)
	defer cancel()
	head, err := cp.c.HeadObject(hctx, &oss.HeadObjectRequest{Bucket: oss.Ptr(cp.p.Bucket), Key: oss.Ptr(cp.p.Key)},
		newRetryPolicy(minRetryBudget).apply)
	received := time.Now()
	if err != nil || head.HashCRC64 == nil || head.LastModified == nil || head.ContentLength != cp.src.Size {
		return nil
	}
	if crc, err := strconv.ParseUint(*head.HashCRC64, 10, 64); err != nil || crc != cp.src.CRC64 {
		return nil
	}
	var offset time.Duration
	if d, err := http.ParseTime(head.Headers.Get("Date")); err == nil {
		offset = d.Sub(received)
	}
	if head.LastModified.Before(sent.Add(offset - strayMargin)) {
		return nil
	}
	return head
}

// written identifies an object version a copy wrote.
type written struct{ etag, versionID string }

// written reports that err left the copy w in place.
func (cp *copier) written(w written, err error) error {
	return &WrittenError{Bucket: cp.p.Bucket, Key: cp.p.Key, ETag: w.etag, VersionID: w.versionID, Source: *cp.src, Err: err}
}

// discard deletes the object version w that a copy produced but that failed
// verification, and returns cause as an *Error, or as a *WrittenError when
// the copy could not be deleted.
func (cp *copier) discard(ctx context.Context, op string, w written, cause error) error {
	err := cp.fail(op, cause)
	dctx, cancel := detached(ctx, cleanupTimeout)
	defer cancel()
	_, derr := cp.c.DeleteObject(dctx, &oss.DeleteObjectRequest{
		Bucket: oss.Ptr(cp.p.Bucket), Key: oss.Ptr(cp.p.Key), VersionId: optional(w.versionID),
	}, newRetryPolicy(minRetryBudget).apply)
	if derr != nil {
		return cp.written(w, errors.Join(err, cp.fail("DeleteObject", fmt.Errorf("deleting the unverified copy: %w", derr))))
	}
	return err
}

// abortAfter aborts the upload after cause made the copy fail.
func (cp *copier) abortAfter(ctx context.Context, cause error) error {
	return joinAbort(cause, cp.abort(ctx))
}

func (cp *copier) abort(ctx context.Context) error {
	if err := cp.abortUpload(ctx, cp.uploadID); err != nil {
		return err
	}
	cp.log.Debug("multipart upload aborted", cp.fields())
	return nil
}

func (cp *copier) abortUpload(ctx context.Context, uploadID string) error {
	actx, cancel := detached(ctx, cleanupTimeout)
	defer cancel()
	// A fresh budget: the failure being cleaned up may have spent the copy's.
	_, err := cp.c.AbortMultipartUpload(actx, &oss.AbortMultipartUploadRequest{
		Bucket: oss.Ptr(cp.p.Bucket), Key: oss.Ptr(cp.p.Key), UploadId: oss.Ptr(uploadID),
	}, newRetryPolicy(minRetryBudget).apply)
	return err
}

// abortStrays aborts the uploads that earlier attempts of a retried Initiate
// may have created: OSS may apply an attempt whose response is lost, and only
// the key and the time tell such an upload apart. Uploads of the same key
// initiated between the first attempt and the answer, in the server's clock
// (from the answer's Date header) and with a margin for its one-second
// resolution, are taken for ours. Another writer that starts an upload of the
// same key in those seconds loses it; two writers of one key conflict anyway.
// Failures are logged, not returned: the copy itself is sound.
func (cp *copier) abortStrays(ctx context.Context, sent time.Time, h http.Header) {
	received := time.Now()
	var offset time.Duration
	if d, err := http.ParseTime(h.Get("Date")); err == nil {
		offset = d.Sub(received)
	}
	from, to := sent.Add(offset-strayMargin), received.Add(offset+strayMargin)

	lctx, cancel := detached(ctx, cleanupTimeout)
	defer cancel()
	pages := cp.c.NewListMultipartUploadsPaginator(&oss.ListMultipartUploadsRequest{
		Bucket: oss.Ptr(cp.p.Bucket), Prefix: oss.Ptr(cp.p.Key),
	})
	for pages.HasNext() {
		page, err := pages.NextPage(lctx, newRetryPolicy(minRetryBudget).apply)
		if err != nil {
			cp.log.Info("listing uploads left by a retried Initiate failed", map[string]any{"bucket": cp.p.Bucket, "key": cp.p.Key, "error": err.Error()})
			return
		}
		for _, u := range page.Uploads {
			id := oss.ToString(u.UploadId)
			if oss.ToString(u.Key) != cp.p.Key || id == cp.uploadID || u.Initiated == nil || u.Initiated.Before(from) || u.Initiated.After(to) {
				continue
			}
			fields := map[string]any{"bucket": cp.p.Bucket, "key": cp.p.Key, "upload_id": id}
			if err := cp.abortUpload(ctx, id); err != nil {
				fields["error"] = err.Error()
				cp.log.Info("aborting an upload left by a retried Initiate failed", fields)
				continue
			}
			cp.log.Info("aborted an upload left by a retried Initiate", fields)
		}
	}
}

// dropLostCopies deletes the versions that earlier attempts of a retried
// CopyObject made in a versioned bucket: OSS may apply an attempt whose
// answer is lost, and the retry then makes another version, which would
// leave the first one behind, tracked by nothing and uncovered once the copy
// is deleted. A version of the key other than the copy w is taken for such
// a copy when it has w's ETag and the source's size and was written between
// the first attempt and the answer, in the server's clock (as abortStrays
// reckons it). Failures are logged, not returned: the copy itself is sound.
func (cp *copier) dropLostCopies(ctx context.Context, sent time.Time, h http.Header, w written) {
	received := time.Now()
	var offset time.Duration
	if d, err := http.ParseTime(h.Get("Date")); err == nil {
		offset = d.Sub(received)
	}
	from, to := sent.Add(offset-strayMargin), received.Add(offset+strayMargin)

	lctx, cancel := detached(ctx, cleanupTimeout)
	defer cancel()
	pages := cp.c.NewListObjectVersionsPaginator(&oss.ListObjectVersionsRequest{
		Bucket: oss.Ptr(cp.p.Bucket), Prefix: oss.Ptr(cp.p.Key),
	})
	for pages.HasNext() {
		page, err := pages.NextPage(lctx, newRetryPolicy(minRetryBudget).apply)
		if err != nil {
			cp.log.Info("listing the versions a retried CopyObject may have left failed", map[string]any{"bucket": cp.p.Bucket, "key": cp.p.Key, "error": err.Error()})
			return
		}
		for _, v := range page.ObjectVersions {
			id := oss.ToString(v.VersionId)
			if oss.ToString(v.Key) != cp.p.Key || id == w.versionID || oss.ToString(v.ETag) != w.etag || v.Size != cp.src.Size ||
				v.LastModified == nil || v.LastModified.Before(from) || v.LastModified.After(to) {
				continue
			}
			fields := map[string]any{"bucket": cp.p.Bucket, "key": cp.p.Key, "version_id": id}
			dctx, cancel := detached(ctx, cleanupTimeout)
			_, err := cp.c.DeleteObject(dctx, &oss.DeleteObjectRequest{
				Bucket: oss.Ptr(cp.p.Bucket), Key: oss.Ptr(cp.p.Key), VersionId: oss.Ptr(id),
			}, newRetryPolicy(minRetryBudget).apply)
			cancel()
			if err != nil {
				fields["error"] = err.Error()
				cp.log.Info("deleting a version left by a retried CopyObject failed", fields)
				continue
			}
			cp.log.Info("deleted a version left by a retried CopyObject", fields)
		}
	}
}

func joinAbort(cause, abortErr error) error {
	if abortErr == nil {
		return cause
	}
	var e *Error
	if errors.As(cause, &e) {
		return errors.Join(cause, &UploadLeftError{Bucket: e.Bucket, Key: e.Key, UploadID: e.UploadID, Err: abortErr})
	}
	return errors.Join(cause, abortErr)
}

// detached returns a context that keeps ctx's values but not its
// cancellation, with its own deadline.
func detached(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), timeout)
}
