package ossemu

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// CopyObject's size limits, as OSS's CopyObject reference states them: a copy
// within one bucket that changes neither storage class nor encryption has
// none, a copy between buckets takes sources up to 5 GB, and a copy that
// changes storage class or encryption takes sources up to 1 GB. Larger
// sources must be copied with UploadPartCopy.
const (
	maxCopyObjectSize        = 5 << 30
	maxCopyObjectRewriteSize = 1 << 30
)

// copyObjectLimit is the largest source CopyObject accepts for a copy
// between buckets (or within one, sameBucket) from an object stored with
// headers src into one stored with dst; 0 means no limit.
func copyObjectLimit(sameBucket bool, src, dst http.Header) int64 {
	switch {
	case storageClassOf(src) != storageClassOf(dst) ||
		src.Get("x-oss-server-side-encryption") != dst.Get("x-oss-server-side-encryption") ||
		src.Get("x-oss-server-side-data-encryption") != dst.Get("x-oss-server-side-data-encryption"):
		return maxCopyObjectRewriteSize
	case sameBucket:
		return 0
	}
	return maxCopyObjectSize
}

// storageClassOf is the storage class stored headers h give an object;
// OSS's default, Standard, when they name none.
func storageClassOf(h http.Header) string {
	if sc := h.Get("x-oss-storage-class"); sc != "" {
		return sc
	}
	return "Standard"
}

// resolveCopySource finds the object x-oss-copy-source names
// ("/bucket/escaped-key", optionally "?versionId=") and applies the rules OSS
// checks for every copy: the source exists and is not a delete marker, it is
// in the destination's region, neither bucket is under retention, and the
// four copy-source conditions hold.
// The caller holds s.mu; dst is the destination bucket. The object returned
// is a copy, since the copy goes on without the lock while a tagging or ACL
// request may change the stored one; srcBucket is the source's bucket.
func (s *Server) resolveCopySource(rq *request, dst *bucket) (*object, string, error) {
	srcBucket, srcKey, versionID, err := parseCopySource(rq)
	if err != nil {
		return nil, "", err
	}
	sb, err := s.bucketLocked(srcBucket)
	if err != nil {
		return nil, "", err
	}
	if sb.owner != rq.account {
		return nil, "", errNotOwner()
	}
	o, err := sb.objectLocked(srcKey, versionID)
	if oe, ok := err.(*ossError); ok {
		switch {
		case oe.code == "MethodNotAllowed" && rq.op == "CopyObject":
			// A version ID naming a delete marker reads as a missing object.
			return nil, "", newError("NoSuchKey").with("Key", srcKey).withEC("0016-00000307")
		case oe.code == "MethodNotAllowed":
			// UploadPartCopy's reference answers 400 Bad Request here, but
			// names no code, message or EC: InvalidRequest is what 400s
			// about a request's meaning use, and no EC is invented.
			return nil, "", errorf("InvalidRequest", "The version ID in x-oss-copy-source names a delete marker, which cannot be copied.")
		case oe.code == "NoSuchVersion" && rq.op == "CopyObject":
			return nil, "", oe.withEC("0012-00000203") // documented for CopyObject only
		}
	}
	if err != nil {
		return nil, "", err
	}
	if sb.region != dst.region {
		e := errorf("AccessDenied", "Target object does not reside in the same data center as source object.")
		if rq.op == "CopyObject" {
			e = e.withEC("0016-00000306") // documented for CopyObject only
		}
		return nil, "", e
	}
	if sb.underRetention() || dst.underRetention() {
		return nil, "", newError("FileImmutable")
	}
	if err := checkCopyable(rq.op, o, s.now()); err != nil {
		return nil, "", err
	}
	if err := checkConditions(rq.r.Header, "x-oss-copy-source-", o); err != nil {
		return nil, "", err
	}
	if sb.versioning != "" {
		rq.w.Header().Set("x-oss-copy-source-version-id", o.listedVersion())
	}
	snapshot := *o
	return &snapshot, srcBucket, nil
}

