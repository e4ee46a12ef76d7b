package kernels

import (
	"fmt"
	"math/bits"

	"github.com/modeldoctor/modeldoctor/cuda/ptx"
)

// SgemmConfig is the tiling of the SGEMM kernel: a block computes a BM×BN
// tile of C, stepping through K in slices of BK that it stages in shared
// memory; each thread computes a TM×TN sub-tile in registers. All five are
// powers of two.
//
// Vec4 selects the vectorised variant (sgemm_vec4.go): 128-bit global
// loads of A and B, 128-bit shared reads of each thread's fragments and
// 128-bit stores of C. It needs BK, TM and TN multiples of 4, and at
// launch K and N multiples of 4 and A, B and C 16-byte aligned
// (SgemmVec4Fits); results are the scalar kernel's, bit for bit.
type SgemmConfig struct {
	BM, BN, BK, TM, TN int
	Vec4               bool
}

// DefaultSgemm is the tiling for large matrices: 256 threads, 64
// accumulators each, 8 KiB of shared memory per block.
var DefaultSgemm = SgemmConfig{BM: 128, BN: 128, BK: 8, TM: 8, TN: 8}

// Threads is the block size the configuration needs.
func (c SgemmConfig) Threads() int { return (c.BM / c.TM) * (c.BN / c.TN) }

// Grid is the launch grid for an M×N result: x over column tiles, y over
// row tiles.
func (c SgemmConfig) Grid(m, n int) ptx.Dim3 {
	return ptx.Dim3{X: uint32((n + c.BN - 1) / c.BN), Y: uint32((m + c.BM - 1) / c.BM), Z: 1}
}

func (c SgemmConfig) check() error {
	for _, v := range []int{c.BM, c.BN, c.BK, c.TM, c.TN} {
		if v <= 0 || v&(v-1) != 0 {
			return fmt.Errorf("kernels: sgemm tiling %+v: every size must be a power of two", c)
		}
	}
	t := c.Threads()
	if c.Vec4 {
		if c.BK%4 != 0 || c.TM%4 != 0 || c.TN%4 != 0 || c.TM > c.BM || c.TN > c.BN || t > 1024 {
			return fmt.Errorf("kernels: sgemm tiling %+v: the vector variant needs BK, TM and TN multiples of 4 and at most 1024 threads", c)
		}
		return nil
	}
	if c.TM > c.BM || c.TN > c.BN || t > 1024 || (c.BM*c.BK)%t != 0 || (c.BK*c.BN)%t != 0 {
		return fmt.Errorf("kernels: sgemm tiling %+v: the tiles of A and B must split evenly over %d threads", c, t)
	}
	return nil
}

func log2(v int) uint32 { return uint32(bits.TrailingZeros(uint(v))) }

