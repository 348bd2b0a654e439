// Package objectcopy copies OSS objects on the server side, with multipart
// copies for large objects, or relays them through this machine when the
// source is in another region or account, and guarantees that a copy either ends verified
// (CRC64 equal to the source's) or leaves no multipart upload behind.
package objectcopy

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
)

// Directive values for Params.MetadataDirective and Params.TaggingDirective.
const (
	DirectiveCopy    = "COPY"
	DirectiveReplace = "REPLACE"
)

// MaxParallelism is the highest Params.Parallelism Copy accepts.
const MaxParallelism = 100

const (
	// commitTimeout bounds the requests that create server-side state
	// (Initiate, Complete, CopyObject), or twice their read/write timeout
	// when that is longer. They run on a context the caller's
	// cancellation does not reach: cancelling one midway would leave an
	// upload whose ID is unknown, or a Complete whose outcome is unknown.
	commitTimeout = 2 * time.Minute
	// cleanupTimeout bounds the abort or delete after a failure, which also
	// runs past the caller's cancellation, since that is often its cause.
	cleanupTimeout = 30 * time.Second
	// silenceBase, minCopyRate and minCompleteRate size the read/write
	// timeout of the requests OSS answers only once their work is done, so
	// that their connection stays silent meanwhile: UploadPartCopy and
	// CopyObject copy their bytes first, Complete assembles the object. A
	// timeout cuts a healthy request and makes the SDK send it again, which
	// copies the bytes twice, so the rates are far below what a copy stream
	// plausibly does: 1 MiB/s for a copy, and 1 GiB/s
	// of object for Complete, which copies no bytes. The base covers the
	// round trip and OSS's queueing. A dead connection is then found late,
	// which costs time; a healthy request cut costs money.
	silenceBase           = 15 * time.Second
	minCopyRate     int64 = 1024 * 1024        // bytes per second
	minCompleteRate int64 = 1024 * 1024 * 1024 // bytes of object per second
	// strayMargin widens the window in which abortStrays takes uploads for
	// lost Initiate attempts, for the one-second resolution of Date.
	strayMargin = 2 * time.Second
)

// Params describes one copy. Source and destination must be in the same
// region, unless SourceClient reads the source.
type Params struct {
	SourceBucket, SourceKey string
	// SourceVersionID pins a version; "" copies the current version, which
	// is then pinned for the rest of the copy. With Source it may stay
	// empty: Source names the version (see SourceVersion).
	SourceVersionID string
	Bucket, Key     string

	// PartSize is the multipart part size in bytes, MinPartSize to
	// MaxPartSize; 0 picks it from the object size (and Tuner) and copies
	// small objects with a single CopyObject.
	PartSize int64
	// Parallelism is the number of parts copied at once, 1 to
	// MaxParallelism; 0 lets Tuner choose, or means DefaultParallelism
	// without one.
	Parallelism int
	// Tuner, when set, chooses what PartSize and Parallelism leave open
	// from what earlier copies measured, and learns from this one; share
	// one between the copies of a process. Without it the choice is static
	// (AutoPartSize, DefaultParallelism). A relayed copy does not use it.
	Tuner *Tuner

	// MetadataDirective is DirectiveCopy (default: content headers and
	// x-oss-meta-* come from the source) or DirectiveReplace (they come from
	// ContentHeaders, which must be empty under DirectiveCopy).
	MetadataDirective string
	ContentHeaders

	// TaggingDirective is DirectiveCopy (default: the source's tags) or
	// DirectiveReplace (Tags, which must be empty under DirectiveCopy).
	TaggingDirective string
	Tags             map[string]string

	// The source's encryption is not carried over under either directive:
	// without ServerSideEncryption the copy is encrypted only as the
	// destination bucket's default encryption says.
	ACL, StorageClass, ServerSideEncryption, KMSKeyID string
	// ForbidOverwrite makes the copy fail with FileAlreadyExists when the
	// destination exists (OSS ignores it in versioned buckets).
	ForbidOverwrite bool

	// Source, when set, is the source as the caller has just read it with
	// HeadSource, and saves Copy reading it again: the copy sends no
	// HeadObject of the source and copies only content with Source's ETag
	// (and version): every CopyObject and UploadPartCopy is pinned to it
	// with If-Match, so a source changed since fails the copy with
	// ErrSourceChanged and the upload is aborted. A Source not made by
	// HeadSource lacks the content headers a multipart copy under
	// MetadataDirective COPY gives the new object, so that copy reads them
	// again, and fails with ErrSourceChanged before writing anything if the
	// ETag is not Source's.
	// It must name SourceBucket, SourceKey and SourceVersionID when that is
	// set.
	Source *Source

	// Describe makes the Result complete with what only a HeadObject of the
	// new object tells: its LastModified after a multipart copy, and the
	// storage class and encryption the destination bucket's defaults gave
	// it. Without it Copy verifies the copy with the CRC64 that Complete or
	// CopyObject answers and sends no HeadObject, a round trip fewer; those
	// fields are then zero unless Params named them (or CopyObject answered
	// them). A caller that records them, such as a resource's state, sets
	// it; one that needs only the ETag, version and CRC64 leaves it off.
	Describe bool

	// HTTPClient is the HTTP client c was configured with
	// (oss.Config.WithHttpClient), if any. The SDK sets a connection's
	// read/write timeout when it dials it (10 s by default), and a pooled
	// connection keeps it, so the requests that OSS answers only when their
	// copy is done would be cut on connections other requests dialled. With
	// HTTPClient, whose transport must be an *http.Transport such as the
	// SDK's transport.NewHttpClient makes, they run on clones of it whose
	// connections all have the timeout their size needs. Without it, only
	// connections dialled for those requests get that timeout.
	HTTPClient *http.Client

	// SourceClient, when set, reads the source (another region, endpoint
	// or account than the destination's client), and the copy relays the
	// bytes through this machine: each part is a ranged GetObject streamed
	// into an UploadPart, pinned to the source's version and ETag, its
	// CRC64 checked, the parts' CRC64 combined and compared with the
	// source's before Complete. Every size takes a multipart upload then.
	// The copy's client may have the SDK's own upload CRC64 check off
	// (oss.Config.WithDisableUploadCRC64Check), which saves hashing every
	// byte twice.
	SourceClient *oss.Client

	Logger Logger // may be nil
}

