package objectcopy

import (
	"context"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"

	"github.com/ossprovider/terraform-provider-oss/internal/crc64ecma"
)

// A relayed copy reads the source through Params.SourceClient and writes
// the destination through the client Copy gets: OSS copies only within one
// region and one account's reach, so a source in another region, or one
// only other credentials may read, cannot be copied on the server side.
// Each part is one ranged GetObject whose body is the body of one
// UploadPart: the bytes pass through the machine without a part ever being
// held in memory, and the copy's memory is the HTTP buffers of its streams.

// errRelayCRC marks a relayed part whose CRC64 as OSS received it differs
// from that of the bytes read from the source: the bytes changed on the way,
// and sending the part again may fix it.
var errRelayCRC = errors.New("objectcopy: relayed part's CRC64 differs from the bytes read")

// relayPart copies one part by streaming its range of the source into
// UploadPart, and returns the part's ETag and CRC64. A body cannot be sent
// twice, so the SDK retries neither request once the body started: a failed
// attempt is retried here, from a new GetObject of the range, within the
// copy's retry budget.
func (cp *copier) relayPart(ctx context.Context, part Part) (string, uint64, error) {
	for attempt := 1; ; attempt++ {
		etag, crc, err := cp.relayPartOnce(ctx, part)
		if err == nil {
			return etag, crc, nil
		}
		if ctx.Err() != nil || attempt == maxAttempts || !cp.relayRetryable(err) {
			return "", 0, err
		}
		delay, budgetErr := cp.retry.RetryDelay(attempt, err)
		if budgetErr != nil {
			return "", 0, err
		}
		fields := cp.fields()
		fields["part"] = part.Number
		fields["attempt"] = attempt
		fields["error"] = err.Error()
		cp.log.Debug("relaying the part again", fields)
		select {
		case <-ctx.Done():
			return "", 0, err
		case <-time.After(delay):
		}
	}
}

// relayRetryable reports whether a failed attempt of a relayed part may
// succeed when sent again. The SDK's classification compares some causes
// (io.ErrUnexpectedEOF from a source stream cut short) by identity, so every
// error of the chain is put to it.
func (cp *copier) relayRetryable(err error) bool {
	for ; err != nil; err = errors.Unwrap(err) {
		if errors.Is(err, errRelayCRC) || cp.retry.IsErrorRetryable(err) {
			return true
		}
	}
	return false
}

func (cp *copier) relayPartOnce(ctx context.Context, part Part) (string, uint64, error) {
	body := &crcReader{h: crc64ecma.New()}
	if part.Size() > 0 {
		get, err := cp.sc.GetObject(ctx, &oss.GetObjectRequest{
			Bucket:    oss.Ptr(cp.src.Bucket),
			Key:       oss.Ptr(cp.src.Key),
			VersionId: optional(cp.src.VersionID),
			IfMatch:   oss.Ptr(cp.src.ETag),
			Range:     oss.Ptr(fmt.Sprintf("bytes=%d-%d", part.First, part.Last)),
			// Without it OSS answers a range it cannot satisfy with the
			// whole object.
			RangeBehavior: oss.Ptr("standard"),
		}, cp.retry.apply)
		if err != nil {
			return "", 0, cp.failSource(part, sourceChangedError(err))
		}
		defer func() { _ = get.Body.Close() }()
		if get.ContentLength != part.Size() {
			return "", 0, cp.failSource(part, fmt.Errorf("OSS answered %d bytes (Content-Range %q)",
				get.ContentLength, oss.ToString(get.ContentRange)))
		}
		body.r = get.Body
	} else {
		body.r = http.NoBody
	}
	res, err := cp.c.UploadPart(ctx, &oss.UploadPartRequest{
		Bucket:        oss.Ptr(cp.p.Bucket),
		Key:           oss.Ptr(cp.p.Key),
		UploadId:      oss.Ptr(cp.uploadID),
		PartNumber:    part.Number,
		Body:          body,
		ContentLength: oss.Ptr(part.Size()),
	}, cp.retry.apply)
	switch {
	case body.err != nil:
		// Reading the source failed, and with it the upload.
		return "", 0, cp.failSource(part, body.err)
	case err != nil:
		return "", 0, cp.fail("UploadPart", fmt.Errorf("part %d (bytes %d-%d of the source): %w", part.Number, part.First, part.Last, err))
	case body.n != part.Size():
		return "", 0, cp.fail("UploadPart", fmt.Errorf("part %d: %d bytes sent, not %d", part.Number, body.n, part.Size()))
	case res.ETag == nil:
		return "", 0, cp.fail("UploadPart", fmt.Errorf("part %d: response has no ETag", part.Number))
	}
	crc := body.h.Sum64()
	if res.HashCRC64 != nil {
		got, perr := strconv.ParseUint(*res.HashCRC64, 10, 64)
		if perr != nil || got != crc {
			return "", 0, cp.fail("UploadPart", fmt.Errorf("%w: part %d: OSS received CRC64 %s, the bytes read %d",
				errRelayCRC, part.Number, *res.HashCRC64, crc))
		}
	}
	return *res.ETag, crc, nil
}

// failSource reports a failure to read part of the source.
func (cp *copier) failSource(part Part, err error) *Error {
	return &Error{Op: "GetObject", Bucket: cp.src.Bucket, Key: cp.src.Key, Err: fmt.Errorf("part %d (bytes %d-%d): %w",
		part.Number, part.First, part.Last, err)}
}

// checkRelayedCRC combines the CRC64 of the relayed parts into that of the
// whole object and compares it with the source's, before Complete makes an
// object of them.
func (cp *copier) checkRelayedCRC(parts []Part) error {
	if !cp.src.HasCRC64 {
		return nil
	}
	var crc uint64
	for i, p := range parts {
		crc = oss.CRC64Combine(crc, cp.partCRCs[i], uint64(p.Size()))
	}
	if crc != cp.src.CRC64 {
		return cp.fail("UploadPart", fmt.Errorf("%w: the relayed parts' CRC64 is %d, the source's %d", ErrSourceChanged, crc, cp.src.CRC64))
	}
	return nil
}

// relayParts plans the parts of a relayed copy. A 0-byte source still gets
// one, empty, part: a Complete without parts is not something to rely on.
func relayParts(size, partSize int64) ([]Part, error) {
	if size == 0 {
		return []Part{{Number: 1, First: 0, Last: -1}}, nil
	}
	return PlanParts(size, partSize)
}

// crcReader passes the source's bytes on to UploadPart, hashing them on the
// way (with crc64ecma: the SDK's table-driven CRC64 was the relay's largest
// CPU cost), and keeps the source's read error, which the SDK reports only as a
// failed request.
type crcReader struct {
	r   io.Reader
	h   hash.Hash64
	n   int64
	err error
}

func (r *crcReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.n += int64(n)
	_, _ = r.h.Write(p[:n])
	if err != nil && err != io.EOF {
		r.err = err
	}
	return n, err
}
