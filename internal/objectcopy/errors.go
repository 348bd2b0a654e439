package objectcopy

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

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
	// in a bucket without versioning, and when Unconfirmed.
	ETag, VersionID string
	Source          Source // the source version that was copied
	// Unconfirmed: the copy may not have been written. Complete's answer
	// was lost and the destination could not be read to tell; ETag is the
	// one the completed upload has. A caller that finds no object with
	// that ETag later has nothing to track.
	Unconfirmed bool
	Err         error
}

// Error says what failed, then which object was, or may have been, left.
func (e *WrittenError) Error() string {
	if e.Unconfirmed {
		return e.Err.Error() + "; the copy may have been written to oss://" + e.Bucket + "/" + e.Key +
			" with ETag " + e.ETag
	}
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

// NotCopyableReason says why a source cannot be copied as asked.
type NotCopyableReason int

const (
	// SourceIsSymlink: the source is a symbolic link (PutSymlink). OSS's
	// CopyObject copies the link itself, not the object it points to, and
	// the copy resolves its target in the destination bucket, where that key
	// may hold nothing or another object; UploadPartCopy refuses a link.
	SourceIsSymlink NotCopyableReason = iota + 1
	// SourceIsAppendable: the source was written by AppendObject, and OSS
	// copies no appendable object.
	SourceIsAppendable
	// SourceNotRestored: the source is in a cold storage class (Archive,
	// ColdArchive, DeepColdArchive) and not restored, or its restored state
	// expired; OSS refuses to copy it until RestoreObject restores it.
	SourceNotRestored
	// SourceRestoring: the source is cold and its restore is still running.
	SourceRestoring
)

// NotCopyableError reports a source that a server-side copy would not copy
// as the caller means it. Copy returns it (inside an *Error) before writing
// anything; CheckCopyable tells it from a HeadSource result.
type NotCopyableError struct {
	Bucket, Key, VersionID string
	Reason                 NotCopyableReason
	StorageClass           string // the source's storage class
	Restore                string // the source's x-oss-restore
}

func (e *NotCopyableError) Error() string {
	src := "source oss://" + e.Bucket + "/" + e.Key
	if e.VersionID != "" {
		src += " (version " + e.VersionID + ")"
	}
	switch e.Reason {
	case SourceIsSymlink:
		return src + " is a symbolic link: OSS would copy the link, not the object it points to"
	case SourceIsAppendable:
		return src + " is an appendable object, which OSS cannot copy"
	case SourceRestoring:
		return src + " is stored as " + e.StorageClass + " and its restore is still in progress (x-oss-restore: " +
			e.Restore + ")"
	}
	return src + " is stored as " + e.StorageClass + " and is not restored; OSS copies it only after RestoreObject"
}

// coldClasses are the storage classes whose objects OSS reads and copies
// only while restored.
var coldClasses = map[string]bool{"Archive": true, "ColdArchive": true, "DeepColdArchive": true}

// CheckCopyable returns a *NotCopyableError when OSS would not copy s as a
// copy of its bytes: a symbolic link, an appendable object, or a cold
// object that is not restored (x-oss-restore does not say
// ongoing-request="false"). A restored object's restored state may still
// expire before the copy reads it; OSS then refuses the copy.
func (s *Source) CheckCopyable() error {
	e := &NotCopyableError{Bucket: s.Bucket, Key: s.Key, VersionID: s.VersionID, StorageClass: s.StorageClass,
		Restore: s.Restore}
	switch {
	case s.ObjectType == "Symlink":
		e.Reason = SourceIsSymlink
	case s.ObjectType == "Appendable":
		e.Reason = SourceIsAppendable
	case !coldClasses[s.StorageClass] || strings.Contains(s.Restore, `ongoing-request="false"`):
		return nil
	case strings.Contains(s.Restore, `ongoing-request="true"`):
		e.Reason = SourceRestoring
	default:
		e.Reason = SourceNotRestored
	}
	return e
}