// SourceVersion is the version Copy copies: Source's when Source is set,
// else SourceVersionID ("" for the current version).
func (p Params) SourceVersion() string {
	if p.Source != nil {
		return p.Source.VersionID
	}
	return p.SourceVersionID
}

// ContentHeaders are an object's content headers and user metadata: in
// Params, what MetadataDirective REPLACE gives the copy; in Source, what the
// source has.
type ContentHeaders struct {
	ContentType, CacheControl, ContentDisposition, ContentEncoding, Expires string
	Metadata                                                                map[string]string // keys without the x-oss-meta- prefix
}

func (h ContentHeaders) isZero() bool {
	return h.ContentType == "" && h.CacheControl == "" && h.ContentDisposition == "" && h.ContentEncoding == "" &&
		h.Expires == "" && len(h.Metadata) == 0
}

// setCopy puts h on a CopyObject request; an empty header is not sent.
func (h ContentHeaders) setCopy(req *oss.CopyObjectRequest) {
	req.ContentType = optional(h.ContentType)
	req.CacheControl = optional(h.CacheControl)
	req.ContentDisposition = optional(h.ContentDisposition)
	req.ContentEncoding = optional(h.ContentEncoding)
	req.Expires = optional(h.Expires)
	req.Metadata = h.Metadata
}

// setInitiate puts h on an InitiateMultipartUpload request, whose content
// headers become the new object's; an empty header is not sent.
func (h ContentHeaders) setInitiate(req *oss.InitiateMultipartUploadRequest) {
	req.ContentType = optional(h.ContentType)
	req.CacheControl = optional(h.CacheControl)
	req.ContentDisposition = optional(h.ContentDisposition)
	req.ContentEncoding = optional(h.ContentEncoding)
	req.Expires = optional(h.Expires)
	req.Metadata = h.Metadata
}

// Source is the source object as HeadSource found it.
type Source struct {
	Bucket, Key, VersionID, ETag string
	Size                         int64
	CRC64                        uint64
	// HasCRC64 is false when OSS reported no CRC64 for the source, so that
	// copies of it cannot be verified.
	HasCRC64     bool
	LastModified time.Time
	StorageClass string
	// ObjectType is x-oss-object-type: Normal, Multipart, Appendable or
	// Symlink ("" when OSS reported none).
	ObjectType string
	// Restore is x-oss-restore: "" for an object never restored or whose
	// restored state expired, ongoing-request="true" while a restore runs,
	// ongoing-request="false", expiry-date="..." while it is restored.
	Restore string

	// ContentHeaders and ContentLanguage are what a multipart copy under
	// MetadataDirective COPY gives the new object: UploadPartCopy does not
	// carry them over. Only ContentType is set in a Source not made by
	// HeadSource.
	ContentHeaders
	ContentLanguage string
	// TaggingCount is x-oss-tagging-count; 0 also when OSS withheld it from
	// a requester that may not read the tags.
	TaggingCount int

	// described is true when HeadSource filled the fields above, so that a
	// Source built by hand is read again before a multipart copy.
	described bool
	// took is how long HeadSource's request took: a round trip for Tuner.
	took time.Duration
}

