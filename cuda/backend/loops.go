package backend

import "github.com/modeldoctor/modeldoctor/cuda/ptx"

// loop emits: for i := start; i < n; i += step { body(i) }.
func loop(b *ptx.Builder, n, start, step ptx.U32, body func(i ptx.U32)) {
	i := b.NewU32()
	b.MovU32To(i, start)
	top, done := b.NewLabel(), b.NewLabel()
	b.Place(top)
	b.BraIf(b.SetpU32(ptx.GE, i, n), done)
	body(i)
	b.AddU32To(i, i, step)
	b.Bra(top)
	b.Place(done)
}

// grid3 emits a grid-stride walk over an nz×ny×nx box: z over the grid's z
// blocks, y over its y blocks, x over every thread along x. Any launch
// shape covers the box exactly once, so huge sizes loop in the kernel.
func grid3(b *ptx.Builder, nx, ny, nz ptx.U32, body func(x, y, z ptx.U32)) {
	loop(b, nz, b.Ctaid(ptx.Z), b.Nctaid(ptx.Z), func(z ptx.U32) {
		loop(b, ny, b.Ctaid(ptx.Y), b.Nctaid(ptx.Y), func(y ptx.U32) {
			x0 := b.MadU32(b.Ctaid(ptx.X), b.Ntid(ptx.X), b.Tid(ptx.X))
			loop(b, nx, x0, b.MulU32(b.Nctaid(ptx.X), b.Ntid(ptx.X)), func(x ptx.U32) {
				body(x, y, z)
			})
		})
	})
}

// maxGrid is the hardware's limit on grid y and z (x allows more, but the
// loops make any size enough).
const maxGrid = 65535

// launch3 is a launch shape for an nz×ny×nx box: a block of up to 256
// threads along x (fewer for short rows, which the interpreter runs faster).
func launch3(nx, ny, nz int) (grid, block ptx.Dim3) {
	bx := min(256, (max(nx, 1)+31)/32*32)
	gx := min((nx+bx-1)/bx, maxGrid)
	return ptx.Dim3{X: uint32(max(gx, 1)), Y: uint32(min(max(ny, 1), maxGrid)), Z: uint32(min(max(nz, 1), maxGrid))},
		ptx.D1(uint32(bx))
}
