// Package ptx is a small typed kernel builder: a GPU kernel is written once
// in Go, and the same instruction list is both rendered as PTX text (for the
// CUDA driver's JIT, target sm_80) and interpreted on the CPU.
//
// The interpreter exists so that every GPU kernel runs in `go test` on a
// machine without a GPU, the way a naive CPU version sits beside a fast one.
// It models what the kernels rely on: a grid of blocks, the threads of a
// block, per-block shared memory, bar.sync barriers and the special registers
// %tid, %ntid, %ctaid and %nctaid. Each block's threads run one after another
// up to the next barrier (or their exit), then all are released together;
// this is deterministic and needs no goroutines.
//
// The interpreter is stricter than the hardware on purpose: a load or store
// outside a buffer, a thread that writes a shared word another thread
// touched since the last barrier (a missing bar.sync), two threads writing
// the same global word in one launch, or threads waiting at different
// barriers all fail the launch with an error that names the instruction.
//
// Floating point follows the PTX rounding modifiers the builder emits
// (add.rn, mul.rn, fma.rn): explicit .rn stops ptxas from contracting a
// multiply and add into an fma, so the interpreter and the GPU round the
// same way and their results can be compared bit for bit.
//
// Integer division and conversions (intops.go): div/rem .u32 and .s32,
// div.rn.f32, cvt.rn.f32.{u32,s32}, cvt.rzi.{u32,s32}.f32 (truncating and
// saturating, NaN to 0), min/max/setp .s32, selp.u32 and u32 loads and
// stores. A U32 register serves as s32 for the ...S32 methods. Where PTX
// leaves a result unspecified (an integer division by zero, -2³¹/-1) the
// interpreter fails the launch rather than pick a value.
//
// 64-bit integers (u64ops.go): add/sub/mul.lo .s64, xor.b64, shl.b64,
// shr.u64 (a u32 amount; 64 or more gives 0, as PTX clamps), setp .u64 and
// cvt.u32.u64, enough for a counter-based generator such as splitmix64;
// JoinU64 makes a u64 from two u32 parameters.
//
// Loops over compile-time constants (tiles, unrolled inner products) are
// plain Go loops around builder calls: the builder is the macro language.
package ptx