// Result describes the object a copy produced, as completely as a HEAD of it
// would, so that callers need not read it back.
type Result struct {
	ETag, VersionID string
	CRC64           uint64
	Size            int64
	LastModified    time.Time
	ContentType     string
	Parts           int    // 0 when a single CopyObject made the copy
	Source          Source // the source version that was copied
	// HasCRC64 is false when OSS reported no CRC64 for the new object, so
	// that it could not be verified and CRC64 is 0.
	HasCRC64 bool

	// StorageClass, ServerSideEncryption and KMSKeyID are what OSS reports
	// for the new object, "" when it reports none: where Params left them
	// empty, a single CopyObject keeps the source's storage class, while a
	// multipart copy and encryption get the destination bucket's defaults.
	StorageClass, ServerSideEncryption, KMSKeyID string
}

// HeadSource reads the size, ETag, version and CRC64 of a source object;
// versionID "" means the current version.
func HeadSource(ctx context.Context, c *oss.Client, bucket, key, versionID string) (*Source, error) {
	return headSource(ctx, c, bucket, key, versionID)
}

func headSource(ctx context.Context, c *oss.Client, bucket, key, versionID string, opts ...func(*oss.Options)) (*Source, error) {
	sent := time.Now()
	res, err := c.HeadObject(ctx, &oss.HeadObjectRequest{
		Bucket:    oss.Ptr(bucket),
		Key:       oss.Ptr(key),
		VersionId: optional(versionID),
	}, opts...)
	took := time.Since(sent)
	if err != nil {
		return nil, &Error{Op: "HeadObject", Bucket: bucket, Key: key, Err: err}
	}
	s := &Source{
		Bucket:       bucket,
		Key:          key,
		VersionID:    oss.ToString(res.VersionId),
		ETag:         oss.ToString(res.ETag),
		Size:         res.ContentLength,
		StorageClass: oss.ToString(res.StorageClass),
		ObjectType:   oss.ToString(res.ObjectType),
		Restore:      oss.ToString(res.Restore),
		ContentHeaders: ContentHeaders{
			ContentType:        oss.ToString(res.ContentType),
			CacheControl:       oss.ToString(res.CacheControl),
			ContentDisposition: oss.ToString(res.ContentDisposition),
			ContentEncoding:    oss.ToString(res.ContentEncoding),
			Expires:            oss.ToString(res.Expires),
			Metadata:           res.Metadata,
		},
		ContentLanguage: res.Headers.Get("Content-Language"),
		TaggingCount:    int(res.TaggingCount),
		described:       true,
		took:            took,
	}
	if s.VersionID == "" {
		s.VersionID = versionID
	}
	if res.LastModified != nil {
		s.LastModified = *res.LastModified
	}
	if s.ETag == "" {
		// Without an ETag the parts cannot be pinned to this content.
		return nil, &Error{Op: "HeadObject", Bucket: bucket, Key: key, Err: errors.New("response has no ETag")}
	}
	if res.HashCRC64 != nil {
		crc, err := strconv.ParseUint(*res.HashCRC64, 10, 64)
		if err != nil {
			return nil, &Error{Op: "HeadObject", Bucket: bucket, Key: key, Err: fmt.Errorf("invalid x-oss-hash-crc64ecma %q: %w", *res.HashCRC64, err)}
		}
		s.CRC64, s.HasCRC64 = crc, true
	}
	return s, nil
}

// Copy copies the source object to the destination on the server side.
//
// Small objects (with an automatic part size) take one CopyObject; others a
// multipart copy whose parts are each pinned to the source's version and
// ETag. With Params.SourceClient every object takes a multipart upload whose
// parts relay the source's bytes (see relay.go). The copy's CRC64 is compared with the source's. On any failure,
// including cancellation of ctx, the multipart upload is aborted and an
// object that failed verification is deleted. A failed OSS operation is
// reported as an *Error; invalid parameters, and an object too large for
// MaxParts parts, as plain errors before anything is written.
func Copy(ctx context.Context, c *oss.Client, p Params) (*Result, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	cp := &copier{c: c, sc: cmp.Or(p.SourceClient, c), p: p, log: p.Logger, retry: newRetryPolicy(minRetryBudget), tuner: p.Tuner}
	cp.pools.base = p.HTTPClient
	defer cp.pools.close()
	if cp.log == nil {
		cp.log = nopLogger{}
	}
	if cp.relayed() {
		// Its parts move bytes through this machine, at other rates.
		cp.tuner = nil
	}

	// One plan serves the whole copy. Whether a known source needs reading
	// again depends on it, and a Tuner that other copies update meanwhile
	// must not turn a copy planned as one CopyObject into a multipart copy
	// of a source whose content headers were never read.
	var pl plan
	if known := p.Source; known != nil {
		cp.tuner.observeRoundTrip(known.took)
		pl = cp.plan(known.Size)
	}
	src, err := cp.readSource(ctx, pl.single)
	if err != nil {
		return nil, err
	}
	cp.src = src
	if src != p.Source {
		cp.tuner.observeRoundTrip(src.took)
	}
	if p.Source == nil {
		pl = cp.plan(src.Size)
	}
	if !src.HasCRC64 {
		cp.log.Info("source has no CRC64; the copy cannot be verified", cp.fields())
	}

	cp.p.Parallelism = pl.parallelism
	if pl.single {
		return cp.copyObject(ctx)
	}
	var parts []Part
	if cp.relayed() {
		parts, err = relayParts(src.Size, p.PartSize)
	} else {
		parts, err = PlanParts(src.Size, pl.partSize)
	}
	if err != nil {
		return nil, err
	}
	cp.retry.budget.Add(int64(len(parts) / partsPerRetry))
	return cp.multipartCopy(ctx, parts)
}

