package ossemu

import (
	"bytes"
	"io"
	"testing"
)

func TestUnsplitmix64(t *testing.T) {
	for _, x := range []uint64{0, 1, 42, 1 << 63, 0xdeadbeefcafebabe, ^uint64(0)} {
		if got := unsplitmix64(splitmix64(x)); got != x {
			t.Errorf("unsplitmix64(splitmix64(%#x)) = %#x", x, got)
		}
	}
}

// TestReadGenerated: an upload of a seed's bytes from a block boundary is
// stored as an extent of the seed, without its bytes; one that strays from
// the seed, or starts elsewhere, is stored as sent. Either way it reads
// back as sent.
func TestReadGenerated(t *testing.T) {
	s := &Server{}
	const seed = 77
	gen := func(off, n int64) []byte {
		b, _ := io.ReadAll(newReader(content{{seed: seed, off: off, n: n}}))
		return b
	}
	strayed := gen(3*blockSize, 2*blockSize+100)
	strayed[blockSize+5] ^= 1
	testCases := map[string]struct {
		body          []byte
		wantGenerated bool
	}{
		"blocks from a boundary":   {gen(3*blockSize, 2*blockSize+100), true},
		"less than a block":        {gen(blockSize, 1000), true},
		"from inside a block":      {gen(blockSize+1, blockSize), false},
		"strays in the second one": {strayed, false},
		"other bytes":              {bytes.Repeat([]byte("x"), 3*blockSize), false},
	}
	for name, tc := range testCases {
		t.Run(name, func(t *testing.T) {
			c, err := s.readGenerated(bytes.NewReader(tc.body), int64(len(tc.body)))
			if err != nil {
				t.Fatal(err)
			}
			if len(c) != 1 || c[0].generated() != tc.wantGenerated {
				t.Errorf("stored as %+v, want generated %t", c, tc.wantGenerated)
			}
			got, _ := io.ReadAll(newReader(c))
			if !bytes.Equal(got, tc.body) {
				t.Error("stored content differs from the body")
			}
		})
	}
}
