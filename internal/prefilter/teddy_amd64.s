//go:build amd64 && !purego

#include "textflag.h"

// The Teddy kernels (see the teddy type in teddy.go for the algorithm).
// Each has the Go signature
//
//	func(m *masks, p *byte, n int) (off int, cand uint64)
//
// and scans positions 0, 64, 128, ... of p[:n] while a whole step of 64
// positions and its 3 bytes of lookahead fit (67 bytes). Position q is a
// candidate when some bucket accepts p[q+k] at every window byte k < 4.
// The first step with a candidate returns (its offset, its 64-bit
// candidate mask); if none, (the offset where scanning stopped, 0).
//
// Registers common to all: AX tables, SI current position, DI p, CX the
// last position a step may start at (p+n-67).

// ---------------------------------------------------------------- AVX2

// The nibble lookups of one window byte: NIB(off, lo, hi, dst) sets dst to
// lo[x&15] & hi[x>>4], byte by byte, for the bytes x at off(SI), lo and hi
// being the window byte's nibble tables. Y7 holds 0x0f in every byte; Y0
// and Y1 are clobbered. Four ways:
//
//   - SLIM: 32 bytes, loaded once (VPSRLW has no AVX2 form with a memory
//     operand: given one, the assembler emits the AVX-512 encoding, which
//     an AVX2-only CPU cannot run);
//   - SLIMASCII: 32 bytes, for tables that accept no byte >= 0x80: VPSHUFB
//     on the byte itself gives lo[x&15], or 0 when bit 7 is set;
//   - FAT: 16 bytes broadcast to both 128-bit lanes;
//   - FATASCII: the same, for tables accepting no byte >= 0x80.
#define SLIM(off, lo, hi, dst) \
	VMOVDQU off(SI), Y0; \
	VPSRLW  $4, Y0, Y1; \
	VPAND   Y7, Y0, Y0; \
	VPAND   Y7, Y1, Y1; \
	VPSHUFB Y0, lo, Y0; \
	VPSHUFB Y1, hi, Y1; \
	VPAND   Y0, Y1, dst

#define SLIMASCII(off, lo, hi, dst) \
	VMOVDQU off(SI), Y0; \
	VPSRLW  $4, Y0, Y1; \
	VPSHUFB Y0, lo, Y0; \
	VPAND   Y7, Y1, Y1; \
	VPSHUFB Y1, hi, Y1; \
	VPAND   Y0, Y1, dst

#define FAT(off, lo, hi, dst) \
	VBROADCASTI128 off(SI), Y0; \
	VPSRLW  $4, Y0, Y1; \
	VPAND   Y7, Y0, Y0; \
	VPAND   Y7, Y1, Y1; \
	VPSHUFB Y0, lo, Y0; \
	VPSHUFB Y1, hi, Y1; \
	VPAND   Y0, Y1, dst

#define FATASCII(off, lo, hi, dst) \
	VBROADCASTI128 off(SI), Y0; \
	VPSRLW  $4, Y0, Y1; \
	VPSHUFB Y0, lo, Y0; \
	VPAND   Y7, Y1, Y1; \
	VPSHUFB Y1, hi, Y1; \
	VPAND   Y0, Y1, dst

// WINDOW(NIB, off, dst): dst = the buckets accepting the window at each
// of the positions at off(SI): the four window bytes' lookups ANDed.
// The tables of window byte k are in Y(8+k) (low nibble) and Y(12+k)
// (high nibble). Y1 is clobbered.
#define WINDOW(NIB, off, dst) \
	NIB(off, Y8, Y12, dst); \
	NIB(off+1, Y9, Y13, Y1); \
	VPAND Y1, dst, dst; \
	NIB(off+2, Y10, Y14, Y1); \
	VPAND Y1, dst, dst; \
	NIB(off+3, Y11, Y15, Y1); \
	VPAND Y1, dst, dst

// nibbleMasks layout: window byte k's tables start at 64*k: the low-nibble
// table of buckets 0-7 at +0, of buckets 8-15 at +16, the high-nibble
// tables at +32 and +48.

// func teddySlimAVX2(m *nibbleMasks, p *byte, n int) (off int, cand uint64)
//
// Eight buckets: one bucket set per byte, 32 positions per vector, two
// vectors per step.
TEXT ·teddySlimAVX2(SB), NOSPLIT, $0-40
	MOVQ m+0(FP), AX
	MOVQ p+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ SI, DI
	LEAQ -67(SI)(CX*1), CX

	// The same 16-byte table in both lanes: VPSHUFB looks up per lane.
	VBROADCASTI128 0(AX), Y8
	VBROADCASTI128 64(AX), Y9
	VBROADCASTI128 128(AX), Y10
	VBROADCASTI128 192(AX), Y11
	VBROADCASTI128 32(AX), Y12
	VBROADCASTI128 96(AX), Y13
	VBROADCASTI128 160(AX), Y14
	VBROADCASTI128 224(AX), Y15
	MOVL         $0x0f0f0f0f, DX
	VMOVD        DX, X7
	VPBROADCASTD X7, Y7

	CMPQ SI, CX
	JHI  s_none