// plan chooses how to copy a source of size bytes. A relayed copy always
// takes a multipart upload; a 0-byte object never does: it has no parts,
// and OSS rejects a Complete without any.
func (cp *copier) plan(size int64) plan {
	pl := cp.tuner.plan(size, cp.p.PartSize, cp.p.Parallelism)
	pl.single = !cp.relayed() && (size == 0 || pl.single)
	return pl
}

// relayed reports whether the bytes pass through this machine.
func (cp *copier) relayed() bool { return cp.p.SourceClient != nil }

// readSource returns the source to copy: Params.Source when it has all a
// copy needs (HeadSource made it, or single: one CopyObject will copy it),
// since every copy request is pinned to its ETag; otherwise a HeadObject,
// pinned to Params.Source's version and checked against its ETag when there
// is one. Either way a source that OSS would not copy as asked (CheckCopyable)
// fails the copy before anything is written.
func (cp *copier) readSource(ctx context.Context, single bool) (*Source, error) {
	p := cp.p
	known := p.Source
	if known != nil && (known.described || cp.replaceMetadata() || single) {
		if err := known.CheckCopyable(); err != nil {
			return nil, &Error{Op: "HeadObject", Bucket: p.SourceBucket, Key: p.SourceKey, Err: err}
		}
		return known, nil
	}
	src, err := headSource(ctx, cp.sc, p.SourceBucket, p.SourceKey, p.SourceVersion(), cp.retry.apply)
	if err != nil {
		return nil, err
	}
	if known != nil && src.ETag != known.ETag {
		return nil, &Error{Op: "HeadObject", Bucket: p.SourceBucket, Key: p.SourceKey,
			Err: fmt.Errorf("%w: its ETag is %s, not %s", ErrSourceChanged, src.ETag, known.ETag)}
	}
	if err := src.CheckCopyable(); err != nil {
		return nil, &Error{Op: "HeadObject", Bucket: p.SourceBucket, Key: p.SourceKey, Err: err}
	}
	return src, nil
}