// checkCopyable applies what OSS says of copy sources of the other object
// types and of cold storage classes: an appendable object cannot be copied;
// CopyObject copies a symbolic link itself, not its target, while
// UploadPartCopy refuses one (EC 0042-00000308); and a cold object must be
// restored first.
func checkCopyable(op string, o *object, now time.Time) error {
	switch {
	case o.appendable:
		return newError("OperationNotSupported")
	case o.symlink != "" && op == "UploadPartCopy":
		return errorf("InvalidArgument", "The source object of UploadPartCopy cannot be a symlink.").
			with("ArgumentName", "x-oss-copy-source").withEC("0042-00000308")
	case o.symlink == "" && !o.readable(now):
		return notRestoredError(op)
	}
	return nil
}

// parseCopySource splits x-oss-copy-source, "/bucket/escaped-key" with an
// optional "?versionId=", the bucket and key percent- or form-encoded,
// refusing what OSS refuses; its ECs differ by operation, and OSS's EC
// pages give some for one operation only.
func parseCopySource(rq *request) (bucket, key, versionID string, err error) {
	raw := rq.r.Header.Get("x-oss-copy-source")
	invalid := func(message, copyObjectEC, uploadPartCopyEC string) error {
		e := errorf("InvalidArgument", message).with("ArgumentName", "x-oss-copy-source").with("ArgumentValue", raw)
		if rq.op == "CopyObject" {
			return e.withEC(copyObjectEC)
		}
		return e.withEC(uploadPartCopyEC)
	}
	const (
		sourceMessage  = "Copy Source must mention the source bucket and key: /sourcebucket/sourcekey."
		versionMessage = "The version ID in x-oss-copy-source is invalid."
	)
	path, rawQuery, _ := strings.Cut(raw, "?")
	path, slashed := strings.CutPrefix(path, "/") // 0042-00000301: no leading slash
	// Form decoding, '+' as a space: the older official Go SDK writes the
	// key with url.QueryEscape, and the other official SDKs write a '+' of
	// the key as %2B, so a raw '+' means a space from every one of them.
	path, err = url.QueryUnescape(path)
	bucket, key, ok := strings.Cut(path, "/")
	if !slashed || err != nil || !ok || key == "" {
		return "", "", "", invalid(sourceMessage, "", "0042-00000301")
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil { // 0012-00000202: a version ID such as "%%%..."
		return "", "", "", invalid(versionMessage, "0012-00000202", "")
	}
	for k := range q {
		if k != "versionId" { // 0016-00000304: "?unknown=xxx"
			return "", "", "", invalid(sourceMessage, "0016-00000304", "")
		}
	}
	if q.Has("versionId") && q.Get("versionId") == "" { // 0016-00000305: "?versionId="
		return "", "", "", invalid(versionMessage, "0016-00000305", "")
	}
	return bucket, key, q.Get("versionId"), nil
}

// chargeCopy is called once per CopyObject or UploadPartCopy with the number
// of bytes it copies, before the digests are computed and the result stored.
// It takes the time the performance model gives the copy; a client that
// hangs up meanwhile gets an error and nothing is stored.
func (s *Server) chargeCopy(rq *request, n int64) error {
	if err := s.ctl.copyWait(rq.r.Context(), n); err != nil {
		return err
	}
	s.copied.Add(n)
	return nil
}

// copyDirective reads a CopyObject directive header: "", "COPY" or "REPLACE"
// in any case; what names the directive in the error.
func copyDirective(h http.Header, name, what string) (string, error) {
	d := strings.ToUpper(h.Get(name))
	if d != "" && d != "COPY" && d != "REPLACE" {
		return "", errorf("InvalidArgument", "The "+what+" directive is invalid.").with("ArgumentName", name)
	}
	return d, nil
}

func (s *Server) copyObject(rq *request) error {
	h := rq.r.Header
	metaDirective, err := copyDirective(h, "x-oss-metadata-directive", "metadata")
	if err != nil {
		return err
	}
	tagDirective, err := copyDirective(h, "x-oss-tagging-directive", "tagging")
	if err != nil {
		return err
	}
	acl, err := objectACL(h)
	if err != nil {
		return err
	}
	s.mu.Lock()
	dst, err := s.bucketLocked(rq.bucket)
	var (
		o         *object
		srcBucket string
	)
	if err == nil {
		o, srcBucket, err = s.resolveCopySource(rq, dst)
	}
	s.mu.Unlock()
	if err != nil {
		return err
	}
	// Storage class and encryption belong to the request even under COPY:
	// the directive only decides where content headers and metadata come from.
	// So a copy is encrypted only as its request says, whatever the source's
	// encryption, as OSS's CopyObject reference says of x-oss-metadata-directive.
	requested, err := storedHeaders(h)
	if err != nil {
		return err
	}
	hdr := requested
	if metaDirective != "REPLACE" {
		hdr = o.header.Clone()
		for _, k := range requestOwnedHeaderNames {
			hdr.Del(k)
			if v := requested.Get(k); v != "" {
				hdr.Set(k, v)
			}
		}
	}
	// Without x-oss-storage-class the copy keeps the source's class, under
	// either directive: OSS's CopyObject reference speaks of copies that "do
	// not change the storage class", and the SDK's Copier takes its shallow
	// copy (data shared, within one bucket) only when the request names none.
	defaultStorageClass(hdr, o.header.Get("x-oss-storage-class"))
	if limit := copyObjectLimit(srcBucket == rq.bucket, o.header, hdr); limit > 0 && o.size > limit {
		// The SDK's Copier recognises this code and falls back to UploadPartCopy.
		return errorf("EntityTooLarge", "Source object Length exceeds the maximum allowed size.")
	}
	tags := append([]tag(nil), o.tags...)
	if tagDirective == "REPLACE" {
		if tags, err = parseTagging(h.Get("x-oss-tagging")); err != nil {
			return err
		}
	}
	if err := s.chargeCopy(rq, o.size); err != nil {
		return err
	}
	etag := quotedETag(s.digests.md5(o.data))
	s.mu.Lock()
	defer s.mu.Unlock()
	if dst, err = s.bucketLocked(rq.bucket); err != nil {
		return err
	}
	if err := dst.checkWritable(rq.key, isTrue(h.Get("x-oss-forbid-overwrite")), s.now()); err != nil {
		return err
	}
	if o.symlink != "" {
		etag = o.etag // the copy is the same link
	}
	n := &object{key: rq.key, data: o.data, size: o.size, etag: etag, crc: o.crc, modified: s.now(),
		header: hdr, acl: acl, tags: tags, symlink: o.symlink}
	dst.storeLocked(n)
	writeVersionHeader(rq.w.Header(), dst, n)
	rq.w.Header().Set("x-oss-hash-crc64ecma", strconv.FormatUint(n.crc, 10))
	echoSSE(rq.w.Header(), hdr)
	return rq.writeXML(struct {
		XMLName      xml.Name `xml:"CopyObjectResult"`
		ETag         string   `xml:"ETag"`
		LastModified string   `xml:"LastModified"`
	}{ETag: etag, LastModified: formatTime(n.modified)})
}

func (s *Server) uploadPartCopy(rq *request) error {
	num, err := partNumber(rq)
	if err != nil {
		return err
	}
	s.mu.Lock()
	dst, _, err := s.uploadLocked(rq)
	var o *object
	if err == nil {
		o, _, err = s.resolveCopySource(rq, dst)
	}
	s.mu.Unlock()
	if err != nil {
		return err
	}
	data := o.data
	// An invalid or unsatisfiable range copies the whole object, as in OSS.
	if first, last, ok, _ := parseRange(rq.r.Header.Get("x-oss-copy-source-range"), o.size, false); ok {
		data = o.data.slice(first, last-first+1)
	}
	size := data.size()
	if size > maxPutSize {
		return errorf("InvalidArgument", "The part size must not exceed 5 GB.").with("ArgumentName", "x-oss-copy-source-range")
	}
	if err := s.chargeCopy(rq, size); err != nil {
		return err
	}
	p := &part{num: num, data: data, size: size, etag: quotedETag(s.digests.md5(data)), crc: contentCRC(data)}
	if err := s.storePart(rq, p); err != nil {
		return err
	}
	return rq.writeXML(struct {
		XMLName      xml.Name `xml:"CopyPartResult"`
		LastModified string   `xml:"LastModified"`
		ETag         string   `xml:"ETag"`
	}{LastModified: formatTime(p.modified), ETag: p.etag})
}