s_loop:
	WINDOW(SLIM, 0, Y2)
	WINDOW(SLIM, 32, Y3)
	VPOR  Y2, Y3, Y4
	VPTEST Y4, Y4
	JNZ   s_found
	ADDQ  $64, SI
	CMPQ  SI, CX
	JLS   s_loop

s_none:
	SUBQ DI, SI
	MOVQ SI, off+24(FP)
	MOVQ $0, cand+32(FP)
	VZEROUPPER
	RET

s_found:
	// A byte is a candidate when it is not zero.
	VPXOR     Y4, Y4, Y4
	VPCMPEQB  Y4, Y2, Y2
	VPCMPEQB  Y4, Y3, Y3
	VPMOVMSKB Y2, AX
	VPMOVMSKB Y3, DX
	NOTL      AX
	NOTL      DX
	SHLQ      $32, DX
	ORQ       DX, AX
	SUBQ      DI, SI
	MOVQ      SI, off+24(FP)
	MOVQ      AX, cand+32(FP)
	VZEROUPPER
	RET

// func teddySlimAVX2ASCII(m *nibbleMasks, p *byte, n int) (off int, cand uint64)
//
// teddySlimAVX2 for tables accepting no byte >= 0x80.
TEXT ·teddySlimAVX2ASCII(SB), NOSPLIT, $0-40
	MOVQ m+0(FP), AX
	MOVQ p+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ SI, DI
	LEAQ -67(SI)(CX*1), CX

	// The same 16-byte table in both lanes: VPSHUFB looks up per lane.
	VBROADCASTI128 0(AX), Y8
	VBROADCASTI128 64(AX), Y9
	VBROADCASTI128 128(AX), Y10
	VBROADCASTI128 192(AX), Y11
	VBROADCASTI128 32(AX), Y12
	VBROADCASTI128 96(AX), Y13
	VBROADCASTI128 160(AX), Y14
	VBROADCASTI128 224(AX), Y15
	MOVL         $0x0f0f0f0f, DX
	VMOVD        DX, X7
	VPBROADCASTD X7, Y7

	CMPQ SI, CX
	JHI  sa_none

sa_loop:
	WINDOW(SLIMASCII, 0, Y2)
	WINDOW(SLIMASCII, 32, Y3)
	VPOR  Y2, Y3, Y4
	VPTEST Y4, Y4
	JNZ   sa_found
	ADDQ  $64, SI
	CMPQ  SI, CX
	JLS   sa_loop

sa_none:
	SUBQ DI, SI
	MOVQ SI, off+24(FP)
	MOVQ $0, cand+32(FP)
	VZEROUPPER
	RET

sa_found:
	// A byte is a candidate when it is not zero.
	VPXOR     Y4, Y4, Y4
	VPCMPEQB  Y4, Y2, Y2
	VPCMPEQB  Y4, Y3, Y3
	VPMOVMSKB Y2, AX
	VPMOVMSKB Y3, DX
	NOTL      AX
	NOTL      DX
	SHLQ      $32, DX
	ORQ       DX, AX
	SUBQ      DI, SI
	MOVQ      SI, off+24(FP)
	MOVQ      AX, cand+32(FP)
	VZEROUPPER
	RET

// FATMASK(Y, R) turns a fat result vector (positions 0-15 in the low lane
// for buckets 0-7, the same positions in the high lane for buckets 8-15)
// into R = 16 candidate bits: a position is a candidate unless its byte is
// zero in both lanes. Y6 must be zero; BX is clobbered.
#define FATMASK(Y, R) \
	VPCMPEQB  Y6, Y, Y; \
	VPMOVMSKB Y, R; \
	MOVL      R, BX; \
	SHRL      $16, BX; \
	ANDL      BX, R; \
	NOTL      R; \
	ANDL      $0xffff, R

// func teddyFatAVX2(m *nibbleMasks, p *byte, n int) (off int, cand uint64)
//
// Sixteen buckets: 16 text bytes are broadcast to both lanes, the low
// lane looked up in buckets 0-7's tables and the high lane in 8-15's; four
// such vectors per step.
TEXT ·teddyFatAVX2(SB), NOSPLIT, $0-40
	MOVQ m+0(FP), AX
	MOVQ p+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ SI, DI
	LEAQ -67(SI)(CX*1), CX

	// Buckets 0-7's table in the low lane, 8-15's in the high lane.
	VMOVDQU 0(AX), Y8
	VMOVDQU 64(AX), Y9
	VMOVDQU 128(AX), Y10
	VMOVDQU 192(AX), Y11
	VMOVDQU 32(AX), Y12
	VMOVDQU 96(AX), Y13
	VMOVDQU 160(AX), Y14
	VMOVDQU 224(AX), Y15
	MOVL         $0x0f0f0f0f, DX
	VMOVD        DX, X7
	VPBROADCASTD X7, Y7

	CMPQ SI, CX
	JHI  f_none