func (p *Params) validate() error {
	var problems []string
	for _, f := range []struct{ name, value string }{
		{"SourceBucket", p.SourceBucket}, {"SourceKey", p.SourceKey}, {"Bucket", p.Bucket}, {"Key", p.Key},
	} {
		if f.value == "" {
			problems = append(problems, f.name+" is required")
		}
	}
	switch strings.ToUpper(p.MetadataDirective) {
	case "", DirectiveCopy:
		if !p.isZero() {
			problems = append(problems, "content headers and Metadata apply only with MetadataDirective REPLACE")
		}
	case DirectiveReplace:
	default:
		problems = append(problems, fmt.Sprintf("MetadataDirective %q is neither COPY nor REPLACE", p.MetadataDirective))
	}
	switch strings.ToUpper(p.TaggingDirective) {
	case "", DirectiveCopy:
		if len(p.Tags) > 0 {
			problems = append(problems, "Tags apply only with TaggingDirective REPLACE")
		}
	case DirectiveReplace:
	default:
		problems = append(problems, fmt.Sprintf("TaggingDirective %q is neither COPY nor REPLACE", p.TaggingDirective))
	}
	if p.PartSize != 0 && (p.PartSize < MinPartSize || p.PartSize > MaxPartSize) {
		problems = append(problems, fmt.Sprintf("PartSize %d is outside %d..%d", p.PartSize, MinPartSize, MaxPartSize))
	}
	if p.Parallelism < 0 || p.Parallelism > MaxParallelism {
		problems = append(problems, fmt.Sprintf("Parallelism %d is outside 1..%d", p.Parallelism, MaxParallelism))
	}
	if p.KMSKeyID != "" && p.ServerSideEncryption != "KMS" {
		problems = append(problems, "KMSKeyID applies only with ServerSideEncryption KMS")
	}
	if s := p.Source; s != nil {
		if s.Bucket != p.SourceBucket || s.Key != p.SourceKey || (p.SourceVersionID != "" && s.VersionID != p.SourceVersionID) {
			problems = append(problems, "Source names another object than SourceBucket, SourceKey and SourceVersionID")
		}
		if s.ETag == "" {
			problems = append(problems, "Source has no ETag")
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("objectcopy: invalid parameters: %s", strings.Join(problems, "; "))
	}
	return nil
}

// copier holds the state of one Copy call.
type copier struct {
	c        *oss.Client
	sc       *oss.Client // reads the source: Params.SourceClient, else c
	p        Params
	log      Logger
	retry    *retryPolicy
	tuner    *Tuner // nil: static choices
	src      *Source
	uploadID string
	pools    pools
	partCRCs []uint64 // a relayed copy's, by part index
	// initiated is Initiate's answer's headers: the encryption OSS applies,
	// for a Result made without a HeadObject.
	initiated http.Header
}

func (cp *copier) fields() map[string]any {
	f := map[string]any{
		"source_bucket": cp.src.Bucket, "source_key": cp.src.Key, "source_version_id": cp.src.VersionID,
		"bucket": cp.p.Bucket, "key": cp.p.Key, "size": cp.src.Size,
	}
	if cp.uploadID != "" {
		f["upload_id"] = cp.uploadID
	}
	return f
}

func (cp *copier) fail(op string, err error) *Error {
	return &Error{Op: op, Bucket: cp.p.Bucket, Key: cp.p.Key, UploadID: cp.uploadID, Err: err}
}

func (cp *copier) replaceMetadata() bool {
	return strings.EqualFold(cp.p.MetadataDirective, DirectiveReplace)
}
func (cp *copier) replaceTags() bool {
	return strings.EqualFold(cp.p.TaggingDirective, DirectiveReplace)
}

// copyObject copies with one CopyObject request; OSS applies the metadata
// and tagging directives itself.
func (cp *copier) copyObject(ctx context.Context) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, cp.fail("CopyObject", err)
	}
	p := cp.p
	req := &oss.CopyObjectRequest{
		Bucket:                    oss.Ptr(p.Bucket),
		Key:                       oss.Ptr(p.Key),
		SourceBucket:              oss.Ptr(cp.src.Bucket),
		SourceKey:                 oss.Ptr(cp.src.Key),
		SourceVersionId:           optional(cp.src.VersionID),
		IfMatch:                   oss.Ptr(cp.src.ETag),
		MetadataDirective:         oss.Ptr(DirectiveCopy),
		TaggingDirective:          oss.Ptr(DirectiveCopy),
		ForbidOverwrite:           forbidOverwrite(p.ForbidOverwrite),
		ServerSideEncryption:      optional(p.ServerSideEncryption),
		ServerSideEncryptionKeyId: optional(p.KMSKeyID),
		Acl:                       oss.ObjectACLType(p.ACL),
		StorageClass:              oss.StorageClassType(p.StorageClass),
	}
	if cp.replaceMetadata() {
		req.MetadataDirective = oss.Ptr(DirectiveReplace)
		p.setCopy(req)
	}
	if cp.replaceTags() {
		req.TaggingDirective = oss.Ptr(DirectiveReplace)
		req.Tagging = optional(encodeTags(p.Tags))
	}

	timeout := silence(cp.src.Size, minCopyRate)
	cctx, cancel := detached(ctx, max(commitTimeout, 2*timeout))
	defer cancel()
	cp.log.Debug("copying with CopyObject", cp.fields())
	sent, budget := time.Now(), cp.retry.budget.Load()
	res, err := cp.c.CopyObject(cctx, req, cp.retry.apply, cp.pools.timeout(timeout))
	if err == nil && cp.retry.budget.Load() == budget {
		cp.tuner.observeSingle(cp.src.Size, time.Since(sent))
	}
	if err != nil {
		// OSS answers an error only for a copy it did not make: only a retry
		// or a missing answer leaves one behind.
		var se *oss.ServiceError
		if cp.retry.budget.Load() == budget && errors.As(err, &se) {
			return nil, cp.fail("CopyObject", sourceChangedError(err))
		}
		if head := cp.recognize(ctx, sent); head != nil {
			fields := cp.fields()
			fields["error"] = err.Error()
			cp.log.Info("CopyObject failed, but the destination is the copy it made: its answer was lost", fields)
			return cp.result(ctx, "CopyObject", head, written{oss.ToString(head.ETag), oss.ToString(head.VersionId)}, head.HashCRC64, 0)
		}
		return nil, cp.fail("CopyObject", sourceChangedError(err))
	}
	w := written{oss.ToString(res.ETag), oss.ToString(res.VersionId)}
	versionID := w.versionID
	if cp.retry.budget.Load() != budget && versionID != "" {
		cp.dropLostCopies(ctx, sent, res.Headers, w)
	}
	if err := cp.checkSourceVersion(res.SourceVersionId); err != nil {
		return nil, cp.discard(ctx, "CopyObject", w, err)
	}
	// CopyObject answers neither the Content-Type nor the storage class, but
	// both follow from the request and the source. A CopyObject that names no
	// storage class keeps the source's: OSS's reference speaks of copies that
	// "do not change the storage class", and the SDK's Copier copies in place
	// only then.
	contentType := cp.src.ContentType
	if cp.replaceMetadata() {
		contentType = p.ContentType
	}
	storageClass := p.StorageClass
	if storageClass == "" {
		storageClass = cp.src.StorageClass
	}
	if res.HashCRC64 == nil || (p.Describe && (res.LastModified == nil || contentType == "" || storageClass == "")) {
		// Only a HEAD tells what OSS made of what nothing tells.
		return cp.verify(ctx, "CopyObject", w, res.HashCRC64, 0)
	}
	// CopyObject answers everything else, encryption included, which saves
	// a HEAD of the destination, a third of the time a small copy takes.
	crc, err := cp.checkCRC(ctx, "CopyObject", w, *res.HashCRC64)
	if err != nil {
		return nil, err
	}
	r := &Result{
		ETag:                 oss.ToString(res.ETag),
		VersionID:            versionID,
		CRC64:                crc,
		HasCRC64:             true,
		Size:                 cp.src.Size,
		ContentType:          contentType,
		StorageClass:         storageClass,
		ServerSideEncryption: oss.ToString(res.ServerSideEncryption),
		KMSKeyID:             oss.ToString(res.ServerSideEncryptionKeyId),
		Source:               *cp.src,
	}
	if res.LastModified != nil {
		// HEAD's Last-Modified has whole seconds; the body's has milliseconds.
		r.LastModified = res.LastModified.Truncate(time.Second)
	}
	return r, nil
}

