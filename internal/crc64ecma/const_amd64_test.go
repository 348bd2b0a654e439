package crc64ecma

import (
	"math/bits"
	"testing"
)

// xPowModP returns x^n mod P, P being ECMA-182's x^64 + 0x42F0E1EBA9EA3693
// (the normal form of crc64.ECMA), with bit i the coefficient of x^i.
func xPowModP(n int) uint64 {
	const low = 0x42F0E1EBA9EA3693
	r := uint64(1)
	for range n {
		carry := r >> 63
		r <<= 1
		if carry != 0 {
			r ^= low
		}
	}
	return r
}

func TestFoldConstants(t *testing.T) {
	if bits.Reverse64(0x42F0E1EBA9EA3693) != 0xC96C5795D7870F42 {
		t.Fatal("the normal-form polynomial is not crc64.ECMA reflected")
	}
	var want [8]uint64
	for i, d := range []int{1024, 128, 2048, 512} {
		want[2*i] = bits.Reverse64(xPowModP(d + 63))
		want[2*i+1] = bits.Reverse64(xPowModP(d - 1))
	}
	if foldK != want {
		t.Errorf("foldK = %#016x, derived from the polynomial %#016x", foldK, want)
	}
}
