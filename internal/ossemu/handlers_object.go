package ossemu

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"encoding/xml"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxPutSize is OSS's limit for one PutObject or UploadPart body.
const maxPutSize = 5 << 30

// readUpload reads a PutObject/UploadPart body into a new blob, checking
// Content-MD5, and returns its content, ETag and CRC64.
func (s *Server) readUpload(rq *request) (content, string, uint64, error) {
	if rq.r.ContentLength > maxPutSize {
		return nil, "", 0, newError("EntityTooLarge").withEC(ecObjectBodyTooLarge)
	}
	if n := rq.r.ContentLength; n > 0 && rq.r.Header.Get("Content-MD5") == "" {
		c, err := s.readGenerated(rq.r.Body, n)
		if err != nil {
			return nil, "", 0, errorf("InvalidRequest", "Reading the request body failed: "+err.Error())
		}
		sum := s.digests.md5(c)
		if !c[0].generated() {
			// WithDigestFromExtentIdentity is for copies; what was sent gets its MD5.
			sum = md5.Sum(c[0].b.data)
		}
		return c, quotedETag(sum), contentCRC(c), nil
	}
	var data []byte
	if n := rq.r.ContentLength; n >= 0 {
		// One allocation of the announced size; net/http ends the body there.
		data = make([]byte, n)
		if _, err := io.ReadFull(rq.r.Body, data); err != nil {
			return nil, "", 0, errorf("InvalidRequest", "Reading the request body failed: "+err.Error())
		}
	} else {
		var err error
		if data, err = readAllLimit(rq.r.Body, maxPutSize); err != nil {
			return nil, "", 0, overrideEC(err, "EntityTooLarge", ecObjectBodyTooLarge)
		}
	}
	if err := checkContentMD5(rq.r.Header, data); err != nil {
		return nil, "", 0, err
	}
	c := content{{b: s.newBlob(data), n: int64(len(data))}}
	return c, quotedETag(md5.Sum(data)), contentCRC(c), nil
}

func (s *Server) putObject(rq *request) error {
	hdr, err := storedHeaders(rq.r.Header)
	if err != nil {
		return err
	}
	acl, err := objectACL(rq.r.Header)
	if err != nil {
		return err
	}
	tags, err := parseTagging(rq.r.Header.Get("x-oss-tagging"))
	if err != nil {
		return err
	}
	c, etag, crc, err := s.readUpload(rq)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.bucketLocked(rq.bucket)
	if err != nil {
		return err
	}
	if err := b.checkWritable(rq.key, isTrue(rq.r.Header.Get("x-oss-forbid-overwrite")), s.now()); err != nil {
		return err
	}
	defaultStorageClass(hdr, b.storageClass)
	o := &object{key: rq.key, data: c, size: c.size(), etag: etag, crc: crc, modified: s.now(), header: hdr, acl: acl, tags: tags}
	b.storeLocked(o)
	writeVersionHeader(rq.w.Header(), b, o)
	h := rq.w.Header()
	h.Set("ETag", etag)
	h.Set("x-oss-hash-crc64ecma", strconv.FormatUint(crc, 10))
	h.Set("Content-MD5", contentMD5(etag))
	echoSSE(h, hdr)
	return rq.writeEmpty(http.StatusOK)
}

// echoSSE repeats an object's server-side encryption headers in a write's
// response, as OSS does.
func echoSSE(h, stored http.Header) {
	for _, k := range sseHeaderNames {
		if v := stored.Get(k); v != "" {
			h.Set(k, v)
		}
	}
}

// writeVersionHeader sets x-oss-version-id to o's version in buckets that
// have versioning.
func writeVersionHeader(h http.Header, b *bucket, o *object) {
	if b.versioning != "" {
		h.Set("x-oss-version-id", o.listedVersion())
	}
}

// contentMD5 turns a single-request ETag into the Content-MD5 form OSS
// echoes after uploads.
func contentMD5(etag string) string {
	sum, _ := hex.DecodeString(strings.Trim(etag, `"`)) // our own hex output
	return base64.StdEncoding.EncodeToString(sum)
}

// readTarget resolves the object a GET/HEAD-like request reads. It returns
// copies taken under s.mu of the object and of its bucket's versioning state,
// since the answer is written without the lock while tagging, ACL and
// versioning requests may change the originals.
func (s *Server) readTarget(rq *request) (*bucket, *object, error) {
	return s.readObject(rq, false)
}

// readObject is readTarget, following a symbolic link to what HEAD and GET
// serve for it when follow is set.
func (s *Server) readObject(rq *request, follow bool) (*bucket, *object, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, o, err := s.versionTarget(rq)
	if err != nil {
		return nil, nil, err
	}
	snapshot := *o
	if follow && o.symlink != "" {
		v, err := followSymlink(b, o)
		if err != nil {
			return nil, nil, err
		}
		snapshot = *v
	}
	return &bucket{name: b.name, versioning: b.versioning}, &snapshot, nil
}

