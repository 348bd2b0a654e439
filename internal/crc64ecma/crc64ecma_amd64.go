package crc64ecma

import (
	"hash/crc64"

	"golang.org/x/sys/cpu"
)

// useCLMUL and useAVX512 are variables, not constants, so that tests can
// force the narrower paths on a CPU that has the wider ones.
var (
	useCLMUL  = cpu.X86.HasPCLMULQDQ
	useAVX512 = useCLMUL && cpu.X86.HasAVX && cpu.X86.HasAVX512F && cpu.X86.HasAVX512VPCLMULQDQ
)

// clmulMin and avx512Min are the shortest inputs each fold takes: it starts
// with eight 16-byte lanes, or sixteen.
const (
	clmulMin  = 128
	avx512Min = 256
)

// foldK holds the fold multipliers as the folds read them, bit-reflected:
// for a fold over d bits, x^(d+63) mod P then x^(d-1) mod P, for d = 1024
// (eight lanes at a time), 128 (one lane), 2048 (sixteen lanes) and 512
// (four). The exponents are one short of d+64 and d because a carry-less
// product of two bit-reflected operands comes out one bit low.
// TestFoldConstants derives them from the polynomial.
var foldK = [8]uint64{
	0x8757d71d4fcc1000, 0xd7d86b2af73de740, // d = 1024
	0xe05dd497ca393ae4, 0xdabe95afc7875f40, // d = 128
	0x8260adf2381ad81c, 0xf31fd9271e228b79, // d = 2048
	0x6ae3efbb9dd441f3, 0x081f6054a7842df4, // d = 512
}

// foldCLMUL folds p (len(p) >= clmulMin and a multiple of 16), with the raw
// register reg XORed into its first 8 bytes, into 16 bytes whose CRC from a
// zero register is the register after p.
//
//go:noescape
func foldCLMUL(reg uint64, p []byte, k *[8]uint64, out *[16]byte)

// foldAVX512 is foldCLMUL for len(p) >= avx512Min.
//
//go:noescape
func foldAVX512(reg uint64, p []byte, k *[8]uint64, out *[16]byte)

func update(crc uint64, p []byte) uint64 {
	if len(p) >= clmulMin && useCLMUL {
		n := len(p) &^ 15
		var folded [16]byte
		if n >= avx512Min && useAVX512 {
			foldAVX512(^crc, p[:n], &foldK, &folded)
		} else {
			foldCLMUL(^crc, p[:n], &foldK, &folded)
		}
		// ^0 starts hash/crc64 from a zero register: the initial
		// register is already in the folded bytes.
		crc = crc64.Update(^uint64(0), table, folded[:])
		p = p[n:]
	}
	return crc64.Update(crc, table, p)
}