// multipartCopy runs Initiate, the parts and Complete, and aborts the upload
// on any failure before Complete.
func (cp *copier) multipartCopy(ctx context.Context, parts []Part) (*Result, error) {
	req := cp.initiateRequest()
	if err := cp.initiateWithTags(ctx, req); err != nil {
		return nil, err
	}
	fields := cp.fields()
	fields["parts"] = len(parts)
	fields["part_size"] = parts[0].Size()
	fields["parallelism"] = min(cp.p.Parallelism, len(parts))
	cp.log.Debug("multipart copy started", fields)

	etags, err := cp.copyParts(ctx, parts, cp.pools.timeout(silence(parts[0].Size(), minCopyRate)))
	if err == nil && cp.relayed() {
		err = cp.checkRelayedCRC(parts)
	}
	if err == nil && ctx.Err() != nil {
		// Cancelled after the last part: Complete would still make the
		// object, against the caller's wish.
		err = cp.fail("CompleteMultipartUpload", ctx.Err())
	}
	if err != nil {
		return nil, cp.abortAfter(ctx, err)
	}
	return cp.complete(ctx, etags)
}

// initiateWithTags initiates the upload with the tags the copy gets. Under
// TaggingDirective COPY only GetObjectTagging tells the source's tags: HEAD's
// x-oss-tagging-count cannot tell a source without tags from one whose tags
// the requester may not read (OSS leaves the header out for both), and a
// refusal must fail the copy rather than drop the tags. When the count says
// there are tags, they are read first; otherwise the upload is initiated
// while they are read, which saves a round trip in the common case of no
// tags, and initiated again with the tags (the first upload aborted) when
// there turn out to be some.
func (cp *copier) initiateWithTags(ctx context.Context, req *oss.InitiateMultipartUploadRequest) error {
	if cp.replaceTags() {
		req.Tagging = optional(encodeTags(cp.p.Tags))
		return cp.initiate(ctx, req)
	}
	if cp.src.TaggingCount > 0 {
		tags, err := cp.sourceTags(ctx)
		if err != nil {
			return err
		}
		req.Tagging = optional(encodeTags(tags))
		return cp.initiate(ctx, req)
	}
	type answer struct {
		tags map[string]string
		err  error
	}
	read := make(chan answer, 1)
	go func() {
		sent := time.Now()
		tags, err := cp.sourceTags(ctx)
		if err == nil {
			cp.tuner.observeRoundTrip(time.Since(sent))
		}
		read <- answer{tags, err}
	}()
	initErr := cp.initiate(ctx, req)
	got := <-read
	switch {
	case initErr != nil:
		return initErr
	case got.err != nil:
		return cp.abortAfter(ctx, got.err)
	case len(got.tags) == 0:
		return nil
	}
	if err := cp.abort(ctx); err != nil {
		return cp.fail("AbortMultipartUpload", fmt.Errorf("aborting the upload initiated without the source's tags: %w", err))
	}
	cp.uploadID = ""
	req.Tagging = optional(encodeTags(got.tags))
	return cp.initiate(ctx, req)
}

