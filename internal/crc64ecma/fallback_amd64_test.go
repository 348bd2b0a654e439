package crc64ecma

import (
	"hash/crc64"
	"math/rand/v2"
	"testing"
)

func TestCLMULAvailable(t *testing.T) {
	if !useCLMUL {
		t.Skip("no PCLMULQDQ: the other tests checked only the table path")
	}
}

// The table path serves CPUs without PCLMULQDQ, and tails everywhere;
// force it for whole inputs.
func TestFallback(t *testing.T) {
	saved := useCLMUL
	useCLMUL = false
	t.Cleanup(func() { useCLMUL = saved })
	r := rand.New(rand.NewPCG(11, 12))
	for _, n := range []int{0, 1, 15, 127, 128, 4096, 1<<20 + 3} {
		p := randomBytes(r, n)
		crc := r.Uint64()
		if got, want := Update(crc, p), crc64.Update(crc, ecma, p); got != want {
			t.Errorf("%d bytes: Update = %#x, hash/crc64 %#x", n, got, want)
		}
	}
}
