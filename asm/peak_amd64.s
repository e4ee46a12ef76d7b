//go:build !purego

#include "textflag.h"

// Register-only FMA loops used by MeasurePeakGFLOPS. Many independent
// accumulator chains keep both FMA pipes busy despite the FMA latency; there
// are no loads or stores, so the loop runs at the core's FMA throughput.
// The operands are all zero: FMA timing does not depend on the values and
// zeros can neither overflow nor go denormal.

#define FMA_Z(r) VFMADD231PS Z30, Z31, r
#define FMA_Y(r) VFMADD231PS Y14, Y15, r

// func fmaPeakAVX512(iters int): 24 chains × 16 lanes per iteration.
TEXT ·fmaPeakAVX512(SB), NOSPLIT, $0-8
	MOVQ   iters+0(FP), CX
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z14, Z14, Z14
	VPXORD Z15, Z15, Z15
	VPXORD Z16, Z16, Z16
	VPXORD Z17, Z17, Z17
	VPXORD Z18, Z18, Z18
	VPXORD Z19, Z19, Z19
	VPXORD Z20, Z20, Z20
	VPXORD Z21, Z21, Z21
	VPXORD Z22, Z22, Z22
	VPXORD Z23, Z23, Z23
	VPXORD Z30, Z30, Z30
	VPXORD Z31, Z31, Z31
	TESTQ  CX, CX
	JLE    done512

loop512:
	FMA_Z(Z0); FMA_Z(Z1); FMA_Z(Z2); FMA_Z(Z3); FMA_Z(Z4); FMA_Z(Z5)
	FMA_Z(Z6); FMA_Z(Z7); FMA_Z(Z8); FMA_Z(Z9); FMA_Z(Z10); FMA_Z(Z11)
	FMA_Z(Z12); FMA_Z(Z13); FMA_Z(Z14); FMA_Z(Z15); FMA_Z(Z16); FMA_Z(Z17)
	FMA_Z(Z18); FMA_Z(Z19); FMA_Z(Z20); FMA_Z(Z21); FMA_Z(Z22); FMA_Z(Z23)
	DECQ CX
	JNZ  loop512

done512:
	VZEROUPPER
	RET

// func fmaPeakAVX2(iters int): 12 chains × 8 lanes per iteration.
TEXT ·fmaPeakAVX2(SB), NOSPLIT, $0-8
	MOVQ   iters+0(FP), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	VXORPS Y14, Y14, Y14
	VXORPS Y15, Y15, Y15
	TESTQ  CX, CX
	JLE    done2

loop2:
	FMA_Y(Y0); FMA_Y(Y1); FMA_Y(Y2); FMA_Y(Y3); FMA_Y(Y4); FMA_Y(Y5)
	FMA_Y(Y6); FMA_Y(Y7); FMA_Y(Y8); FMA_Y(Y9); FMA_Y(Y10); FMA_Y(Y11)
	DECQ CX
	JNZ  loop2

done2:
	VZEROUPPER
	RET