// sourceTags reads the tags of the source version.
func (cp *copier) sourceTags(ctx context.Context) (map[string]string, error) {
	res, err := cp.sc.GetObjectTagging(ctx, &oss.GetObjectTaggingRequest{
		Bucket:    oss.Ptr(cp.src.Bucket),
		Key:       oss.Ptr(cp.src.Key),
		VersionId: optional(cp.src.VersionID),
	}, cp.retry.apply)
	if err != nil {
		return nil, &Error{Op: "GetObjectTagging", Bucket: cp.src.Bucket, Key: cp.src.Key,
			Err: fmt.Errorf("reading the source's tags, which tagging directive COPY copies: %w", err)}
	}
	tags := make(map[string]string, len(res.Tags))
	for _, t := range res.Tags {
		tags[oss.ToString(t.Key)] = oss.ToString(t.Value)
	}
	return tags, nil
}

// initiate sends InitiateMultipartUpload and records the upload ID.
func (cp *copier) initiate(ctx context.Context, req *oss.InitiateMultipartUploadRequest) error {
	// Initiate gets a budget of its own so that a retry shows.
	initRetry := newRetryPolicy(maxAttempts)
	sent := time.Now()
	ictx, cancel := detached(ctx, commitTimeout)
	res, err := cp.c.InitiateMultipartUpload(ictx, req, initRetry.apply)
	cancel()
	if err != nil {
		return cp.fail("InitiateMultipartUpload", err)
	}
	if initRetry.budget.Load() == maxAttempts {
		cp.tuner.observeRoundTrip(time.Since(sent))
	}
	cp.uploadID = oss.ToString(res.UploadId)
	cp.initiated = res.Headers
	if initRetry.budget.Load() < maxAttempts {
		cp.abortStrays(ctx, sent, res.Headers)
	}
	return nil
}

// initiateRequest carries everything the new object gets besides its bytes
// and tags: UploadPartCopy never copies the source's metadata.
func (cp *copier) initiateRequest() *oss.InitiateMultipartUploadRequest {
	p := cp.p
	req := &oss.InitiateMultipartUploadRequest{
		Bucket:                    oss.Ptr(p.Bucket),
		Key:                       oss.Ptr(p.Key),
		ForbidOverwrite:           forbidOverwrite(p.ForbidOverwrite),
		ServerSideEncryption:      optional(p.ServerSideEncryption),
		ServerSideEncryptionKeyId: optional(p.KMSKeyID),
		StorageClass:              oss.StorageClassType(p.StorageClass),
		// Otherwise the SDK guesses a Content-Type from the key's extension,
		// and COPY would not keep the source's.
		DisableAutoDetectMimeType: true,
		RequestCommon:             oss.RequestCommon{Headers: map[string]string{}},
	}
	if p.ACL != "" {
		// The SDK models the ACL on Complete only; OSS takes it here as well.
		req.Headers["x-oss-object-acl"] = p.ACL
	}
	if cp.replaceMetadata() {
		p.setInitiate(req)
		return req
	}
	cp.src.setInitiate(req)
	if cp.src.ContentLanguage != "" {
		req.Headers["Content-Language"] = cp.src.ContentLanguage
	}
	return req
}

// copyParts copies all parts with a pool of workers that each take the next
// part as soon as their previous one is done, and stops at the first error.
// It returns the part ETags in part order.
func (cp *copier) copyParts(ctx context.Context, parts []Part, timeout func(*oss.Options)) ([]string, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var (
		etags    = make([]string, len(parts))
		next     atomic.Int64
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
		prog     = newProgress(cp.log, time.Now, cp.p.Bucket, cp.p.Key, parts, cp.src.Size)
	)
	if cp.relayed() {
		cp.partCRCs = make([]uint64, len(parts))
	}
	workers := min(cp.p.Parallelism, len(parts))
	samples := make([]partSample, len(parts))
	for range workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := next.Add(1) - 1
				if i >= int64(len(parts)) {
					return
				}
				var (
					etag string
					err  error
				)
				if cp.relayed() {
					etag, cp.partCRCs[i], err = cp.relayPart(ctx, parts[i])
				} else {
					sent := time.Now()
					etag, err = cp.copyPart(ctx, parts[i], timeout)
					samples[i] = partSample{size: parts[i].Size(), took: time.Since(sent)}
				}
				if err != nil {
					errOnce.Do(func() { firstErr = err; cancel() })
					return
				}
				etags[i] = etag
				prog.partDone(parts[i])
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	cp.tuner.observeParts(workers, samples, cp.retry.throttled.Load())
	// Cancelled between two parts: no request failed, but the copy stopped.
	if slices.Contains(etags, "") {
		return nil, cp.fail("UploadPartCopy", ctx.Err())
	}
	return etags, nil
}