f_loop:
	WINDOW(FAT, 0, Y2)
	WINDOW(FAT, 16, Y3)
	WINDOW(FAT, 32, Y4)
	WINDOW(FAT, 48, Y5)
	VPOR   Y2, Y3, Y0
	VPOR   Y4, Y5, Y1
	VPOR   Y0, Y1, Y0
	VPTEST Y0, Y0
	JNZ    f_found
	ADDQ   $64, SI
	CMPQ   SI, CX
	JLS    f_loop

f_none:
	SUBQ DI, SI
	MOVQ SI, off+24(FP)
	MOVQ $0, cand+32(FP)
	VZEROUPPER
	RET

f_found:
	VPXOR Y6, Y6, Y6
	FATMASK(Y5, AX)
	SHLQ  $16, AX
	FATMASK(Y4, DX)
	ORQ   DX, AX
	SHLQ  $16, AX
	FATMASK(Y3, DX)
	ORQ   DX, AX
	SHLQ  $16, AX
	FATMASK(Y2, DX)
	ORQ   DX, AX
	SUBQ  DI, SI
	MOVQ  SI, off+24(FP)
	MOVQ  AX, cand+32(FP)
	VZEROUPPER
	RET

// func teddyFatAVX2ASCII(m *nibbleMasks, p *byte, n int) (off int, cand uint64)
//
// teddyFatAVX2 for tables accepting no byte >= 0x80.
TEXT ·teddyFatAVX2ASCII(SB), NOSPLIT, $0-40
	MOVQ m+0(FP), AX
	MOVQ p+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ SI, DI
	LEAQ -67(SI)(CX*1), CX

	// Buckets 0-7's table in the low lane, 8-15's in the high lane.
	VMOVDQU 0(AX), Y8
	VMOVDQU 64(AX), Y9
	VMOVDQU 128(AX), Y10
	VMOVDQU 192(AX), Y11
	VMOVDQU 32(AX), Y12
	VMOVDQU 96(AX), Y13
	VMOVDQU 160(AX), Y14
	VMOVDQU 224(AX), Y15
	MOVL         $0x0f0f0f0f, DX
	VMOVD        DX, X7
	VPBROADCASTD X7, Y7

	CMPQ SI, CX
	JHI  fa_none

fa_loop:
	WINDOW(FATASCII, 0, Y2)
	WINDOW(FATASCII, 16, Y3)
	WINDOW(FATASCII, 32, Y4)
	WINDOW(FATASCII, 48, Y5)
	VPOR   Y2, Y3, Y0
	VPOR   Y4, Y5, Y1
	VPOR   Y0, Y1, Y0
	VPTEST Y0, Y0
	JNZ    fa_found
	ADDQ   $64, SI
	CMPQ   SI, CX
	JLS    fa_loop

fa_none:
	SUBQ DI, SI
	MOVQ SI, off+24(FP)
	MOVQ $0, cand+32(FP)
	VZEROUPPER
	RET

fa_found:
	VPXOR Y6, Y6, Y6
	FATMASK(Y5, AX)
	SHLQ  $16, AX
	FATMASK(Y4, DX)
	ORQ   DX, AX
	SHLQ  $16, AX
	FATMASK(Y3, DX)
	ORQ   DX, AX
	SHLQ  $16, AX
	FATMASK(Y2, DX)
	ORQ   DX, AX
	SUBQ  DI, SI
	MOVQ  SI, off+24(FP)
	MOVQ  AX, cand+32(FP)
	VZEROUPPER
	RET

// ---------------------------------------------------------- AVX-512 VBMI

// byteMasks layout: window byte k's tables start at 256*k: buckets 0-7's
// 128-entry table at +0, buckets 8-15's at +128. VPERMI2B takes a 128-entry
// table as two registers (entries 0-63, 64-127) and indexes it with the
// low 7 bits of each byte, overwriting the index register.

// func teddySlimVBMI(m *byteMasks, p *byte, n int) (off int, cand uint64)
//
// Eight buckets, 64 positions per vector and step.
TEXT ·teddySlimVBMI(SB), NOSPLIT, $0-40
	MOVQ m+0(FP), AX
	MOVQ p+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ SI, DI
	LEAQ -67(SI)(CX*1), CX

	// Window byte k's table in Z(16+2k), Z(17+2k).
	VMOVDQU64 0(AX), Z16
	VMOVDQU64 64(AX), Z17
	VMOVDQU64 256(AX), Z18
	VMOVDQU64 320(AX), Z19
	VMOVDQU64 512(AX), Z20
	VMOVDQU64 576(AX), Z21
	VMOVDQU64 768(AX), Z22
	VMOVDQU64 832(AX), Z23

	CMPQ SI, CX
	JHI  vnone

