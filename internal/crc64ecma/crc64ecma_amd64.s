#include "textflag.h"

// FOLD advances lane r by the distance whose multipliers are in X15 and adds
// the 16 bytes at off(SI): r = r.lo*K.lo ^ r.hi*K.hi ^ data. Each lane has
// its own dependency chain, so the eight PCLMULQDQ latencies overlap.
#define FOLD(r, off) \
	MOVO      r, X8        \
	PCLMULQDQ $0x00, X15, r \
	PCLMULQDQ $0x11, X15, X8 \
	MOVOU     off(SI), X9  \
	PXOR      X8, r        \
	PXOR      X9, r

// MERGE folds lane a over 128 bits (multipliers in X15) into lane b.
#define MERGE(a, b) \
	MOVO      a, X8        \
	PCLMULQDQ $0x00, X15, a \
	PCLMULQDQ $0x11, X15, X8 \
	PXOR      X8, a        \
	PXOR      a, b

// func foldCLMUL(reg uint64, p []byte, k *[8]uint64, out *[16]byte)
TEXT ·foldCLMUL(SB), NOSPLIT, $0-48
	MOVQ reg+0(FP), AX
	MOVQ p_base+8(FP), SI
	MOVQ p_len+16(FP), CX
	MOVQ k+32(FP), DX
	MOVQ out+40(FP), DI

	MOVOU 0(SI), X0
	MOVOU 16(SI), X1
	MOVOU 32(SI), X2
	MOVOU 48(SI), X3
	MOVOU 64(SI), X4
	MOVOU 80(SI), X5
	MOVOU 96(SI), X6
	MOVOU 112(SI), X7
	MOVQ  AX, X8
	PXOR  X8, X0
	ADDQ  $128, SI
	SUBQ  $128, CX

	MOVOU 0(DX), X15

loop128:
	CMPQ CX, $128
	JB   merge
	FOLD(X0, 0)
	FOLD(X1, 16)
	FOLD(X2, 32)
	FOLD(X3, 48)
	FOLD(X4, 64)
	FOLD(X5, 80)
	FOLD(X6, 96)
	FOLD(X7, 112)
	ADDQ $128, SI
	SUBQ $128, CX
	JMP  loop128

merge:
	MOVOU 16(DX), X15
	MERGE(X0, X1)
	MERGE(X1, X2)
	MERGE(X2, X3)
	MERGE(X3, X4)
	MERGE(X4, X5)
	MERGE(X5, X6)
	MERGE(X6, X7)

loop16:
	CMPQ CX, $16
	JB   done
	FOLD(X7, 0)
	ADDQ $16, SI
	SUBQ $16, CX
	JMP  loop16

done:
	MOVOU X7, (DI)
	RET

// FOLDZ is FOLD for four lanes in a ZMM register, with the data XORed in by
// the same VPTERNLOGQ (0x96: a^b^c) that adds the two products.
#define FOLDZ(r, off) \
	VPCLMULQDQ $0x00, Z15, r, Z8 \
	VPCLMULQDQ $0x11, Z15, r, r  \
	VPTERNLOGQ $0x96, off(SI), Z8, r

// MERGEZ folds the four lanes of a over 512 bits (multipliers in Z15) into b.
#define MERGEZ(a, b) \
	VPCLMULQDQ $0x00, Z15, a, Z8 \
	VPCLMULQDQ $0x11, Z15, a, a  \
	VPTERNLOGQ $0x96, Z8, a, b

// MERGEX is MERGE in VEX encoding, which avoids the SSE/AVX transition
// penalty once the upper halves of the registers are dirty.
#define MERGEX(a, b) \
	VPCLMULQDQ $0x00, X15, a, X8 \
	VPCLMULQDQ $0x11, X15, a, a  \
	VPXOR      X8, a, a          \
	VPXOR      a, b, b

// foldAVX512 is foldCLMUL with sixteen lanes in four ZMM registers, 256
// bytes a round; it needs len(p) >= 256. k holds foldK.
//
// func foldAVX512(reg uint64, p []byte, k *[8]uint64, out *[16]byte)
TEXT ·foldAVX512(SB), NOSPLIT, $0-48
	MOVQ reg+0(FP), AX
	MOVQ p_base+8(FP), SI
	MOVQ p_len+16(FP), CX
	MOVQ k+32(FP), DX
	MOVQ out+40(FP), DI

	VMOVDQU64 0(SI), Z0
	VMOVDQU64 64(SI), Z1
	VMOVDQU64 128(SI), Z2
	VMOVDQU64 192(SI), Z3
	VMOVQ     AX, X8
	VPXORQ    Z8, Z0, Z0
	ADDQ      $256, SI
	SUBQ      $256, CX

	VBROADCASTI32X4 32(DX), Z15

loop256:
	CMPQ CX, $256
	JB   merge
	FOLDZ(Z0, 0)
	FOLDZ(Z1, 64)
	FOLDZ(Z2, 128)
	FOLDZ(Z3, 192)
	ADDQ $256, SI
	SUBQ $256, CX
	JMP  loop256

merge:
	VBROADCASTI32X4 48(DX), Z15
	MERGEZ(Z0, Z1)
	MERGEZ(Z1, Z2)
	MERGEZ(Z2, Z3)

loop64:
	CMPQ CX, $64
	JB   lanes
	FOLDZ(Z3, 0)
	ADDQ $64, SI
	SUBQ $64, CX
	JMP  loop64

lanes:
	// X3 is Z3's first lane.
	VMOVDQU       16(DX), X15
	VEXTRACTI32X4 $1, Z3, X4
	VEXTRACTI32X4 $2, Z3, X5
	VEXTRACTI32X4 $3, Z3, X6
	MERGEX(X3, X4)
	MERGEX(X4, X5)
	MERGEX(X5, X6)

loopx16:
	CMPQ CX, $16
	JB   donex
	VPCLMULQDQ $0x00, X15, X6, X8
	VPCLMULQDQ $0x11, X15, X6, X6
	VPXOR      X8, X6, X6
	VPXOR      (SI), X6, X6
	ADDQ       $16, SI
	SUBQ       $16, CX
	JMP        loopx16

donex:
	VMOVDQU X6, (DI)
	VZEROUPPER
	RET