// writeObjectHeaders sets what HEAD and GET return about an object at now.
func writeObjectHeaders(h http.Header, b *bucket, o *object, now time.Time) {
	for k, v := range o.header {
		h[k] = v
	}
	h.Set("ETag", o.etag)
	h.Set("Last-Modified", httpTime(o.modified))
	h.Set("x-oss-hash-crc64ecma", strconv.FormatUint(o.crc, 10))
	h.Set("Accept-Ranges", "bytes")
	h.Set("x-oss-object-type", objectType(o))
	if o.appendable {
		h.Set("x-oss-next-append-position", strconv.FormatInt(o.size, 10))
	}
	if v := o.restoreHeader(now); v != "" {
		h.Set("x-oss-restore", v)
	}
	// An object written in one request has its MD5 as ETag, which OSS
	// also gives as Content-MD5 (the SDK v2's TestGetObject and
	// TestHeadObject, run against OSS, expect it).
	if objectType(o) == "Normal" {
		h.Set("Content-MD5", contentMD5(o.etag))
	}
	writeVersionHeader(h, b, o)
	if len(o.tags) > 0 {
		h.Set("x-oss-tagging-count", strconv.Itoa(len(o.tags)))
	}
}

// checkConditions applies If-Match, If-None-Match, If-Modified-Since and
// If-Unmodified-Since (or their x-oss-copy-source- forms, given prefix).
func checkConditions(h http.Header, prefix string, o *object) error {
	get := func(name string) string { return h.Get(prefix + name) }
	if v := get("If-Match"); v != "" && !etagMatches(v, o.etag) {
		return newError("PreconditionFailed").with("Condition", prefix+"If-Match")
	}
	if v := get("If-Unmodified-Since"); v != "" {
		if t, err := http.ParseTime(v); err == nil && o.modified.Truncate(time.Second).After(t) {
			return newError("PreconditionFailed").with("Condition", prefix+"If-Unmodified-Since")
		}
	}
	if v := get("If-None-Match"); v != "" && etagMatches(v, o.etag) {
		return newError("NotModified")
	}
	if v := get("If-Modified-Since"); v != "" {
		if t, err := http.ParseTime(v); err == nil && !o.modified.Truncate(time.Second).After(t) {
			return newError("NotModified")
		}
	}
	return nil
}

func etagMatches(cond, etag string) bool {
	want := strings.Trim(etag, `"`)
	for _, c := range strings.Split(cond, ",") {
		c = strings.Trim(strings.TrimSpace(c), `"`)
		if c == "*" || strings.EqualFold(c, want) {
			return true
		}
	}
	return false
}

func (s *Server) headObject(rq *request) error {
	b, o, err := s.readObject(rq, true)
	if err != nil {
		return err
	}
	if err := checkConditions(rq.r.Header, "", o); err != nil {
		return err
	}
	writeObjectHeaders(rq.w.Header(), b, o, s.now())
	s.hideTaggingCount(rq.w.Header())
	rq.w.Header().Set("Content-Length", strconv.FormatInt(o.size, 10))
	rq.w.WriteHeader(http.StatusOK)
	return nil
}

func (s *Server) getObjectMeta(rq *request) error {
	b, o, err := s.readTarget(rq)
	if err != nil {
		return err
	}
	h := rq.w.Header()
	h.Set("Content-Length", strconv.FormatInt(o.size, 10))
	h.Set("ETag", o.etag)
	h.Set("Last-Modified", httpTime(o.modified))
	h.Set("x-oss-last-access-time", httpTime(o.modified))
	h.Set("x-oss-hash-crc64ecma", strconv.FormatUint(o.crc, 10))
	writeVersionHeader(h, b, o)
	rq.w.WriteHeader(http.StatusOK)
	return nil
}

// responseOverrides are the query parameters that replace response headers.
var responseOverrides = map[string]string{
	"response-content-type":        "Content-Type",
	"response-content-language":    "Content-Language",
	"response-expires":             "Expires",
	"response-cache-control":       "Cache-Control",
	"response-content-disposition": "Content-Disposition",
	"response-content-encoding":    "Content-Encoding",
}

