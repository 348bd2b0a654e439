package ossemu

import (
	"crypto/md5"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// coldClasses are the storage classes whose objects OSS serves only once
// RestoreObject has made them readable: GetObject, CopyObject and
// UploadPartCopy refuse them before (OSS's RestoreObject reference).
var coldClasses = map[string]bool{"Archive": true, "ColdArchive": true, "DeepColdArchive": true}

// maxRestoreDays is the longest restored state a RestoreObject may ask for:
// 7 days for Archive, 365 for the colder classes (RestoreObject reference,
// EC 0016-00000704).
var maxRestoreDays = map[string]int{"Archive": 7, "ColdArchive": 365, "DeepColdArchive": 365}

type restoreState int

const (
	frozen restoreState = iota
	restoring
	restored
)

func (o *object) restoreStateAt(now time.Time) restoreState {
	switch {
	case o.restoreReady.IsZero():
		return frozen
	case now.Before(o.restoreReady):
		return restoring
	case now.Before(o.restoreExpiry):
		return restored
	}
	return frozen // the restored state expired
}

// readable reports whether o's bytes may be read or copied at now.
func (o *object) readable(now time.Time) bool {
	return !coldClasses[o.header.Get("x-oss-storage-class")] || o.restoreStateAt(now) == restored
}

// restoreHeader is the x-oss-restore OSS shows for o at now: none for an
// object never restored or whose restored state expired.
func (o *object) restoreHeader(now time.Time) string {
	switch o.restoreStateAt(now) {
	case restoring:
		return `ongoing-request="true"`
	case restored:
		return `ongoing-request="false", expiry-date="` + httpTime(o.restoreExpiry) + `"`
	}
	return ""
}

// notRestoredError refuses to read or copy a cold object that is not
// restored. OSS documents EC 0016-00000404 for GetObject only; copies get none.
func notRestoredError(op string) *ossError {
	e := newError("InvalidObjectState")
	if op == "GetObject" {
		e = e.withEC("0016-00000404")
	}
	return e
}

type restoreRequestXML struct {
	XMLName xml.Name `xml:"RestoreRequest"`
	Days    *int     `xml:"Days"`
	Tier    string   `xml:"JobParameters>Tier"`
}

func (s *Server) restoreObject(rq *request) error {
	var v restoreRequestXML
	body, err := rq.readBody()
	if err != nil {
		return err
	}
	if len(body) > 0 {
		if err := xml.Unmarshal(body, &v); err != nil {
			return newError("MalformedXML")
		}
	}
	switch v.Tier {
	case "", "Expedited", "Standard", "Bulk":
	default:
		return errorf("InvalidArgument", "The Tier of the restore request is invalid.").with("ArgumentName", "Tier").
			with("ArgumentValue", v.Tier).withEC("0016-00000703")
	}
	days := 1
	if v.Days != nil {
		days = *v.Days
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, o, err := s.versionTarget(rq)
	if err != nil {
		return err
	}
	class := o.header.Get("x-oss-storage-class")
	if !coldClasses[class] {
		return newError("OperationNotSupported").withEC("0016-00000702")
	}
	if days < 1 || days > maxRestoreDays[class] {
		return errorf("InvalidArgument", fmt.Sprintf("The Days of the restore request must be 1 to %d for %s objects.",
			maxRestoreDays[class], class)).with("ArgumentName", "Days").with("ArgumentValue", strconv.Itoa(days)).
			withEC("0016-00000704")
	}
	now, lasting := s.now(), time.Duration(days)*time.Duration(s.restoreDay.Load())
	writeVersionHeader(rq.w.Header(), b, o)
	switch o.restoreStateAt(now) {
	case restoring:
		return newError("RestoreAlreadyInProgress")
	case restored:
		// A restored object's readable time is prolonged, never shortened.
		o.restoreExpiry = maxTime(o.restoreExpiry, now.Add(lasting))
		return rq.writeEmpty(http.StatusOK)
	}
	o.restoreReady = now.Add(time.Duration(s.restoreIn.Load()))
	o.restoreExpiry = o.restoreReady.Add(lasting)
	return rq.writeEmpty(http.StatusAccepted)
}

// cleanRestoredObject ends a restored state early, freezing the object
// again. Its refusals are those of OSS's CleanRestoredObject reference; an
// object that is not cold has no restore info, so it is refused as one never
// restored.
func (s *Server) cleanRestoredObject(rq *request) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, o, err := s.versionTarget(rq)
	if err != nil {
		return err
	}
	writeVersionHeader(rq.w.Header(), b, o)
	switch o.restoreStateAt(s.now()) {
	case restoring:
		return newError("ArchiveRestoreNotFinished")
	case frozen:
		return newError("ArchiveRestoreFileStale")
	}
	o.restoreReady = time.Time{}
	o.restoreExpiry = time.Time{}
	return rq.writeEmpty(http.StatusOK)
}

// sealAppendObject answers as OSS answers an account that has not asked for
// SealAppendObject (OSS enables it on request): the refusal OSS gave the SDK
// v2's integration tests.
func (s *Server) sealAppendObject(*request) error {
	return errorf("OperationNotSupported", "SealAppendable is not supported.").withEC("0016-00000513")
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// --- symbolic links ---

// symlinkKey is the key a symbolic link's target names: OSS takes
// x-oss-symlink-target URL-encoded, and a target that does not decode is
// taken as written.
func symlinkKey(target string) string {
	if k, err := url.PathUnescape(target); err == nil {
		return k
	}
	return target
}

func (s *Server) putSymlink(rq *request) error {
	h := rq.r.Header
	target := h.Get("x-oss-symlink-target")
	if target == "" {
		return errorf("InvalidArgument", "The x-oss-symlink-target header is missing.").
			with("ArgumentName", "x-oss-symlink-target")
	}
	if err := checkObjectName(symlinkKey(target)); err != nil {
		return err
	}
	hdr, err := storedHeaders(h)
	if err != nil {
		return err
	}
	acl, err := objectACL(h)
	if err != nil {
		return err
	}
	tags, err := parseTagging(h.Get("x-oss-tagging"))
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.bucketLocked(rq.bucket)
	if err != nil {
		return err
	}
	if err := b.checkWritable(rq.key, isTrue(h.Get("x-oss-forbid-overwrite")), s.now()); err != nil {
		return err
	}
	defaultStorageClass(hdr, b.storageClass)
	o := &object{key: rq.key, etag: quotedETag(md5.Sum([]byte(target))), modified: s.now(), header: hdr, acl: acl,
		tags: tags, symlink: target}
	b.storeLocked(o)
	writeVersionHeader(rq.w.Header(), b, o)
	rq.w.Header().Set("ETag", o.etag)
	return rq.writeEmpty(http.StatusOK)
}

func (s *Server) getSymlink(rq *request) error {
	b, o, err := s.readTarget(rq)
	if err != nil {
		return err
	}
	if o.symlink == "" {
		return newError("NotSymlink")
	}
	h := rq.w.Header()
	for k, v := range o.header {
		if k != "Content-Type" {
			h[k] = v
		}
	}
	h.Set("x-oss-symlink-target", o.symlink)
	h.Set("ETag", o.etag)
	h.Set("Last-Modified", httpTime(o.modified))
	writeVersionHeader(h, b, o)
	return rq.writeEmpty(http.StatusOK)
}

// followSymlink returns what a HEAD or GET of the symbolic link link
// serves, as OSS's HeadObject reference describes it: the target's size,
// ETag, storage class, CRC64 and bytes, the later of the two modification
// times, and the link's other headers. The target is the current version
// of its key in the same bucket. The caller holds s.mu.
func followSymlink(b *bucket, link *object) (*object, error) {
	t, err := b.objectLocked(symlinkKey(link.symlink), "")
	if err != nil {
		return nil, newError("SymlinkTargetNotExist")
	}
	if t.symlink != "" {
		return nil, newError("InvalidTargetType")
	}
	// A link reads as its target's bytes with its own name and headers.
	v := *link
	v.data = t.data
	v.size = t.size
	v.etag = t.etag
	v.crc = t.crc
	v.modified = maxTime(link.modified, t.modified)
	v.header = link.header.Clone()
	v.header.Set("x-oss-storage-class", t.header.Get("x-oss-storage-class"))
	v.restoreReady, v.restoreExpiry = t.restoreReady, t.restoreExpiry
	return &v, nil
}

// --- appendable objects ---

// appendObject appends the body at position to an appendable object,
// creating it at position 0, as OSS's AppendObject reference describes: a
// Normal or Multipart object cannot be appended to, a position other than
// the object's size is refused with the size in x-oss-next-append-position,
// and appending changes the object in place, with no new version.
func (s *Server) appendObject(rq *request) error {
	h := rq.r.Header
	pos, err := strconv.ParseInt(rq.query.Get("position"), 10, 64)
	if err != nil || pos < 0 {
		return errorf("InvalidArgument", "The position is invalid.").with("ArgumentName", "position").
			with("ArgumentValue", rq.query.Get("position"))
	}
	hdr, err := storedHeaders(h)
	if err != nil {
		return err
	}
	acl, err := objectACL(h)
	if err != nil {
		return err
	}
	tags, err := parseTagging(h.Get("x-oss-tagging"))
	if err != nil {
		return err
	}
	c, _, crc, err := s.readUpload(rq)
	if err != nil {
		return err
	}
	n := c.size()
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.bucketLocked(rq.bucket)
	if err != nil {
		return err
	}
	now := s.now()
	var o *object
	if versions := b.objects[rq.key]; len(versions) > 0 && !versions[0].deleteMarker {
		o = versions[0]
	}
	var size int64
	if o != nil {
		size = o.size
	}
	switch {
	case o != nil && !o.appendable:
		return newError("ObjectNotAppendable")
	case pos != size:
		e := newError("PositionNotEqualToLength")
		e.header = http.Header{"X-Oss-Next-Append-Position": {strconv.FormatInt(size, 10)}}
		return e
	case size+n > maxPutSize:
		return newError("EntityTooLarge")
	case o == nil:
		if err := b.checkWritable(rq.key, false, now); err != nil {
			return err
		}
		defaultStorageClass(hdr, b.storageClass)
		o = &object{key: rq.key, data: c, size: n, crc: crc, header: hdr, acl: acl, tags: tags, appendable: true}
		b.storeLocked(o)
	case b.protected(o, now):
		return immutableError()
	default:
		o.data = concat(o.data, c)
		o.crc = crcCombine(o.crc, crc, n)
		o.size += n
	}
	o.modified = now
	o.etag = appendableETag(o)
	rh := rq.w.Header()
	writeVersionHeader(rh, b, o)
	rh.Set("ETag", o.etag)
	rh.Set("x-oss-next-append-position", strconv.FormatInt(o.size, 10))
	rh.Set("x-oss-hash-crc64ecma", strconv.FormatUint(o.crc, 10))
	echoSSE(rh, o.header)
	return rq.writeEmpty(http.StatusOK)
}

// appendableETag changes with every append. OSS's ETag of an appendable
// object is no MD5 of its bytes either; deriving it from size and CRC64
// spares hashing the whole object under the lock at every append.
func appendableETag(o *object) string {
	return quotedETag(md5.Sum(fmt.Appendf(nil, "ossemu-appendable/%d/%d", o.size, o.crc)))
}
