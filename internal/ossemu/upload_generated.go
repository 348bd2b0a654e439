package ossemu

import (
	"bytes"
	"encoding/binary"
	"io"
)

// Uploads of generated content. A client that relays a generated object
// (a copy through the client's machine: GetObject ranges sent back with
// UploadPart) uploads bytes the server could make itself. An upload body
// that starts at a block boundary of a seed in use and goes on with that
// seed's bytes is stored as an extent of the seed, like the object it came
// from, so that relaying gigabytes costs no memory; the bytes are compared
// as they arrive, and a body that strays from the seed is stored as it is.

// readGenerated reads an upload body of n bytes, n > 0. It holds at most
// two blocks while the body matches generated content.
func (s *Server) readGenerated(body io.Reader, n int64) (content, error) {
	buf := make([]byte, min(n, blockSize))
	if _, err := io.ReadFull(body, buf); err != nil {
		return nil, err
	}
	seed, k, ok := identifyBlock(buf)
	if !ok {
		return s.readRest(buf, body, n)
	}
	start := k << blockShift
	want := make([]byte, blockSize)
	for read := int64(0); ; {
		m := int64(len(buf))
		r := newReader(content{{seed: seed, off: start + read, n: m}})
		if _, err := io.ReadFull(r, want[:m]); err != nil {
			return nil, err
		}
		if !bytes.Equal(buf, want[:m]) {
			// Strayed: the bytes so far are the seed's, the rest as sent.
			head := make([]byte, read, read+m)
			if _, err := io.ReadFull(newReader(content{{seed: seed, off: start, n: read}}), head); err != nil {
				return nil, err
			}
			return s.readRest(append(head, buf...), body, n)
		}
		read += m
		if read == n {
			return content{{seed: seed, off: start, n: n}}, nil
		}
		buf = buf[:min(n-read, blockSize)]
		if _, err := io.ReadFull(body, buf); err != nil {
			return nil, err
		}
	}
}

// readRest returns the n bytes of a body whose first bytes, head, are read.
func (s *Server) readRest(head []byte, body io.Reader, n int64) (content, error) {
	data := make([]byte, n)
	copy(data, head)
	if _, err := io.ReadFull(body, data[len(head):]); err != nil {
		return nil, err
	}
	return content{{b: s.newBlob(data), n: n}}, nil
}

// identifyBlock finds the seed and block index whose generated block
// starts with p (at least headerLen bytes), among the seeds in use, by
// inverting blockHeader.
func identifyBlock(p []byte) (seed uint64, k int64, ok bool) {
	if len(p) < headerLen {
		return 0, 0, false
	}
	seedCache.Lock()
	defer seedCache.Unlock()
	for s, base := range seedCache.blocks {
		a := binary.LittleEndian.Uint64(p[0:]) ^ binary.LittleEndian.Uint64(base[0:])
		if binary.LittleEndian.Uint64(p[8:])^binary.LittleEndian.Uint64(base[8:]) != splitmix64(a) {
			continue
		}
		idx := unsplitmix64(unsplitmix64(a) ^ s)
		if idx < 1<<(63-blockShift) {
			return s, int64(idx), true
		}
	}
	return 0, 0, false
}

// unsplitmix64 inverts splitmix64.
func unsplitmix64(x uint64) uint64 {
	x = unxorshift(x, 31)
	x *= mulInverse(0x94d049bb133111eb)
	x = unxorshift(x, 27)
	x *= mulInverse(0xbf58476d1ce4e5b9)
	x = unxorshift(x, 30)
	return x - 0x9e3779b97f4a7c15
}

// unxorshift inverts y = x ^ (x >> s).
func unxorshift(y uint64, s uint) uint64 {
	x := y
	for shift := s; shift < 64; shift += s {
		x ^= y >> shift
	}
	return x
}

// mulInverse is the inverse of an odd m modulo 2^64 (Newton's iteration,
// each step doubling the correct low bits).
func mulInverse(m uint64) uint64 {
	inv := m
	for range 5 {
		inv *= 2 - m*inv
	}
	return inv
}
