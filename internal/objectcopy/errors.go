package objectcopy

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
)

// ErrSourceChanged is wrapped by the error Copy returns when the source
// object changed while it was being copied: a part's x-oss-copy-source-if-match
// failed (412), the pinned version disappeared, OSS copied another version
// than the pinned one, or the copy's CRC64 differs from the source's.
var ErrSourceChanged = errors.New("source object changed during the copy")

// ErrTooManyParts is wrapped by the error PlanParts and Copy return when an
// object cannot be copied in MaxParts parts: it is larger than
// MaxObjectSize, or the part size asked for is too small for it.
var ErrTooManyParts = errors.New("objectcopy: too many parts")

// Error reports which OSS operation failed on which object. Err keeps the
// cause, so errors.As finds the *oss.ServiceError (code, request ID) and
// errors.Is finds ErrSourceChanged or a context error.
type Error struct {
	Op       string // OSS operation, e.g. "UploadPartCopy"
	Bucket   string // bucket the operation addressed
	Key      string // key the operation addressed
	UploadID string // multipart upload ID, when one was started
	Err      error
}

// Error names the operation, the object and the upload, then the cause.
func (e *Error) Error() string {
	msg := fmt.Sprintf("objectcopy: %s oss://%s/%s", e.Op, e.Bucket, e.Key)
	if e.UploadID != "" {
		msg += " (upload ID " + e.UploadID + ")"
	}
	return msg + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// serviceCode returns the OSS error code and HTTP status in err's chain, if
// OSS answered with an error.
func serviceCode(err error) (code string, status int) {
	var se *oss.ServiceError
	if errors.As(err, &se) {
		return se.Code, se.StatusCode
	}
	return "", 0
}

// sourceChangedError marks err as a sign that the source changed under a
// pinned part copy; other errors pass through.
func sourceChangedError(err error) error {
	code, status := serviceCode(err)
	switch {
	case status == http.StatusPreconditionFailed,
		// HEAD found the source (version) a moment ago: gone now means deleted.
		code == "NoSuchKey", code == "NoSuchVersion":
		return fmt.Errorf("%w: %w", ErrSourceChanged, err)
	}
	return err
}

// WrittenError is returned when a copy failed after it wrote the destination
// object and could neither verify it nor delete it: the object is there, and
// the caller must keep track of it (a Terraform provider records it as
// tainted, so that the next apply replaces it). Err is the failure.
type WrittenError struct {
	Bucket, Key string
	// ETag and VersionID identify the object the copy wrote; VersionID is ""
	// in a bucket without versioning.
	ETag, VersionID string
	Source          Source // the source version that was copied
	Err             error
}

// Error says what failed, then which object was left.
func (e *WrittenError) Error() string {
	msg := e.Err.Error() + "; the copy was written to oss://" + e.Bucket + "/" + e.Key + " with ETag " + e.ETag
	if e.VersionID != "" {
		msg += " (version " + e.VersionID + ")"
	}
	return msg + " and is still there"
}

// Unwrap returns the failure.
func (e *WrittenError) Unwrap() error { return e.Err }

// UploadLeftError reports a multipart upload that a failed copy could not
// abort, for example because its STS credentials expired during the copy:
// the upload and the parts copied so far stay, and are billed, until they
// are aborted (AbortMultipartUpload with working credentials) or a lifecycle
// rule removes them. Err is why the abort failed.
type UploadLeftError struct {
	Bucket, Key, UploadID string
	Err                   error
}

// Error names the upload left and why the abort failed.
func (e *UploadLeftError) Error() string {
	return fmt.Sprintf("objectcopy: the multipart upload %s of oss://%s/%s was left, since aborting it failed: %v",
		e.UploadID, e.Bucket, e.Key, e.Err)
}

// Unwrap returns why the abort failed.
func (e *UploadLeftError) Unwrap() error { return e.Err }
