// Package ossemu is an Alibaba Cloud OSS emulator: a real HTTP server that the
// OSS Go SDK V2 talks to unchanged, for tests, demos and benchmarks.
//
// A test starts one with NewTestServer and points the SDK at it:
//
//	srv := ossemu.NewTestServer(t)
//	client := oss.NewClient(srv.ClientConfig())
//
// # What it implements
//
// Addressing: path style (http://127.0.0.1:PORT/bucket/key; the SDK uses it by
// itself for IP endpoints) and virtual-hosted style, where the host is
// "<bucket>." followed by an IP address, "localhost" or an OSS endpoint name
// such as oss-cn-hangzhou.aliyuncs.com.
//
// Regions: like OSS, every endpoint serves one region and all of them serve
// the same account's buckets. Endpoint listens for the server's region;
// RegionEndpoint (or WithRegionEndpoint) adds a listener for another region.
// A host named oss-<region>[-internal].aliyuncs.com, bare or after a bucket
// label, names its region whichever listener receives it; IP addresses and
// localhost reach the listener's region. A request for a bucket in another
// region is refused before its signature is checked, with 403 AccessDenied
// "The bucket you are attempting to access must be addressed using the
// specified endpoint. Please send all future requests to this endpoint.",
// and the bucket's <Bucket> and <Endpoint>
// (oss-<region>.aliyuncs.com). ListBuckets and GetBucketInfo give as a
// bucket's extranet and intranet endpoint the emulator's endpoint of its
// region, host:port of its listener (the host the request named when the
// listener is on every address), so that a client following them reaches
// the bucket; a client that reached the emulator through an OSS host name
// is given OSS's names, and so is a region no listener serves.
// ListBuckets (every region's buckets),
// GetBucketLocation and PutBucket work through any endpoint; PutBucket creates
// the bucket in the endpoint's region, refuses a LocationConstraint naming
// another one (400 InvalidLocationConstraint) and answers BucketAlreadyExists
// for a name taken in another region. A V4 scope must name the endpoint's
// region by its region ID (cn-hangzhou, not oss-cn-hangzhou), in the header
// and in presigned URLs: otherwise 400 InvalidArgument "Invalid signing
// region in Authorization header.", echoing the header in <Authorization>. Fixtures (CreateBucket) put buckets in any region
// directly.
//
// Accounts: the server's key pairs belong to one account. WithAccount adds
// another account with a key pair of its own; it owns the buckets it
// creates (PutBucket, or the fixture CreateAccountBucket), ListBuckets shows
// each account only its own, and any request of one account for another's
// bucket, as the bucket addressed or as a copy source, is refused with 403
// AccessDenied "You have no right to access this object because of bucket
// acl." (EC 0003-00000001), what OSS answers when no bucket policy grants
// access: the emulator has no bucket policies. PutBucket of another
// account's bucket answers BucketAlreadyExists.
//
// Authentication: V4 (OSS4-HMAC-SHA256) and V1 signatures, both in the
// Authorization header and in presigned URLs, verified exactly as the SDK
// computes them; a V4 signature whose additional headers name one the
// request lacks is refused with 400 InvalidArgument (OSS documents the EC
// but not the code, which is assumed); a V4 header signature is made over
// x-oss-date or, in a request without it, over the Date header as sent (the older official Go
// SDK, github.com/aliyun/aliyun-oss-go-sdk, sends only Date); STS key pairs with their security token
// (WithTemporaryCredentials), refused with SecurityTokenExpired once expired
// and InvalidSecurityToken when the token is missing or wrong; request times
// more than 15 minutes from the server clock (SetClockSkew) are refused with
// RequestTimeTooSkewed; presigned URLs expire. Unknown key IDs answer
// InvalidAccessKeyId and wrong signatures SignatureDoesNotMatch, both 403, so
// the SDK does not retry them. Requests without a signature are refused. A
// request for a bucket that does not exist (other than PutBucket) is
// answered NoSuchBucket before its signature is checked, as OSS does: the
// SDK v2's IsBucketExist relies on it.
//
// Operations (by their SDK names, which RequestCount uses): ListBuckets,
// PutBucket, DeleteBucket, GetBucketInfo, GetBucketLocation,
// Put/GetBucketVersioning, Put/GetBucketAcl, InitiateBucketWorm,
// CompleteBucketWorm, ExtendBucketWorm, AbortBucketWorm, GetBucketWorm,
// ListObjects, ListObjectsV2, ListObjectVersions, PutObject, GetObject,
// HeadObject, GetObjectMeta, DeleteObject, DeleteMultipleObjects, CopyObject,
// InitiateMultipartUpload, UploadPart, UploadPartCopy, CompleteMultipartUpload
// (including x-oss-complete-all), AbortMultipartUpload, ListMultipartUploads,
// ListParts, Put/Get/DeleteObjectTagging, Put/GetObjectAcl, RestoreObject,
// CleanRestoredObject, PutSymlink, GetSymlink, AppendObject and
// SealAppendObject. Listings
// support prefix, delimiter, markers, continuation tokens, start-after,
// max-keys and encoding-type=url.
//
// Semantics: copies from a bucket in another region than the destination's
// fail with AccessDenied and OSS's message. The bucket and key of
// x-oss-copy-source are decoded as a form value, %XX escapes and '+' as a
// space: OSS documents only that the source is URL-encoded, the older
// official Go SDK writes it with url.QueryEscape (a space as '+'), and SDK
// v2 and the other official SDKs percent-encode every byte but the
// unreserved ones (and '/'), so a key's own '+' reaches OSS as %2B from all
// of them, and a raw '+' can only mean a space. Versioning (enabled or suspended) keeps
// versions and delete markers; a DELETE with versionId removes a version for
// good. An object written before versioning was enabled, or while it is
// suspended, is version "null": once the bucket has versioning, responses
// name it so in x-oss-version-id, and versionId=null reads it. Retention (WORM, in progress or locked) protects objects for its
// period: overwriting or deleting a protected object fails with FileImmutable
// (with versioning enabled new versions and delete markers are still written,
// but a protected version cannot be removed), and any copy from or into a
// bucket under retention fails with FileImmutable. x-oss-forbid-overwrite is
// honoured by PutObject, CopyObject and CompleteMultipartUpload in buckets
// without versioning, as in OSS. Content headers, x-oss-meta-*, storage class,
// SSE headers, object ACL and tags (x-oss-tagging) are stored and returned;
// CopyObject's metadata and tagging directives decide whether content headers,
// metadata and tags come from the source or the request, while SSE and ACL
// always come from the request (a copy whose request names no encryption is
// not encrypted, whatever the source's), and the storage class from the
// request or, when it names none, from the source object under either
// directive. PutObject and InitiateMultipartUpload without x-oss-storage-class
// give the object its bucket's storage class. Multipart uploads take all of
// them from InitiateMultipartUpload only, but for an object ACL
// (x-oss-object-acl) given to CompleteMultipartUpload, which replaces
// Initiate's. GetObject serves single ranges (an
// invalid or unsatisfiable range returns the whole object unless
// x-oss-range-behavior: standard), conditional headers and response-*
// overrides. UploadPartCopy supports x-oss-copy-source with versionId, a range
// (invalid or unsatisfiable: the whole object; a version that is a delete
// marker: 400 InvalidRequest, where CopyObject answers 404 NoSuchKey), and
// the four x-oss-copy-source-if-* conditions (412 PreconditionFailed or 304).
// Re-sending a part number replaces the part.
// A Complete whose part list is empty makes an empty object.
//
// Object types and cold storage: Archive, ColdArchive and DeepColdArchive
// objects are frozen until RestoreObject restores them, as OSS's
// RestoreObject reference describes. HEAD (and GetObjectMeta, listings,
// deletes) work on frozen objects; GetObject answers 403
// InvalidObjectState "The operation is not valid for the object's state",
// and so do CopyObject and UploadPartCopy of a frozen source. The first
// RestoreObject answers 202 and starts the restore, which takes
// SetRestoreDuration (WithRestoreDuration; default 0, where OSS takes a
// minute to hours) and shows x-oss-restore: ongoing-request="true"
// meanwhile; a RestoreObject then answers 409 RestoreAlreadyInProgress. Once restored, HEAD and GET show ongoing-request="false",
// expiry-date="<RFC 1123 time>", the object reads and copies, and a
// RestoreObject answers 200 and prolongs the restored state to at least
// Days from then (never shortening it). The restored state lasts the
// request's Days (default 1; 1 to 7 for Archive, 1 to 365 for the colder
// classes, else 400 InvalidArgument), one Day being
// SetRestoreDay (default 24 hours); it then expires and the object is
// frozen again, with no x-oss-restore. A Tier other than Expedited, Standard
// or Bulk is 400 InvalidArgument (every tier takes the same time here); a
// RestoreObject of a Standard or IA object is 400 OperationNotSupported. A copy of a restored object
// is frozen. CleanRestoredObject freezes a restored object again at once;
// while a restore runs it answers 409 ArchiveRestoreNotFinished, and for an
// object with no restored state (never restored, expired, cleaned, or not
// cold) 409 ArchiveRestoreFileStale, with OSS's messages and ECs. The messages
// of these InvalidArgument errors and of OperationNotSupported are the
// emulator's: OSS's pages give none. SetClockSkew moves a test through the states without
// waiting, within the 15 minutes signatures allow.
//
// PutSymlink (x-oss-symlink-target, taken URL-encoded and stored as sent,
// with metadata, storage class, ACL, tags and x-oss-forbid-overwrite) makes
// a symbolic link to a key of the same bucket without checking it; GetSymlink
// answers the target as stored, and 400 NotSymlink for other objects. As
// OSS's HeadObject reference says, HEAD and GET of a link serve the current
// version of the target's Content-Length, ETag and storage class (and its
// bytes), the later of the two Last-Modified times and the link's other
// headers, x-oss-object-type: Symlink included; the emulator also serves the
// target's CRC64 and x-oss-restore, since they describe the bytes served. A
// link to a missing target is 404 SymlinkTargetNotExist, to another link 400
// InvalidTargetType. GetObjectMeta and listings describe the link itself
// (0 bytes, type Symlink). CopyObject of a link copies the link, not the
// target, as OSS's copy-object reference says, so a copy into another bucket
// names a key of that bucket; UploadPartCopy refuses a link with 400
// InvalidArgument.
//
// AppendObject (position in the query) creates an Appendable object at
// position 0 and appends in place to it, with no new version even in a
// versioned bucket, answering x-oss-next-append-position and the whole
// object's CRC64; HEAD shows x-oss-next-append-position too. Appending to
// another type is 409 ObjectNotAppendable, at another
// position than the size 409 PositionNotEqualToLength with the size in
// x-oss-next-append-position, past 5 GiB EntityTooLarge. An appendable
// object's ETag changes with every append and is derived from its size and
// CRC64 (OSS's is no MD5 of the bytes either). OSS's SDK guides say
// appendable objects cannot be copied but name no error: CopyObject and
// UploadPartCopy of one answer 400 OperationNotSupported. SealAppendObject,
// which OSS enables for an account on request, answers what OSS answers
// without it: 400 OperationNotSupported "SealAppendable is not supported.".
// The messages of NotSymlink, SymlinkTargetNotExist, InvalidTargetType,
// ObjectNotAppendable and PositionNotEqualToLength are those OSS's older
// references and SDK samples show; the UploadPartCopy one is the emulator's.
// Complete checks part order, part ETags and the 100 KiB minimum of every part
// but the last. Part numbers are 1 to 10,000; parts and PutObject bodies are
// at most 5 GiB. CopyObject applies OSS's size limits: none within one
// bucket when storage class and encryption stay as they are, sources up to
// 5 GiB between buckets, and up to 1 GiB when the copy changes storage class
// or encryption; above a limit it answers EntityTooLarge ("Source object
// Length exceeds the maximum allowed size."), which makes the SDK's Copier
// fall back to multipart copy. Content-MD5 is checked (InvalidDigest).
// DeleteMultipleObjects reads keys holding control characters, which the
// SDK writes as character references XML 1.0 forbids ("&#x0B;"), as OSS
// does. Bucket and object names follow OSS's rules. Headers the emulator does not
// act on, such as x-oss-traffic-limit, are accepted.
//
// Digests: a single-request object's and a part's ETag is the quoted uppercase
// hex MD5 of its bytes; a completed multipart object's ETag is the MD5 of the
// concatenated part ETag texts followed by "-N". CRC64 (x-oss-hash-crc64ecma,
// ECMA-182 as Go's hash/crc64 computes it) is returned for objects and parts
// and combined across parts without reading bytes.
//
// Errors use OSS's body (Code, Message, RequestId, HostId, code-specific
// elements, EC and RecommendDoc) and, for HEAD, the same XML base64-encoded in
// x-oss-err; every response carries x-oss-request-id. An error's EC is
// OSS's where OSS's EC pages or recorded OSS responses show one for that
// cause, operation-specific ones included; where neither does, the emulator
// sends none rather than invent one. errorSpecs, and the withEC calls where
// an operation differs, are the list.
//
// # Storage
//
// Everything lives in memory behind one mutex. An object is a list of extents
// over stored byte slices or over generated content, so copies share bytes and
// a multipart copy of a 10 GiB object costs a few hundred bytes.
// PutGeneratedObject creates deterministic pseudo-random content from a seed
// without storing it: 64 KiB blocks, each the seed's random base block with a
// 16-byte header derived from (seed, block index), so every block is distinct
// and CRC64 of any range is computed arithmetically. GetObject and OpenObject
// stream it. A generated object's own ETag is multipart-style and derived from
// (seed, size), because a real object that large would have been uploaded in
// parts and hashing it at creation would make fixtures slow. Part MD5s of
// copied ranges are computed over the bytes (about 2 CPU-seconds per GiB,
// cached per source range); clients copying multi-GiB parts need a longer SDK
// read timeout than its 10 s default. WithDigestFromExtentIdentity replaces
// those MD5s (of parts and of CopyObject results) with an MD5 of the range's
// identity for benchmarks.
//
// # Test controls
//
// Fixtures (CreateBucket, SetBucketVersioning, LockBucketRetention, PutObject,
// PutGeneratedObject, PutSymlink, TransitionObject) write straight into
// storage and are not counted. TransitionObject stands in for a lifecycle
// rule moving an object to another storage class; it keeps the object's
// version, ETag, CRC64 and Last-Modified, which OSS documents nowhere but
// implies, since lifecycle rules count their days from Last-Modified and a
// transition is no new write;
// HeadObject, OpenObject, ListObjectVersions and Uploads read it. RequestCount
// and RequestCounts report requests per operation name, failed ones included,
// and ResetCounts zeroes them; BytesCopied sums server-side copies.
// SetClockSkew moves the server clock; SetRestoreDuration and SetRestoreDay
// set how long a restore takes and lasts. SetPerformance models request
// latency, OSS's server time, copy bandwidth, stragglers among parts and the
// per-account QPS limit (503 TotalQpsLimitExceeded). AddFault injects
// failures per operation (and bucket), ClearFaults removes them,
// SetFaultSeed makes probabilistic faults repeatable and FaultsFired counts
// the faults that fired (see their docs).
// Deny refuses operations as OSS refuses a RAM user whose policies do not
// allow them (403 AccessDenied); a denied GetObjectTagging
// also hides x-oss-tagging-count from HEAD and GET. OSS documents nothing
// about that header for such a requester; the emulator assumes what S3
// documents for its x-amz-tagging-count: it is shown only to a requester
// that may read the object's tags.
//
// # What it does not implement
//
// Authorization beyond the signature and Deny: any valid key pair may do
// anything else;
// bucket and object ACLs are stored and returned but not enforced, and there
// are no bucket policies or RAM. SSE headers are stored and echoed and nothing
// is encrypted; a KMS write that names no key is given one fixed key ID, as
// OSS names its default key. Real-time access of Archive
// objects (a bucket setting that makes them readable unrestored),
// x-oss-object-restore-priority, ListObjects'
// RestoreInfo and the time restores take by tier are not modelled. Not
// implemented (the server answers 501 NotImplemented): PostObject, object-level retention and legal hold, lifecycle, CORS, referer,
// logging, website, replication, inventory, encryption and tag configuration
// of buckets, callbacks, x-oss-process, SelectObject and access points; a
// request naming any sub-resource other than those of the operations above is
// refused this way. Not modelled: the shallow CopyObject OSS can do within one
// bucket, multi-range GETs, request payer, traffic limits, quotas, the V4
// x-oss-content-sha256 payload hash (the SDK sends UNSIGNED-PAYLOAD), the
// list of regions OSS has (any region ID is accepted, and a request whose
// scope names a region that does not exist is refused only as a mismatch
// with the endpoint), EC 0002-00000228 (whose documented cases, a scope
// region that is not the bucket's, reach the two refusals above first; no
// recorded OSS response with it was found), the message of a signing-region
// refusal in a presigned URL (the header's is used), the <Endpoint> OSS names
// when reached through an internal endpoint (the public one is named), and
// DescribeRegions. Nothing persists across restarts and the server speaks
// plain HTTP only.
package ossemu
