package objectcopy

import "fmt"

// OSS multipart limits (see the OSS API reference for UploadPartCopy and
// CompleteMultipartUpload).
const (
	// MaxParts is the highest part number OSS accepts.
	MaxParts = 10000
	// MinPartSize is the smallest size OSS accepts for every part but the last.
	MinPartSize int64 = 100 * 1024
	// MaxPartSize is the largest part OSS accepts.
	MaxPartSize int64 = 5 * 1024 * 1024 * 1024
	// MaxObjectSize is the largest object a multipart copy can produce.
	MaxObjectSize = MaxParts * MaxPartSize
)

// Static choices, for copies without a Tuner. A copy runs on the server, so
// what the client controls is how many streams are busy and how many round
// trips sit between the bytes. OSS publishes neither the rate of one copy
// stream nor what a bucket sustains, so these are starting points, not
// derived from OSS's rates: a Tuner replaces them with what it measures.
const (
	// DefaultParallelism is the number of parts copied at once.
	DefaultParallelism = 16

	// preferredMaxPartSize bounds automatic parts of large objects: beyond
	// it, a larger part no longer saves a noticeable share of round trips,
	// while a retried part costs more and one slow part holds the tail of
	// the copy longer.
	preferredMaxPartSize int64 = 64 * 1024 * 1024

	// singleCopyThreshold is the largest object copied with one CopyObject
	// when the part size is automatic. A CopyObject runs on one stream; a
	// multipart copy spends two more round trips (Initiate, Complete) to use
	// many, which pays off once the object takes longer to copy on one
	// stream than two round trips.
	singleCopyThreshold int64 = 16 * 1024 * 1024

	// maxCopyObjectSize is the largest source one CopyObject copies.
	maxCopyObjectSize int64 = 5 * 1024 * 1024 * 1024
)

// Part is one byte range of the source, copied by one UploadPartCopy.
type Part struct {
	Number      int32 // 1-based part number
	First, Last int64 // inclusive byte offsets in the source
}

// Size is the number of bytes in the part.
func (p Part) Size() int64 { return p.Last - p.First + 1 }

// AutoPartSize returns the part size Copy uses for an object of size bytes
// when Params.PartSize is 0. Small and medium objects are cut into
// DefaultParallelism equal parts so that one round of parallel requests copies
// them; larger ones into full rounds of parts of at most 64 MiB; the largest
// into parts just big enough to stay within MaxParts. The result is at least
// MinPartSize and at most MaxPartSize.
func AutoPartSize(size int64) int64 {
	if size <= 0 {
		return MinPartSize
	}
	perRound := ceilDiv(size, DefaultParallelism)
	part := perRound
	if perRound > preferredMaxPartSize {
		// Whole rounds of equal parts: a round with fewer parts than workers
		// would leave streams idle at the end of the copy.
		rounds := ceilDiv(size, DefaultParallelism*preferredMaxPartSize)
		part = ceilDiv(size, rounds*DefaultParallelism)
	}
	part = max(part, ceilDiv(size, MaxParts), MinPartSize)
	return min(part, MaxPartSize)
}

// PlanParts splits an object of size bytes into parts of partSize bytes (the
// last one may be shorter). partSize 0 means AutoPartSize(size). A 0-byte
// object has no parts. It fails when partSize is outside
// [MinPartSize, MaxPartSize], when the parts would number more than MaxParts,
// or when the object is larger than MaxObjectSize.
func PlanParts(size, partSize int64) ([]Part, error) {
	switch {
	case size < 0:
		return nil, fmt.Errorf("objectcopy: invalid object size %d", size)
	case size > MaxObjectSize:
		return nil, fmt.Errorf("%w: an object of %d bytes is too large for a multipart copy: at most %d parts of %d bytes (%d bytes) are possible",
			ErrTooManyParts, size, MaxParts, MaxPartSize, MaxObjectSize)
	}
	if partSize == 0 {
		partSize = AutoPartSize(size)
	}
	if partSize < MinPartSize || partSize > MaxPartSize {
		return nil, fmt.Errorf("objectcopy: part size %d is out of range: OSS accepts %d to %d bytes", partSize, MinPartSize, MaxPartSize)
	}
	n := ceilDiv(size, partSize)
	if n > MaxParts {
		return nil, fmt.Errorf("%w: part size %d cuts the %d-byte object into %d parts, more than the %d OSS allows: use a part size of at least %d bytes",
			ErrTooManyParts, partSize, size, n, MaxParts, ceilDiv(size, MaxParts))
	}
	parts := make([]Part, n)
	for i := range parts {
		first := int64(i) * partSize
		parts[i] = Part{Number: int32(i + 1), First: first, Last: min(first+partSize, size) - 1}
	}
	return parts, nil
}

func ceilDiv(a, b int64) int64 { return (a + b - 1) / b }