// Sgemm is C = A·B for row-major A (M×K), B (K×N), C (M×N); params
// (C, A, B, M, N, K). Launch with c.Grid(M, N) blocks of c.Threads()
// threads. Each C element is one fma chain over k = 0, 1, ..., K-1
// starting from 0, so it matches SgemmRef bit for bit.
//
// Shared layout: As is the A slice transposed (BK×BM), so a thread's TM
// rows are consecutive words; Bs is BK×BN. A thread owns rows
// ty*TM+i and columns tx + j*(BN/TN): consecutive threads read consecutive
// Bs words (no bank conflicts) and write consecutive C columns.
func Sgemm(c SgemmConfig) (*ptx.Kernel, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	if c.Vec4 {
		return sgemmVec4(c), nil
	}
	b, f := sgemmPrologue("sgemm", c)
	pc, pa, pb, m, n, k, as, bs := f.pc, f.pa, f.pb, f.m, f.n, f.k, f.as, f.bs
	threads, colThreads, tid, tx, ty, rowBase, colBase := f.threads, f.colThreads, f.tid, f.tx, f.ty, f.rowBase, f.colBase
	imm := immU32

	// Loads of A: element e = tid + j*threads of the BM×BK slice is row
	// e/BK, column e%BK. Pointers start at k = 0 and advance BK columns.
	type tileLoad struct {
		ptr    ptx.U64
		inner  ptx.U32 // column within the slice (A) or row (B)
		outer  ptx.Pred
		shAddr ptx.U32
	}
	var aLoads, bLoads []tileLoad
	for j := 0; j < c.BM*c.BK/threads; j++ {
		e := b.AddU32(tid, imm(j*threads))
		r := b.ShrU32(e, imm(int(log2(c.BK))))
		col := b.AndU32(e, imm(c.BK-1))
		row := b.AddU32(rowBase, r)
		ptr := b.NewU64()
		b.MovU64To(ptr, b.Index4(pa, b.MadU32(row, k, col)))
		sh := b.AddU32(as, b.ShlU32(b.MadU32(col, imm(c.BM), r), imm(2)))
		aLoads = append(aLoads, tileLoad{ptr, col, b.SetpU32(ptx.LT, row, m), sh})
	}
	// Loads of B: element e of the BK×BN slice is row e/BN, column e%BN.
	for j := 0; j < c.BK*c.BN/threads; j++ {
		e := b.AddU32(tid, imm(j*threads))
		r := b.ShrU32(e, imm(int(log2(c.BN))))
		cl := b.AndU32(e, imm(c.BN-1))
		col := b.AddU32(colBase, cl)
		ptr := b.NewU64()
		b.MovU64To(ptr, b.Index4(pb, b.MadU32(r, n, col)))
		sh := b.AddU32(bs, b.ShlU32(e, imm(2)))
		bLoads = append(bLoads, tileLoad{ptr, r, b.SetpU32(ptx.LT, col, n), sh})
	}
	aStep := ptx.ImmU64(uint64(4 * c.BK))
	bStep := b.MulWideU32(n, imm(4*c.BK))

	acc := make([]ptx.F32, c.TM*c.TN)
	for i := range acc {
		acc[i] = b.MovF32(ptx.ImmF32(0))
	}
	ra := make([]ptx.F32, c.TM)
	rb := make([]ptx.F32, c.TN)
	for i := range ra {
		ra[i] = b.NewF32()
	}
	for j := range rb {
		rb[j] = b.NewF32()
	}
	aRead := b.AddU32(as, b.ShlU32(ty, imm(int(log2(c.TM))+2)))
	bRead := b.AddU32(bs, b.ShlU32(tx, imm(2)))

	k0 := b.MovU32(imm(0))
	top, done := b.NewLabel(), b.NewLabel()
	b.Place(top)
	b.BraIf(b.SetpU32(ptx.GE, k0, k), done)
	stage := func(loads []tileLoad, step ptx.U64) {
		for _, ld := range loads {
			v := b.MovF32(ptx.ImmF32(0))
			ok := b.AndPred(ld.outer, b.SetpU32(ptx.LT, b.AddU32(k0, ld.inner), k))
			b.If(ok, func() { b.LdGlobalF32To(v, ld.ptr, 0) })
			b.StSharedF32(ld.shAddr, 0, v)
			b.AddU64To(ld.ptr, ld.ptr, step)
		}
	}
	stage(aLoads, aStep)
	stage(bLoads, bStep)
	b.Bar()
	for kk := 0; kk < c.BK; kk++ {
		for i := range ra {
			b.LdSharedF32To(ra[i], aRead, int32(4*(kk*c.BM+i)))
		}
		for j := range rb {
			b.LdSharedF32To(rb[j], bRead, int32(4*(kk*c.BN+j*colThreads)))
		}
		for i := range ra {
			for j := range rb {
				a := acc[i*c.TN+j]
				b.FmaF32To(a, ra[i], rb[j], a)
			}
		}
	}
	b.Bar()
	b.AddU32To(k0, k0, imm(c.BK))
	b.Bra(top)
	b.Place(done)

	// Epilogue: store the owned elements that fall inside C.
	colOK := make([]ptx.Pred, c.TN)
	firstCol := b.AddU32(colBase, tx)
	for j := range colOK {
		colOK[j] = b.SetpU32(ptx.LT, b.AddU32(firstCol, imm(j*colThreads)), n)
	}
	for i := 0; i < c.TM; i++ {
		row := b.AddU32(b.AddU32(rowBase, b.ShlU32(ty, imm(int(log2(c.TM))))), imm(i))
		rowOK := b.SetpU32(ptx.LT, row, m)
		base := b.Index4(pc, b.MadU32(row, n, firstCol))
		for j := 0; j < c.TN; j++ {
			b.If(b.AndPred(rowOK, colOK[j]), func() {
				b.StGlobalF32(base, int32(4*j*colThreads), acc[i*c.TN+j])
			})
		}
	}
	return b.Build(), nil
}

// SmallSgemm is a tiling small enough that tests exercise many blocks and
// K slices on small matrices (64 threads, 2×2 per thread).
var SmallSgemm = SgemmConfig{BM: 16, BN: 16, BK: 4, TM: 2, TN: 2}

// DefaultSgemmVec4 and SmallSgemmVec4 are the vectorised variants' tilings
// for large and small matrices (256 and 32 threads, 4×4 per thread for the
// small one).
var (
	DefaultSgemmVec4 = SgemmConfig{BM: 128, BN: 128, BK: 8, TM: 8, TN: 8, Vec4: true}
	SmallSgemmVec4   = SgemmConfig{BM: 16, BN: 32, BK: 8, TM: 4, TN: 4, Vec4: true}
)

// sgemmFrame is what both SGEMM kernels start from: parameters, shared
// tiles, the thread's position in the block and the block's tile origin.
type sgemmFrame struct {
	pc, pa, pb          ptx.U64
	m, n, k             ptx.U32
	as, bs              ptx.U32
	threads, colThreads int
	tid, tx, ty         ptx.U32
	rowBase, colBase    ptx.U32
}

// sgemmPrologue starts a kernel named prefix_BMxBNxBK_TMxTN with params
// (c, a, b, m, n, k) and tiles as (BK×BM) and bs (BK×BN).
func sgemmPrologue(prefix string, c SgemmConfig) (*ptx.Builder, sgemmFrame) {
	b := ptx.New(fmt.Sprintf("%s_%dx%dx%d_%dx%d", prefix, c.BM, c.BN, c.BK, c.TM, c.TN))
	var f sgemmFrame
	f.pc, f.pa, f.pb = b.ParamPtr("c"), b.ParamPtr("a"), b.ParamPtr("b")
	f.m, f.n, f.k = b.ParamU32("m"), b.ParamU32("n"), b.ParamU32("k")
	f.as = b.Shared("as", c.BK*c.BM)
	f.bs = b.Shared("bs", c.BK*c.BN)
	f.threads = c.Threads()
	f.colThreads = c.BN / c.TN
	f.tid = b.Tid(ptx.X)
	f.tx = b.AndU32(f.tid, immU32(f.colThreads-1))
	f.ty = b.ShrU32(f.tid, immU32(int(log2(f.colThreads))))
	f.rowBase = b.ShlU32(b.Ctaid(ptx.Y), immU32(int(log2(c.BM))))
	f.colBase = b.ShlU32(b.Ctaid(ptx.X), immU32(int(log2(c.BN))))
	return b, f
}

func immU32(v int) ptx.U32 { return ptx.ImmU32(uint32(v)) }