vloop:
	VMOVDQU64  0(SI), Z0
	VMOVDQU64  1(SI), Z1
	VMOVDQU64  2(SI), Z2
	VMOVDQU64  3(SI), Z3
	VPERMI2B   Z17, Z16, Z0
	VPERMI2B   Z19, Z18, Z1
	VPERMI2B   Z21, Z20, Z2
	VPERMI2B   Z23, Z22, Z3
	VPTERNLOGD $0x80, Z2, Z1, Z0 // Z0 &= Z1 & Z2
	VPTESTMB   Z3, Z0, K1        // K1 = bytes where Z0 & Z3 != 0
	KORTESTQ   K1, K1
	JNZ        vfound
	ADDQ       $64, SI
	CMPQ       SI, CX
	JLS        vloop

vnone:
	SUBQ DI, SI
	MOVQ SI, off+24(FP)
	MOVQ $0, cand+32(FP)
	VZEROUPPER
	RET

vfound:
	KMOVQ K1, AX
	SUBQ  DI, SI
	MOVQ  SI, off+24(FP)
	MOVQ  AX, cand+32(FP)
	VZEROUPPER
	RET

// func teddyFatVBMI(m *byteMasks, p *byte, n int) (off int, cand uint64)
//
// Sixteen buckets: each window byte is looked up in both halves' tables
// (buckets 0-7 into Z0-Z3, 8-15 into Z4-Z7), each half's four lookups
// ANDed, and the halves ORed.
TEXT ·teddyFatVBMI(SB), NOSPLIT, $0-40
	MOVQ m+0(FP), AX
	MOVQ p+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ SI, DI
	LEAQ -67(SI)(CX*1), CX

	// Window byte k's tables: buckets 0-7 in Z(16+2k), Z(17+2k),
	// buckets 8-15 in Z(24+2k), Z(25+2k).
	VMOVDQU64 0(AX), Z16
	VMOVDQU64 64(AX), Z17
	VMOVDQU64 256(AX), Z18
	VMOVDQU64 320(AX), Z19
	VMOVDQU64 512(AX), Z20
	VMOVDQU64 576(AX), Z21
	VMOVDQU64 768(AX), Z22
	VMOVDQU64 832(AX), Z23
	VMOVDQU64 128(AX), Z24
	VMOVDQU64 192(AX), Z25
	VMOVDQU64 384(AX), Z26
	VMOVDQU64 448(AX), Z27
	VMOVDQU64 640(AX), Z28
	VMOVDQU64 704(AX), Z29
	VMOVDQU64 896(AX), Z30
	VMOVDQU64 960(AX), Z31

	CMPQ SI, CX
	JHI  wnone

wloop:
	VMOVDQU64  0(SI), Z0
	VMOVDQU64  1(SI), Z1
	VMOVDQU64  2(SI), Z2
	VMOVDQU64  3(SI), Z3
	VMOVDQA64  Z0, Z4
	VMOVDQA64  Z1, Z5
	VMOVDQA64  Z2, Z6
	VMOVDQA64  Z3, Z7
	VPERMI2B   Z17, Z16, Z0
	VPERMI2B   Z19, Z18, Z1
	VPERMI2B   Z21, Z20, Z2
	VPERMI2B   Z23, Z22, Z3
	VPERMI2B   Z25, Z24, Z4
	VPERMI2B   Z27, Z26, Z5
	VPERMI2B   Z29, Z28, Z6
	VPERMI2B   Z31, Z30, Z7
	VPTERNLOGD $0x80, Z2, Z1, Z0 // Z0 &= Z1 & Z2: buckets 0-7
	VPTERNLOGD $0x80, Z6, Z5, Z4 // Z4 &= Z5 & Z6: buckets 8-15
	VPANDQ     Z3, Z0, Z0
	VPANDQ     Z7, Z4, Z4
	VPORQ      Z4, Z0, Z0
	VPTESTMB   Z0, Z0, K1
	KORTESTQ   K1, K1
	JNZ        wfound
	ADDQ       $64, SI
	CMPQ       SI, CX
	JLS        wloop

wnone:
	SUBQ DI, SI
	MOVQ SI, off+24(FP)
	MOVQ $0, cand+32(FP)
	VZEROUPPER
	RET

wfound:
	KMOVQ K1, AX
	SUBQ  DI, SI
	MOVQ  SI, off+24(FP)
	MOVQ  AX, cand+32(FP)
	VZEROUPPER
	RET
