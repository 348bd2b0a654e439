package ossemu

import (
	"encoding/binary"
	"fmt"
	"hash/crc64"
	"io"
	"math/bits"
	"sync"
)

// Object content is a list of extents. An extent is a window onto either a
// stored byte slice (never modified once stored) or the endless deterministic
// stream of a generator seed. Copies only copy extent descriptors, so a
// multipart copy of a 10 GiB generated object costs a few hundred bytes.

const (
	blockShift = 16
	blockSize  = 1 << blockShift // generated content is produced in 64 KiB blocks
	headerLen  = 16              // per-block bytes that make every block unique
)

// blob is an immutable stored byte slice; id gives extents over it a cheap identity.
type blob struct {
	id   uint64
	data []byte
}

// extent is n bytes starting at off, from blob b or, when b is nil, from the
// generated stream of seed.
type extent struct {
	b    *blob
	seed uint64
	off  int64
	n    int64
}

func (e extent) generated() bool { return e.b == nil }

// identity names the bytes of the extent without reading them.
func (e extent) identity() string {
	if e.generated() {
		return fmt.Sprintf("g%d:%d+%d", e.seed, e.off, e.n)
	}
	return fmt.Sprintf("b%d:%d+%d", e.b.id, e.off, e.n)
}

// content is an object's or part's bytes.
type content []extent

func (c content) size() int64 {
	var n int64
	for _, e := range c {
		n += e.n
	}
	return n
}

// slice returns the extents covering [off, off+n) of c.
func (c content) slice(off, n int64) content {
	var out content
	for _, e := range c {
		if n == 0 {
			break
		}
		if off >= e.n {
			off -= e.n
			continue
		}
		take := min(e.n-off, n)
		out = append(out, extent{b: e.b, seed: e.seed, off: e.off + off, n: take})
		n -= take
		off = 0
	}
	return out
}

// concat appends parts, merging extents that continue each other so that a
// completed multipart copy of one source is a single extent again.
func concat(parts ...content) content {
	var out content
	for _, p := range parts {
		for _, e := range p {
			if e.n == 0 {
				continue
			}
			if k := len(out) - 1; k >= 0 && out[k].b == e.b && out[k].seed == e.seed && out[k].off+out[k].n == e.off {
				out[k].n += e.n
				continue
			}
			out = append(out, e)
		}
	}
	return out
}

// Generated content: block k of seed s is the seed's pseudo-random base block
// with its first headerLen bytes XORed with a value derived from (s, k). Every
// block is distinct (a shifted or swapped block is detected), and since CRC64
// is affine in the data, the CRC of any run of blocks follows from the base
// block's CRC and the headers without generating the bytes (see digest.go).

// splitmix64 is a cheap, well-mixing 64-bit hash used to derive per-block values.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// blockHeader returns the headerLen bytes XORed into block k of seed.
func blockHeader(seed uint64, k int64) [headerLen]byte {
	var h [headerLen]byte
	a := splitmix64(seed ^ splitmix64(uint64(k)))
	binary.LittleEndian.PutUint64(h[0:], a)
	binary.LittleEndian.PutUint64(h[8:], splitmix64(a))
	return h
}

// seedCache holds, per seed, the 64 KiB base block and its CRC64; tests and
// benchmarks use a handful of seeds.
var seedCache = struct {
	sync.Mutex
	blocks map[uint64][]byte
	crcs   map[uint64]uint64
}{blocks: map[uint64][]byte{}, crcs: map[uint64]uint64{}}

func baseBlock(seed uint64) []byte {
	seedCache.Lock()
	defer seedCache.Unlock()
	if b, ok := seedCache.blocks[seed]; ok {
		return b
	}
	b := make([]byte, blockSize)
	s := splitmix64(seed)
	for i := 0; i < blockSize; i += 8 {
		// wyrand: one multiply per 8 bytes.
		s += 0xa0761d6478bd642f
		hi, lo := bits.Mul64(s, s^0xe7037ed1a0b428db)
		binary.LittleEndian.PutUint64(b[i:], hi^lo)
	}
	seedCache.blocks[seed] = b
	seedCache.crcs[seed] = crc64.Update(0, crcTable, b)
	return b
}

// genBlock writes block k of seed into dst (len blockSize).
func genBlock(dst []byte, seed uint64, k int64) {
	copy(dst, baseBlock(seed))
	h := blockHeader(seed, k)
	for i := range h {
		dst[i] ^= h[i]
	}
}

// blockPool recycles generation buffers: streaming a large object would
// otherwise allocate 64 KiB per block.
var blockPool sync.Pool

func getBlock() *[]byte {
	if b, ok := blockPool.Get().(*[]byte); ok {
		return b
	}
	b := make([]byte, blockSize)
	return &b
}

// forEachChunk calls fn with consecutive chunks of the extent's bytes. For
// generated extents a chunk never crosses a block boundary and full is true
// when the chunk is a whole block (k is then its block index).
func (e extent) forEachChunk(fn func(p []byte, k int64, full bool)) {
	if !e.generated() {
		fn(e.b.data[e.off:e.off+e.n], 0, false)
		return
	}
	bp := getBlock()
	defer blockPool.Put(bp)
	buf := *bp
	pos, end := e.off, e.off+e.n
	for pos < end {
		k := pos >> blockShift
		start := pos - k<<blockShift
		stop := min(int64(blockSize), end-k<<blockShift)
		genBlock(buf, e.seed, k)
		fn(buf[start:stop], k, start == 0 && stop == blockSize)
		pos = k<<blockShift + stop
	}
}

// reader streams a content without materialising it.
type reader struct {
	exts content
	buf  []byte // pending bytes of the current generated block
	bp   *[]byte
}

// newReader reads c; it consumes a private copy of the extent list, since
// stored objects share theirs.
func newReader(c content) *reader { return &reader{exts: append(content(nil), c...)} }

func (r *reader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if len(r.exts) == 0 {
			r.release()
			return 0, io.EOF
		}
		e := &r.exts[0]
		if e.n == 0 {
			r.exts = r.exts[1:]
			continue
		}
		if !e.generated() {
			r.buf = e.b.data[e.off : e.off+e.n]
			r.exts = r.exts[1:]
			break
		}
		if r.bp == nil {
			r.bp = getBlock()
		}
		k := e.off >> blockShift
		start := e.off - k<<blockShift
		stop := min(int64(blockSize), start+e.n)
		genBlock(*r.bp, e.seed, k)
		r.buf = (*r.bp)[start:stop]
		e.off += stop - start
		e.n -= stop - start
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

func (r *reader) release() {
	if r.bp != nil {
		blockPool.Put(r.bp)
		r.bp = nil
	}
}

// Close returns the block buffer to the pool; reading after Close yields EOF.
func (r *reader) Close() error {
	r.exts, r.buf = nil, nil
	r.release()
	return nil
}
