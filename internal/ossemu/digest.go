package ossemu

import (
	"crypto/md5"
	"encoding/hex"
	"strconv"
	"strings"
	"sync"

	"github.com/ossprovider/terraform-provider-oss/internal/crc64ecma"
)

// gf2 is a 64x64 matrix over GF(2); column i is the image of bit i.
type gf2 [64]uint64

func (m *gf2) times(v uint64) uint64 {
	var r uint64
	for i := 0; v != 0; i, v = i+1, v>>1 {
		if v&1 != 0 {
			r ^= m[i]
		}
	}
	return r
}

func (m *gf2) square() gf2 {
	var r gf2
	for i := range m {
		r[i] = m.times(m[i])
	}
	return r
}

// zeroOps[k] appends 2^k zero bytes to a raw CRC register (zlib's
// crc32_combine method, for the reflected ECMA-182 polynomial).
var zeroOps = func() [48]gf2 {
	var ops [48]gf2
	var bit gf2 // one zero bit
	bit[0] = 0xC96C5795D7870F42
	for i := 1; i < 64; i++ {
		bit[i] = 1 << (i - 1)
	}
	two := bit.square()
	four := two.square()
	ops[0] = four.square()
	for k := 1; k < len(ops); k++ {
		ops[k] = ops[k-1].square()
	}
	return ops
}()

// crcShift returns the register after n more zero bytes.
func crcShift(crc uint64, n int64) uint64 {
	for k := 0; n != 0; k, n = k+1, n>>1 {
		if n&1 != 0 {
			crc = zeroOps[k].times(crc)
		}
	}
	return crc
}

// gf2Table is a gf2 matrix split into byte-wise lookup tables: eight
// lookups per product instead of up to 64 conditional XORs, for the
// products that run once per generated block.
type gf2Table [8][256]uint64

func (m *gf2) table() *gf2Table {
	var t gf2Table
	for i := range t {
		for b := range 256 {
			t[i][b] = m.times(uint64(b) << (8 * i))
		}
	}
	return &t
}

func (t *gf2Table) times(v uint64) uint64 {
	return t[0][byte(v)] ^ t[1][byte(v>>8)] ^ t[2][byte(v>>16)] ^ t[3][byte(v>>24)] ^
		t[4][byte(v>>32)] ^ t[5][byte(v>>40)] ^ t[6][byte(v>>48)] ^ t[7][byte(v>>56)]
}

// shiftTable returns the table appending n zero bytes, for n used in hot loops.
func shiftTable(n int64) *gf2Table {
	var m gf2
	for i := range m {
		m[i] = crcShift(1<<i, n)
	}
	return m.table()
}

// crcCombine returns the CRC64 of A||B from CRC(A), CRC(B) and len(B).
func crcCombine(crcA, crcB uint64, lenB int64) uint64 {
	if lenB == 0 {
		return crcA
	}
	return crcShift(crcA, lenB) ^ crcB
}

// A generated block is its base block XOR (header || zeros). CRC64 is affine
// in the data for a fixed length, so
// crc(block) = crc(base) ^ crc(header || zeros) ^ crc(blockSize zeros), and
// crc(header || zeros) is crc(header) advanced over the zeros (tailOp)
// combined with crc(zeros).
var (
	crcZerosTail  = crc64ecma.Checksum(make([]byte, blockSize-headerLen))
	crcZerosBlock = crc64ecma.Checksum(make([]byte, blockSize))
	tailOp        = shiftTable(blockSize - headerLen)
	blockOp       = shiftTable(blockSize) // crcCombine over one whole block
)

// baseCRC is the CRC64 of the seed's base block.
func baseCRC(seed uint64) uint64 {
	baseBlock(seed) // fills the cache
	seedCache.Lock()
	defer seedCache.Unlock()
	return seedCache.crcs[seed]
}

// blockCRC is the CRC64 of whole generated block k, computed without
// generating it; base is baseCRC(seed).
func blockCRC(seed, base uint64, k int64) uint64 {
	h := blockHeader(seed, k)
	hc := tailOp.times(crc64ecma.Checksum(h[:])) ^ crcZerosTail
	return base ^ hc ^ crcZerosBlock
}

// extendCRC returns the CRC64 of A||e from crc = CRC(A), generating only
// the partial blocks of e.
func (e extent) extendCRC(crc uint64) uint64 {
	if !e.generated() {
		return crcCombine(crc, crc64ecma.Checksum(e.b.data[e.off:e.off+e.n]), e.n)
	}
	base := baseCRC(e.seed)
	forEachBlock(e.off, e.n, func(k, start, stop int64) {
		if start == 0 && stop == blockSize {
			crc = blockOp.times(crc) ^ blockCRC(e.seed, base, k)
			return
		}
		part := extent{seed: e.seed, off: k<<blockShift + start, n: stop - start}
		var c uint64
		part.forEachChunk(func(p []byte) { c = crc64ecma.Update(c, p) })
		crc = crcCombine(crc, c, stop-start)
	})
	return crc
}

// contentCRC is the CRC64 of c: whole generated blocks cost a header hash
// and two table-driven matrix products each (a few tens of nanoseconds, so
// that a copy's CRC does not weigh on modeled timings); partial blocks and
// stored bytes are hashed.
func contentCRC(c content) uint64 {
	var crc uint64
	for _, e := range c {
		crc = e.extendCRC(crc)
	}
	return crc
}

// digester computes part MD5s, caching them by extent identity so that
// copying the same source range again (benchmarks, retries) costs nothing.
type digester struct {
	fromIdentity bool

	mu    sync.Mutex
	cache map[string][16]byte
}

// maxCachedDigests bounds the cache; a cleared cache only costs recomputation.
const maxCachedDigests = 1 << 16

func (d *digester) md5(c content) [16]byte {
	var key strings.Builder
	for _, e := range c {
		key.WriteString(e.identity())
		key.WriteByte('|')
	}
	k := key.String()
	if d.fromIdentity {
		return md5.Sum([]byte("ossemu-extent-identity|" + k))
	}
	d.mu.Lock()
	sum, ok := d.cache[k]
	d.mu.Unlock()
	if ok {
		return sum
	}
	h := md5.New()
	for _, e := range c {
		e.forEachChunk(func(p []byte) { h.Write(p) })
	}
	copy(sum[:], h.Sum(nil))
	d.mu.Lock()
	if d.cache == nil || len(d.cache) >= maxCachedDigests {
		d.cache = make(map[string][16]byte)
	}
	d.cache[k] = sum
	d.mu.Unlock()
	return sum
}

// quotedETag formats an MD5 as OSS sends it in ETag headers and XML.
func quotedETag(sum [16]byte) string {
	return `"` + strings.ToUpper(hex.EncodeToString(sum[:])) + `"`
}

// quotedMultipartETag formats the ETag of an object made of parts: the
// quoted ETag of sum with "-parts" before the closing quote.
func quotedMultipartETag(sum [16]byte, parts int) string {
	etag := quotedETag(sum)
	return etag[:len(etag)-1] + "-" + strconv.Itoa(parts) + `"`
}

// multipartETag is MD5 of the concatenated part ETag texts, then "-N".
func multipartETag(partETags []string) string {
	var b strings.Builder
	for _, e := range partETags {
		b.WriteString(strings.ToUpper(strings.Trim(e, `"`)))
	}
	return quotedMultipartETag(md5.Sum([]byte(b.String())), len(partETags))
}