func (cp *copier) copyPart(ctx context.Context, part Part, timeout func(*oss.Options)) (string, error) {
	res, err := cp.c.UploadPartCopy(ctx, &oss.UploadPartCopyRequest{
		Bucket:          oss.Ptr(cp.p.Bucket),
		Key:             oss.Ptr(cp.p.Key),
		UploadId:        oss.Ptr(cp.uploadID),
		PartNumber:      part.Number,
		SourceBucket:    oss.Ptr(cp.src.Bucket),
		SourceKey:       oss.Ptr(cp.src.Key),
		SourceVersionId: optional(cp.src.VersionID),
		Range:           oss.Ptr(fmt.Sprintf("bytes=%d-%d", part.First, part.Last)),
		IfMatch:         oss.Ptr(cp.src.ETag),
	}, cp.retry.apply, timeout)
	if err != nil {
		return "", cp.fail("UploadPartCopy", fmt.Errorf("part %d (bytes %d-%d): %w", part.Number, part.First, part.Last, sourceChangedError(err)))
	}
	if err := cp.checkSourceVersion(res.VersionId); err != nil {
		return "", cp.fail("UploadPartCopy", fmt.Errorf("part %d: %w", part.Number, err))
	}
	if res.ETag == nil {
		return "", cp.fail("UploadPartCopy", fmt.Errorf("part %d: response has no ETag", part.Number))
	}
	return *res.ETag, nil
}

// complete sends Complete and verifies the result. A Complete whose response
// was lost is retried by the SDK and then answers NoSuchUpload: the object is
// then looked up and accepted if it is exactly the one these parts make.
func (cp *copier) complete(ctx context.Context, etags []string) (*Result, error) {
	parts := make([]oss.UploadPart, len(etags))
	for i, etag := range etags {
		parts[i] = oss.UploadPart{PartNumber: int32(i + 1), ETag: oss.Ptr(etag)}
	}
	timeout := silence(cp.src.Size, minCompleteRate)
	cctx, cancel := detached(ctx, max(commitTimeout, 2*timeout))
	defer cancel()
	res, err := cp.c.CompleteMultipartUpload(cctx, &oss.CompleteMultipartUploadRequest{
		Bucket:                  oss.Ptr(cp.p.Bucket),
		Key:                     oss.Ptr(cp.p.Key),
		UploadId:                oss.Ptr(cp.uploadID),
		CompleteMultipartUpload: &oss.CompleteMultipartUpload{Parts: parts},
		ForbidOverwrite:         forbidOverwrite(cp.p.ForbidOverwrite),
		Acl:                     oss.ObjectACLType(cp.p.ACL),
	}, cp.retry.apply, cp.pools.timeout(timeout))
	if err == nil {
		w := written{oss.ToString(res.ETag), oss.ToString(res.VersionId)}
		if cp.p.Describe || res.HashCRC64 == nil {
			return cp.verify(ctx, "CompleteMultipartUpload", w, res.HashCRC64, len(etags))
		}
		return cp.completed(ctx, w, *res.HashCRC64, res.Headers, len(etags))
	}
	completeErr := cp.fail("CompleteMultipartUpload", err)
	if code, _ := serviceCode(err); code != "NoSuchUpload" {
		abortErr := cp.abort(ctx)
		if code, _ := serviceCode(abortErr); code != "NoSuchUpload" {
			return nil, joinAbort(completeErr, abortErr)
		}
	}
	// The upload is gone: Complete went through and its response was lost,
	// or someone else aborted the upload.
	return cp.recoverCompleted(ctx, etags, completeErr)
}

// encodeTags renders tags as x-oss-tagging wants them: a URL query with
// spaces as %20.
func encodeTags(tags map[string]string) string {
	v := make(url.Values, len(tags))
	for k, val := range tags {
		v.Set(k, val)
	}
	return strings.ReplaceAll(v.Encode(), "+", "%20")
}

func forbidOverwrite(b bool) *string {
	if b {
		return oss.Ptr("true")
	}
	return nil
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
