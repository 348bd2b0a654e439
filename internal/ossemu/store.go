package ossemu

import (
	"crypto/md5"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

type bucket struct {
	name         string
	region       string
	owner        string // key ID of the owning account added by WithAccount; "" for the server's
	created      time.Time
	versioning   string // "", "Enabled" or "Suspended"
	acl          string
	storageClass string
	worm         *worm
	objects      map[string][]*object // versions, newest first
	uploads      map[string]*upload
}

type worm struct {
	id      string
	state   string // "InProgress" or "Locked"
	days    int
	created time.Time
}

type tag struct{ Key, Value string }

type object struct {
	key          string
	versionID    string // "" in a bucket that never had versioning, "null" when suspended
	deleteMarker bool
	data         content
	size         int64
	etag         string
	crc          uint64
	modified     time.Time
	header       http.Header // content headers, x-oss-meta-*, SSE, storage class
	acl          string
	tags         []tag
	multipart    bool
	appendable   bool   // written by AppendObject
	symlink      string // PutSymlink's x-oss-symlink-target as sent; "" for other objects
	// restoreReady and restoreExpiry bound the restored state RestoreObject
	// gives a cold object: restoring until restoreReady, readable until
	// restoreExpiry, frozen again after it. Both are zero until a restore.
	restoreReady, restoreExpiry time.Time
}

type upload struct {
	id        string
	key       string
	initiated time.Time
	header    http.Header
	acl       string
	tags      []tag
	forbid    bool // x-oss-forbid-overwrite given at Initiate
	parts     map[int]*part
}

type part struct {
	num      int
	data     content
	size     int64
	etag     string
	crc      uint64
	modified time.Time
}

// ObjectInfo describes one object version as stored.
type ObjectInfo struct {
	Bucket, Key, VersionID, ETag string // ETag with quotes as OSS sends it
	Size                         int64
	CRC64                        uint64
	ContentType                  string
	Metadata                     map[string]string // x-oss-meta-* without prefix, lowercase keys
	Header                       http.Header       // stored content headers, SSE and storage class
	StorageClass, ACL            string
	Tags                         map[string]string
	LastModified                 time.Time
	DeleteMarker                 bool
	// ObjectType is x-oss-object-type: Normal, Multipart, Appendable or Symlink.
	ObjectType string
	// SymlinkTarget is a symbolic link's target as PutSymlink gave it.
	SymlinkTarget string
	// Restore is the x-oss-restore a HEAD would show now ("" when none).
	Restore string
}

// UploadInfo describes a multipart upload in progress.
type UploadInfo struct {
	Bucket, Key, UploadID string
	Initiated             time.Time
	Parts                 int
}

func (o *object) info(bucket string, now time.Time) ObjectInfo {
	inf := ObjectInfo{
		Bucket: bucket, Key: o.key, VersionID: o.versionID, ETag: o.etag, Size: o.size, CRC64: o.crc,
		LastModified: o.modified, DeleteMarker: o.deleteMarker, ACL: o.acl,
		Metadata: map[string]string{}, Tags: map[string]string{}, Header: o.header.Clone(),
	}
	if o.deleteMarker {
		return inf
	}
	inf.ObjectType = objectType(o)
	inf.SymlinkTarget = o.symlink
	inf.Restore = o.restoreHeader(now)
	inf.ContentType = o.header.Get("Content-Type")
	inf.StorageClass = o.header.Get("x-oss-storage-class")
	for k, v := range o.header {
		if meta, ok := strings.CutPrefix(strings.ToLower(k), "x-oss-meta-"); ok {
			inf.Metadata[meta] = v[0]
		}
	}
	for _, t := range o.tags {
		inf.Tags[t.Key] = t.Value
	}
	return inf
}

// listedVersion is the version ID OSS shows for o: objects written before
// versioning was enabled (or while suspended) have the "null" version.
func (o *object) listedVersion() string {
	if o.versionID == "" {
		return "null"
	}
	return o.versionID
}

// --- lookups; callers hold s.mu ---

func (s *Server) bucketLocked(name string) (*bucket, error) {
	b, ok := s.buckets[name]
	if !ok {
		return nil, newError("NoSuchBucket").with("BucketName", name)
	}
	return b, nil
}

// objectLocked returns the version to read: the current one, or versionID.
// A delete marker reads as NoSuchKey (current) or MethodNotAllowed (by ID),
// with x-oss-delete-marker set as OSS does.
func (b *bucket) objectLocked(key, versionID string) (*object, error) {
	versions := b.objects[key]
	if versionID == "" {
		if len(versions) == 0 {
			return nil, newError("NoSuchKey").with("Key", key)
		}
		if o := versions[0]; o.deleteMarker {
			e := newError("NoSuchKey").with("Key", key)
			e.header = http.Header{"X-Oss-Delete-Marker": {"true"}, "X-Oss-Version-Id": {o.listedVersion()}}
			return nil, e
		}
		return versions[0], nil
	}
	for _, o := range versions {
		if o.listedVersion() == versionID {
			if o.deleteMarker {
				e := newError("MethodNotAllowed")
				e.header = http.Header{"X-Oss-Delete-Marker": {"true"}, "X-Oss-Version-Id": {versionID}}
				return nil, e
			}
			return o, nil
		}
	}
	return nil, newError("NoSuchVersion").with("Key", key).with("VersionId", versionID)
}

// underRetention reports whether the bucket has a WORM policy (in progress
// or locked); OSS then protects objects and refuses copies to and from it.
func (b *bucket) underRetention() bool { return b.worm != nil }

// protected reports whether o may not be overwritten or deleted yet.
func (b *bucket) protected(o *object, now time.Time) bool {
	return b.worm != nil && !o.deleteMarker && now.Before(o.modified.AddDate(0, 0, b.worm.days))
}

// immutableError refuses to destroy an object under retention, with the EC
// OSS documents for overwriting or deleting one (copies have none).
func immutableError() *ossError { return newError("FileImmutable").withEC("0026-00000202") }

// replacedLocked is the version a write (or a delete without versionId) of
// key destroys: the current object without versioning, the null version when
// versioning is suspended, none when it is enabled.
func (b *bucket) replacedLocked(key string) *object {
	versions := b.objects[key]
	switch b.versioning {
	case "Enabled":
		return nil
	case "Suspended":
		for _, v := range versions {
			if v.listedVersion() == "null" {
				return v
			}
		}
		return nil
	}
	if len(versions) == 0 {
		return nil
	}
	return versions[0]
}

// checkWritable applies WORM retention and x-oss-forbid-overwrite before key
// is written: retention forbids destroying a protected version, and OSS
// ignores x-oss-forbid-overwrite in buckets with versioning.
func (b *bucket) checkWritable(key string, forbid bool, now time.Time) error {
	if old := b.replacedLocked(key); old != nil && b.protected(old, now) {
		return immutableError()
	}
	versions := b.objects[key]
	if forbid && b.versioning == "" && len(versions) > 0 && !versions[0].deleteMarker {
		return newError("FileAlreadyExists")
	}
	return nil
}

// storeLocked makes o the current version of its key following the bucket's
// versioning state.
func (b *bucket) storeLocked(o *object) {
	switch b.versioning {
	case "Enabled":
		o.versionID = newVersionID()
	case "Suspended":
		o.versionID = "null"
	default:
		o.versionID = ""
	}
	versions := b.objects[o.key]
	if b.versioning != "Enabled" {
		// The null version (or the only version) is replaced.
		kept := versions[:0:0]
		for _, v := range versions {
			if v.listedVersion() != "null" {
				kept = append(kept, v)
			}
		}
		versions = kept
	}
	b.objects[o.key] = append([]*object{o}, versions...)
}

func (b *bucket) removeVersionLocked(key, versionID string) {
	versions := b.objects[key]
	for i, v := range versions {
		if v.versionID == versionID {
			versions = append(versions[:i:i], versions[i+1:]...)
			break
		}
	}
	if len(versions) == 0 {
		delete(b.objects, key)
		return
	}
	b.objects[key] = versions
}

func newVersionID() string { return "CAEQ" + randomHex(30) }

// --- headers stored with objects ---

// sseHeaderNames are the server-side encryption headers an object keeps and
// a write's answer repeats.
var sseHeaderNames = []string{
	"x-oss-server-side-encryption", "x-oss-server-side-data-encryption", "x-oss-server-side-encryption-key-id",
}

// defaultKMSKeyID stands for the KMS key OSS manages for an account: a write
// that asks for KMS without naming a key is encrypted with it, and the answer
// and later HEADs name it in x-oss-server-side-encryption-key-id (the SDK
// v2's integration tests, written against OSS, expect a key ID there).
const defaultKMSKeyID = "0e5a2d4c-0f3b-4c1e-9a6d-5e0551d0c0de"

// requestOwnedHeaderNames are the stored headers CopyObject always takes
// from its request, whatever the metadata directive says.
var requestOwnedHeaderNames = append([]string{"x-oss-storage-class"}, sseHeaderNames...)

var storedHeaderNames = append([]string{
	"Content-Type", "Cache-Control", "Content-Disposition", "Content-Encoding", "Content-Language", "Expires",
}, requestOwnedHeaderNames...)

var storageClasses = map[string]bool{"Standard": true, "IA": true, "Archive": true, "ColdArchive": true, "DeepColdArchive": true}

var objectACLs = map[string]bool{"default": true, "private": true, "public-read": true, "public-read-write": true}

// storedHeaders picks what OSS keeps from a write request's headers. It sets
// no storage class the request did not give: the writer decides the default
// (see defaultStorageClass).
func storedHeaders(h http.Header) (http.Header, error) {
	out := http.Header{}
	for _, k := range storedHeaderNames {
		if v := h.Get(k); v != "" {
			out.Set(k, v)
		}
	}
	for k, v := range h {
		if strings.HasPrefix(strings.ToLower(k), "x-oss-meta-") {
			out[http.CanonicalHeaderKey(strings.ToLower(k))] = []string{v[0]}
		}
	}
	if out.Get("Content-Type") == "" {
		out.Set("Content-Type", "application/octet-stream")
	}
	if sc := out.Get("x-oss-storage-class"); sc != "" && !storageClasses[sc] {
		return nil, errorf("InvalidArgument", "The storage class you specified is not valid.").
			with("ArgumentName", "x-oss-storage-class").with("ArgumentValue", sc).withEC("0013-00000101")
	}
	if sse := out.Get("x-oss-server-side-encryption"); sse != "" && sse != "AES256" && sse != "KMS" && sse != "SM4" {
		return nil, errorf("InvalidArgument", "The encryption method specified is not supported").
			with("ArgumentName", "x-oss-server-side-encryption").with("ArgumentValue", sse)
	}
	if out.Get("x-oss-server-side-encryption") == "KMS" && out.Get("x-oss-server-side-encryption-key-id") == "" {
		out.Set("x-oss-server-side-encryption-key-id", defaultKMSKeyID)
	}
	return out, nil
}

// defaultStorageClass gives hdr the storage class class unless the request
// named one. PutObject and InitiateMultipartUpload pass their bucket's storage
// class, as OSS's reference says a request's x-oss-storage-class applies
// "regardless of the storage class of the bucket"; CopyObject passes the
// source object's, as OSS keeps it when the request does not change it.
func defaultStorageClass(hdr http.Header, class string) {
	if hdr.Get("x-oss-storage-class") == "" {
		hdr.Set("x-oss-storage-class", class)
	}
}

// objectACL reads x-oss-object-acl (default "default").
func objectACL(h http.Header) (string, error) {
	acl := h.Get("x-oss-object-acl")
	if acl == "" {
		return "default", nil
	}
	if !objectACLs[acl] {
		return "", errorf("InvalidArgument", "no such object access control exists").
			with("ArgumentName", "x-oss-object-acl").with("ArgumentValue", acl)
	}
	return acl, nil
}

// parseTagging reads the x-oss-tagging header (a URL query string).
func parseTagging(v string) ([]tag, error) {
	if v == "" {
		return nil, nil
	}
	q, err := url.ParseQuery(v)
	malformed := err != nil
	for _, pair := range strings.Split(v, "&") {
		// Each tag is "key" or "key=value": OSS refuses "aa=bb=cc".
		malformed = malformed || strings.Count(pair, "=") > 1
	}
	if malformed {
		return nil, errorf("InvalidArgument", "The tagging header is invalid.").with("ArgumentName", "x-oss-tagging").
			withEC("0010-00000219")
	}
	tags := make([]tag, 0, len(q))
	for k, vs := range q {
		tags = append(tags, tag{k, vs[0]})
	}
	// A query string has no order worth keeping; sorted tags list stably.
	sort.Slice(tags, func(i, j int) bool { return tags[i].Key < tags[j].Key })
	return tags, checkTags(tags)
}

// checkTags applies OSS's limits: at most 10 tags, keys 1-128 and values up to 256 bytes.
func checkTags(tags []tag) error {
	if len(tags) > 10 {
		return errorf("InvalidArgument", "Object tags cannot be greater than 10.")
	}
	for _, t := range tags {
		if t.Key == "" || len(t.Key) > 128 || len(t.Value) > 256 {
			return errorf("InvalidArgument", "The tag key or value is invalid.")
		}
	}
	return nil
}

// --- fixtures: straight into storage, not counted ---

// CreateBucket creates a bucket in region ("" = the server's region).
func (s *Server) CreateBucket(name, region string) error {
	return s.createBucket("", name, region)
}

func (s *Server) createBucket(owner, name, region string) error {
	if err := checkBucketName(name); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.buckets[name]; ok {
		return newError("BucketAlreadyExists")
	}
	s.createBucketLocked(owner, name, region, "private", "Standard")
	return nil
}

func (s *Server) createBucketLocked(owner, name, region, acl, storageClass string) {
	if region == "" {
		region = s.cfg.region
	}
	s.buckets[name] = &bucket{
		name: name, region: region, owner: owner, created: s.now(), acl: acl, storageClass: storageClass,
		objects: map[string][]*object{}, uploads: map[string]*upload{},
	}
}

// SetBucketVersioning enables or suspends versioning.
func (s *Server) SetBucketVersioning(name string, enabled bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.fixtureBucket(name)
	if err != nil {
		return err
	}
	b.versioning = "Suspended"
	if enabled {
		b.versioning = "Enabled"
	}
	return nil
}

// LockBucketRetention puts a locked WORM policy of days on the bucket.
func (s *Server) LockBucketRetention(name string, days int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.fixtureBucket(name)
	if err != nil {
		return err
	}
	b.worm = &worm{id: randomHex(16), state: "Locked", days: days, created: s.now()}
	return nil
}

func (s *Server) fixtureBucket(name string) (*bucket, error) {
	b, ok := s.buckets[name]
	if !ok {
		return nil, fmt.Errorf("ossemu: bucket %q: %w", name, ErrNotFound)
	}
	return b, nil
}

// PutObject stores data as bucket/key; h may carry Content-Type, x-oss-meta-*,
// other content headers, SSE, storage class, x-oss-object-acl and x-oss-tagging.
func (s *Server) PutObject(bucket, key string, data []byte, h http.Header) (ObjectInfo, error) {
	c := content{{b: s.newBlob(append([]byte(nil), data...)), n: int64(len(data))}}
	return s.fixturePut(bucket, key, c, quotedETag(md5.Sum(data)), false, h)
}

// PutGeneratedObject stores size bytes of the deterministic pseudo-random
// stream of seed without storing them. Its ETag is multipart-style and
// derived from (seed, size): a real object this large would have been
// uploaded in parts, and hashing gigabytes would make fixtures slow.
func (s *Server) PutGeneratedObject(bucket, key string, size int64, seed uint64, h http.Header) (ObjectInfo, error) {
	if size < 0 {
		return ObjectInfo{}, fmt.Errorf("ossemu: negative size %d", size)
	}
	c := content{{seed: seed, n: size}}
	sum := md5.Sum(fmt.Appendf(nil, "ossemu-generated/%d/%d", seed, size))
	return s.fixturePut(bucket, key, c, quotedMultipartETag(sum, 1), true, h)
}

func (s *Server) fixturePut(bucketName, key string, c content, etag string, multipart bool, h http.Header) (ObjectInfo, error) {
	if err := checkObjectName(key); err != nil {
		return ObjectInfo{}, err
	}
	if h == nil {
		h = http.Header{}
	}
	hdr, err := storedHeaders(h)
	if err != nil {
		return ObjectInfo{}, err
	}
	acl, err := objectACL(h)
	if err != nil {
		return ObjectInfo{}, err
	}
	tags, err := parseTagging(h.Get("x-oss-tagging"))
	if err != nil {
		return ObjectInfo{}, err
	}
	crc := contentCRC(c)
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.fixtureBucket(bucketName)
	if err != nil {
		return ObjectInfo{}, err
	}
	defaultStorageClass(hdr, b.storageClass)
	o := &object{key: key, data: c, size: c.size(), etag: etag, crc: crc, modified: s.now(),
		header: hdr, acl: acl, tags: tags, multipart: multipart}
	b.storeLocked(o)
	return o.info(bucketName, s.now()), nil
}

// PutSymlink stores bucket/key as a symbolic link to target (a key in the
// same bucket, as PutSymlink's x-oss-symlink-target names it), in the
// bucket's storage class.
func (s *Server) PutSymlink(bucketName, key, target string) (ObjectInfo, error) {
	if err := checkObjectName(key); err != nil {
		return ObjectInfo{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := s.fixtureBucket(bucketName)
	if err != nil {
		return ObjectInfo{}, err
	}
	o := &object{key: key, etag: quotedETag(md5.Sum([]byte(target))), modified: s.now(),
		header: http.Header{"Content-Type": {"application/octet-stream"}}, acl: "default", symlink: target}
	defaultStorageClass(o.header, b.storageClass)
	b.storeLocked(o)
	return o.info(bucketName, s.now()), nil
}

// TransitionObject moves bucket/key (versionID "" = current) to another
// storage class in place, as a lifecycle rule does: the version, ETag, CRC64
// and Last-Modified stay as they are, since later rules count their days
// from Last-Modified.
func (s *Server) TransitionObject(bucket, key, versionID, storageClass string) error {
	if !storageClasses[storageClass] {
		return fmt.Errorf("ossemu: unknown storage class %q", storageClass)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.fixtureObject(bucket, key, versionID)
	if err != nil {
		return err
	}
	// Readers such as a copy in progress hold the object's headers without
	// the lock; they keep the ones they have.
	o.header = o.header.Clone()
	o.header.Set("x-oss-storage-class", storageClass)
	return nil
}

// HeadObject describes bucket/key (versionID "" = current); the error wraps
// ErrNotFound when the bucket, key or version is missing.
func (s *Server) HeadObject(bucket, key, versionID string) (ObjectInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.fixtureObject(bucket, key, versionID)
	if err != nil {
		return ObjectInfo{}, err
	}
	return o.info(bucket, s.now()), nil
}

// OpenObject streams the content of bucket/key (versionID "" = current).
func (s *Server) OpenObject(bucket, key, versionID string) (io.ReadCloser, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.fixtureObject(bucket, key, versionID)
	if err != nil {
		return nil, err
	}
	return newReader(o.data), nil
}

func (s *Server) fixtureObject(bucketName, key, versionID string) (*object, error) {
	b, err := s.fixtureBucket(bucketName)
	if err != nil {
		return nil, err
	}
	o, err := b.objectLocked(key, versionID)
	if err != nil {
		return nil, fmt.Errorf("ossemu: object %s/%s version %q: %w", bucketName, key, versionID, ErrNotFound)
	}
	return o, nil
}

// ListObjectVersions lists every version of bucket/key, delete markers
// included, newest first (nil when there are none).
func (s *Server) ListObjectVersions(bucket, key string) []ObjectInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.buckets[bucket]
	if !ok {
		return nil
	}
	var out []ObjectInfo
	for _, o := range b.objects[key] {
		out = append(out, o.info(bucket, s.now()))
	}
	return out
}

// Uploads lists the multipart uploads in progress in all buckets, sorted by
// bucket, key and initiation time.
func (s *Server) Uploads() []UploadInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []UploadInfo
	for name, b := range s.buckets {
		for _, u := range b.uploads {
			out = append(out, UploadInfo{Bucket: name, Key: u.key, UploadID: u.id, Initiated: u.initiated, Parts: len(u.parts)})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Bucket != b.Bucket {
			return a.Bucket < b.Bucket
		}
		if a.Key != b.Key {
			return a.Key < b.Key
		}
		return a.Initiated.Before(b.Initiated)
	})
	return out
}
