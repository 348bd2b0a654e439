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

// func foldCLMUL(reg uint64, p []byte, k *[4]uint64, out *[16]byte)
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
