package crc64ecma

import (
	"bytes"
	"hash/crc64"
	"math/rand/v2"
	"testing"
)

var ecma = crc64.MakeTable(crc64.ECMA)

func randomBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// Every length up to 4096 at every offset within 16 bytes covers each
// entry into the 8-lane loop, the 16-byte loop and the table tail, aligned
// or not.
func TestUpdateLengthsAndOffsets(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	buf := randomBytes(r, 4096+16)
	for off := range 16 {
		for n := 0; n <= 4096; n++ {
			p := buf[off : off+n]
			crc := r.Uint64()
			if got, want := Update(crc, p), crc64.Update(crc, ecma, p); got != want {
				t.Fatalf("offset %d, length %d, crc %#x: Update = %#x, hash/crc64 %#x", off, n, crc, got, want)
			}
		}
	}
}

func TestUpdateLarge(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1 << 20, 3<<20 + 7, 8<<20 - 1} {
		p := randomBytes(r, n)
		if got, want := Checksum(p), crc64.Checksum(p, ecma); got != want {
			t.Errorf("%d bytes: Checksum = %#x, hash/crc64 %#x", n, got, want)
		}
	}
	// Runs of equal bytes are where a fold that drops a term still agrees
	// on random data less often than not; check them explicitly.
	for _, c := range []byte{0x00, 0xff, 0x5a} {
		p := bytes.Repeat([]byte{c}, 1<<20+5)
		if got, want := Checksum(p), crc64.Checksum(p, ecma); got != want {
			t.Errorf("1 MiB of %#x: Checksum = %#x, hash/crc64 %#x", c, got, want)
		}
	}
}

func TestIncremental(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	p := randomBytes(r, 2<<20)
	want := crc64.Checksum(p, ecma)
	for range 50 {
		h := New()
		for rest := p; len(rest) > 0; {
			n := min(len(rest), r.IntN(70000))
			_, _ = h.Write(rest[:n])
			rest = rest[n:]
		}
		if got := h.Sum64(); got != want {
			t.Fatalf("split writes give %#x, hash/crc64 %#x", got, want)
		}
	}
}

func TestHashSemantics(t *testing.T) {
	p := []byte("The quick brown fox jumps over the lazy dog")
	got, want := New(), crc64.New(ecma)
	for _, h := range []interface{ Write([]byte) (int, error) }{got, want} {
		if n, err := h.Write(p); n != len(p) || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
	}
	if got.Sum64() != want.Sum64() || !bytes.Equal(got.Sum([]byte("x")), want.Sum([]byte("x"))) {
		t.Errorf("Sum64 %#x, Sum %x; hash/crc64 %#x, %x", got.Sum64(), got.Sum(nil), want.Sum64(), want.Sum(nil))
	}
	if got.Size() != want.Size() || got.BlockSize() != want.BlockSize() {
		t.Errorf("Size %d, BlockSize %d; hash/crc64 %d, %d", got.Size(), got.BlockSize(), want.Size(), want.BlockSize())
	}
	got.Reset()
	want.Reset()
	if got.Sum64() != want.Sum64() {
		t.Errorf("after Reset Sum64 = %#x, hash/crc64 %#x", got.Sum64(), want.Sum64())
	}
	// CRC-64/XZ's check value, the CRC of "123456789".
	if c := Checksum([]byte("123456789")); c != 0x995DC9BBDF1939FA {
		t.Errorf("check value %#x, want 0x995DC9BBDF1939FA", c)
	}
}

func FuzzUpdate(f *testing.F) {
	f.Add(uint64(0), []byte{})
	f.Add(uint64(0), []byte("123456789"))
	f.Add(^uint64(0), bytes.Repeat([]byte{0xa5}, 300))
	f.Add(uint64(0x0123456789abcdef), randomBytes(rand.New(rand.NewPCG(7, 8)), 1000))
	f.Fuzz(func(t *testing.T, crc uint64, p []byte) {
		if got, want := Update(crc, p), crc64.Update(crc, ecma, p); got != want {
			t.Errorf("%d bytes, crc %#x: Update = %#x, hash/crc64 %#x", len(p), crc, got, want)
		}
	})
}

func BenchmarkUpdate(b *testing.B) {
	for _, size := range []struct {
		name string
		n    int
	}{{"1KiB", 1 << 10}, {"64KiB", 64 << 10}, {"1MiB", 1 << 20}} {
		p := randomBytes(rand.New(rand.NewPCG(9, 10)), size.n)
		b.Run("crc64ecma/"+size.name, func(b *testing.B) {
			b.SetBytes(int64(size.n))
			for b.Loop() {
				Update(0, p)
			}
		})
		b.Run("hash-crc64/"+size.name, func(b *testing.B) {
			b.SetBytes(int64(size.n))
			for b.Loop() {
				crc64.Update(0, ecma, p)
			}
		})
	}
}