func (s *Server) getObject(rq *request) error {
	b, o, err := s.readObject(rq, true)
	if err != nil {
		return err
	}
	now := s.now()
	if !o.readable(now) {
		return notRestoredError(rq.op)
	}
	if err := checkConditions(rq.r.Header, "", o); err != nil {
		return err
	}
	h := rq.w.Header()
	writeObjectHeaders(h, b, o, now)
	s.hideTaggingCount(h)
	for q, name := range responseOverrides {
		if v := rq.query.Get(q); v != "" {
			h.Set(name, v)
		}
	}
	standard := strings.EqualFold(rq.r.Header.Get("x-oss-range-behavior"), "standard")
	first, last, ok, err := parseRange(rq.r.Header.Get("Range"), o.size, standard)
	if err != nil {
		return err
	}
	status := http.StatusOK
	body := o.data
	if ok {
		status = http.StatusPartialContent
		body = o.data.slice(first, last-first+1)
		h.Set("Content-Range", "bytes "+strconv.FormatInt(first, 10)+"-"+strconv.FormatInt(last, 10)+"/"+strconv.FormatInt(o.size, 10))
		// The CRC header describes the whole object, not the range.
	}
	h.Set("Content-Length", strconv.FormatInt(body.size(), 10))
	rq.w.WriteHeader(status)
	r := newReader(body)
	defer r.Close()
	_, _ = io.Copy(rq.w, r) // a client that hangs up just ends the stream
	return nil
}

// parseRange reads a single "bytes=first-last" range. Like OSS, an invalid
// or unsatisfiable range means the whole object (ok false) unless
// x-oss-range-behavior: standard, which makes an unsatisfiable range a 416
// and clamps a range that runs past the end.
func parseRange(v string, size int64, standard bool) (first, last int64, ok bool, err error) {
	spec, found := strings.CutPrefix(strings.TrimSpace(v), "bytes=")
	if !found || strings.Contains(spec, ",") {
		return 0, 0, false, nil
	}
	a, z, found := strings.Cut(spec, "-")
	if !found {
		return 0, 0, false, nil
	}
	if a == "" { // suffix form: the last z bytes
		n, valid := parseNonNegative(z)
		if !valid || n == 0 || size == 0 {
			return 0, 0, false, nil
		}
		return max(size-n, 0), size - 1, true, nil
	}
	first, valid := parseNonNegative(a)
	if !valid {
		return 0, 0, false, nil
	}
	last = size - 1
	if z != "" {
		if last, valid = parseNonNegative(z); !valid || last < first {
			return 0, 0, false, nil
		}
	}
	switch {
	case first >= size && standard:
		return 0, 0, false, newError("InvalidRange")
	case first >= size, last >= size && !standard:
		return 0, 0, false, nil
	}
	return first, min(last, size-1), true, nil
}

func parseNonNegative(s string) (int64, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n >= 0
}

// --- tagging and ACL ---

type taggingXML struct {
	XMLName xml.Name `xml:"Tagging"`
	Tags    []tag    `xml:"TagSet>Tag"`
}

// versionTarget resolves the version a request addresses; the caller holds
// s.mu.
func (s *Server) versionTarget(rq *request) (*bucket, *object, error) {
	b, err := s.bucketLocked(rq.bucket)
	if err != nil {
		return nil, nil, err
	}
	o, err := b.objectLocked(rq.key, rq.query.Get("versionId"))
	return b, o, err
}

func (s *Server) putObjectTagging(rq *request) error {
	var v taggingXML
	if err := rq.readXML(&v); err != nil {
		return err
	}
	if err := checkTags(v.Tags); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, o, err := s.versionTarget(rq)
	if err != nil {
		return err
	}
	o.tags = v.Tags
	writeVersionHeader(rq.w.Header(), b, o)
	return rq.writeEmpty(http.StatusOK)
}

func (s *Server) getObjectTagging(rq *request) error {
	s.mu.Lock()
	b, o, err := s.versionTarget(rq)
	var v taggingXML
	if err == nil {
		v.Tags = append(v.Tags, o.tags...)
		writeVersionHeader(rq.w.Header(), b, o)
	}
	s.mu.Unlock()
	if err != nil {
		return err
	}
	return rq.writeXML(v)
}

func (s *Server) deleteObjectTagging(rq *request) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, o, err := s.versionTarget(rq)
	if err != nil {
		return err
	}
	o.tags = nil
	writeVersionHeader(rq.w.Header(), b, o)
	return rq.writeEmpty(http.StatusNoContent)
}

func (s *Server) putObjectACL(rq *request) error {
	if rq.r.Header.Get("x-oss-object-acl") == "" {
		return errorf("InvalidArgument", "no such object access control exists").with("ArgumentName", "x-oss-object-acl").
			withEC("0017-00000105")
	}
	acl, err := objectACL(rq.r.Header)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, o, err := s.versionTarget(rq)
	if err != nil {
		return err
	}
	o.acl = acl
	writeVersionHeader(rq.w.Header(), b, o)
	return rq.writeEmpty(http.StatusOK)
}

func (s *Server) getObjectACL(rq *request) error {
	s.mu.Lock()
	b, o, err := s.versionTarget(rq)
	var acl string
	if err == nil {
		acl = o.acl
		writeVersionHeader(rq.w.Header(), b, o)
	}
	s.mu.Unlock()
	if err != nil {
		return err
	}
	return rq.writeXML(aclXML{Owner: theOwner, Grant: acl})
}
