// Package ossemu is an Alibaba Cloud OSS emulator: a real HTTP server that
// the OSS Go SDK V2 talks to unchanged, for tests, demos and benchmarks.
//
// It verifies V4 and V1 signatures, answers OSS's XML bodies and error
// format (Code, Message, RequestId, HostId, EC; x-oss-err on HEAD), and
// implements buckets in regions, versioning, retention (WORM), objects with
// their headers, metadata, tags and ACLs, CopyObject and multipart upload
// including UploadPartCopy. Objects are lists of extents over stored bytes
// or deterministic generated content, so copying a 10 GiB generated object
// costs no memory in proportion to its size.
package ossemu
