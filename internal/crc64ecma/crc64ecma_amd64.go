package crc64ecma

import (
	"hash/crc64"

	"golang.org/x/sys/cpu"
)

// useCLMUL is a variable, not a constant, so that tests can force the
// table-driven path on a CPU that has PCLMULQDQ.
var useCLMUL = cpu.X86.HasPCLMULQDQ

// clmulMin is the shortest input folded with PCLMULQDQ: the fold starts with
// eight 16-byte lanes.
const clmulMin = 128

// foldK holds the fold multipliers as foldCLMUL reads them, bit-reflected:
// for a fold over d bits, x^(d+63) mod P then x^(d-1) mod P, for d = 1024
// (eight lanes at a time) and d = 128 (one lane). The exponents are one short
// of d+64 and d because a carry-less product of two bit-reflected operands
// comes out one bit low. TestFoldConstants derives them from the polynomial.
var foldK = [4]uint64{
	0x8757d71d4fcc1000, 0xd7d86b2af73de740, // d = 1024
	0xe05dd497ca393ae4, 0xdabe95afc7875f40, // d = 128
}

// foldCLMUL folds p (len(p) >= clmulMin and a multiple of 16), with the raw
// register reg XORed into its first 8 bytes, into 16 bytes whose CRC from a
// zero register is the register after p.
//
//go:noescape
func foldCLMUL(reg uint64, p []byte, k *[4]uint64, out *[16]byte)

func update(crc uint64, p []byte) uint64 {
	if len(p) >= clmulMin && useCLMUL {
		n := len(p) &^ 15
		var folded [16]byte
		foldCLMUL(^crc, p[:n], &foldK, &folded)
		// ^0 starts hash/crc64 from a zero register: the initial
		// register is already in the folded bytes.
		crc = crc64.Update(^uint64(0), table, folded[:])
		p = p[n:]
	}
	return crc64.Update(crc, table, p)
}
