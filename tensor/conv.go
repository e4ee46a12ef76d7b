package tensor

import "fmt"

// ConvParams are the geometry of a 2-d convolution. Zero strides and
// dilations mean 1; zero groups means 1.
type ConvParams struct {
	StrideH, StrideW     int
	PadH, PadW           int
	DilationH, DilationW int
	Groups               int
}

// Norm fills in the defaults.
func (p ConvParams) Norm() ConvParams {
	if p.StrideH == 0 {
		p.StrideH = 1
	}
	if p.StrideW == 0 {
		p.StrideW = 1
	}
	if p.DilationH == 0 {
		p.DilationH = 1
	}
	if p.DilationW == 0 {
		p.DilationW = 1
	}
	if p.Groups == 0 {
		p.Groups = 1
	}
	return p
}

// ConvOutSize is the output length of one spatial axis (zero or less when
// the dilated kernel does not fit the padded input).
func ConvOutSize(in, k, stride, pad, dil int) int {
	return floorDiv(in+2*pad-dil*(k-1)-1, stride) + 1
}

// floorDiv divides rounding toward −∞ (Go's / truncates toward zero, which
// would turn a negative numerator smaller than the divisor into a valid
// size of 1).
func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// convGeometry checks shapes and returns the output shape.
func convGeometry(op string, xShape, wShape []int, p ConvParams) []int {
	if len(xShape) != 4 || len(wShape) != 4 {
		panic(fmt.Sprintf("tensor.%s: want 4-d input and weight, got %v and %v", op, xShape, wShape))
	}
	n, c, h, w := xShape[0], xShape[1], xShape[2], xShape[3]
	o, cg, kh, kw := wShape[0], wShape[1], wShape[2], wShape[3]
	if c%p.Groups != 0 || o%p.Groups != 0 || cg != c/p.Groups {
		panic(fmt.Sprintf("tensor.%s: input %v, weight %v and %d groups do not fit", op, xShape, wShape, p.Groups))
	}
	ho := ConvOutSize(h, kh, p.StrideH, p.PadH, p.DilationH)
	wo := ConvOutSize(w, kw, p.StrideW, p.PadW, p.DilationW)
	if ho <= 0 || wo <= 0 {
		panic(fmt.Sprintf("tensor.%s: input %v too small for weight %v with %+v", op, xShape, wShape, p))
	}
	return []int{n, o, ho, wo}
}

// The outputs of the three convolution faces are allocated uninitialised
// (possibly recycled storage): every backend writes each element.

// Conv2D convolves x [N,C,H,W] with w [O,C/groups,kh,kw] (cross-correlation,
// as PyTorch). Bias is added by the caller.
func Conv2D(x, w *Tensor, p ConvParams) *Tensor {
	p = p.Norm()
	ys := convGeometry("Conv2D", x.shape, w.shape, p)
	if be := deviceOf("Conv2D", x, w); be != nil {
		return dev2(be, "Conv2D", p, x, w, ys, func(x, w *Tensor) *Tensor { return Conv2D(x, w, p) })
	}
	out := newTensor(ys)
	backend().Conv2D(x, w, p, out)
	return out
}

// Conv2DInputGrad is the transposed convolution: the gradient of Conv2D
// with respect to its input of shape xShape, given the output gradient gy.
func Conv2DInputGrad(gy, w *Tensor, p ConvParams, xShape []int) *Tensor {
	p = p.Norm()
	ys := convGeometry("Conv2DInputGrad", xShape, w.shape, p)
	if !SameShape(ys, gy.shape) {
		panic(fmt.Sprintf("tensor.Conv2DInputGrad: gradient %v, want %v for input %v and weight %v", gy.shape, ys, xShape, w.shape))
	}
	if be := deviceOf("Conv2DInputGrad", gy, w); be != nil {
		return dev2(be, "Conv2DInputGrad", p, gy, w, xShape, func(gy, w *Tensor) *Tensor { return Conv2DInputGrad(gy, w, p, xShape) })
	}
	gx := newTensor(xShape)
	backend().Conv2DInputGrad(gy, w, p, gx)
	return gx
}

// Conv2DWeightGrad is the gradient of Conv2D with respect to a weight of
// shape wShape, given the input x and output gradient gy.
func Conv2DWeightGrad(x, gy *Tensor, p ConvParams, wShape []int) *Tensor {
	p = p.Norm()
	ys := convGeometry("Conv2DWeightGrad", x.shape, wShape, p)
	if !SameShape(ys, gy.shape) {
		panic(fmt.Sprintf("tensor.Conv2DWeightGrad: gradient %v, want %v for input %v and weight %v", gy.shape, ys, x.shape, wShape))
	}
	if be := deviceOf("Conv2DWeightGrad", x, gy); be != nil {
		return dev2(be, "Conv2DWeightGrad", p, x, gy, wShape, func(x, gy *Tensor) *Tensor { return Conv2DWeightGrad(x, gy, p, wShape) })
	}
	gw := newTensor(wShape)
	backend().Conv2DWeightGrad(x, gy, p, gw)
	return gw
}

// convDims bundles the sizes the im2col kernels need.
type convDims struct {
	n, c, h, w, o, kh, kw, ho, wo, g, cg, og int
	p                                        ConvParams
}

func newConvDims(xShape, wShape, yShape []int, p ConvParams) convDims {
	return convDims{
		n: xShape[0], c: xShape[1], h: xShape[2], w: xShape[3],
		o: wShape[0], kh: wShape[2], kw: wShape[3], ho: yShape[2], wo: yShape[3],
		g: p.Groups, cg: xShape[1] / p.Groups, og: wShape[0] / p.Groups, p: p,
	}
}

// im2col writes the [cg·kh·kw, ho·wo] patch matrix of group g of one image.
// For each kernel tap the output columns whose input column lies inside
// the plane form one range, so each row is a zero fill, a strided copy and
// a zero fill.
func (d convDims) im2col(x []float32, g int, col []float32) {
	hw := d.ho * d.wo
	for ci := 0; ci < d.cg; ci++ {
		plane := x[(g*d.cg+ci)*d.h*d.w:]
		for ki := 0; ki < d.kh; ki++ {
			for kj := 0; kj < d.kw; kj++ {
				row := col[((ci*d.kh+ki)*d.kw+kj)*hw:]
				off := kj*d.p.DilationW - d.p.PadW
				lo, hi := d.validCols(off)
				for oy := 0; oy < d.ho; oy++ {
					iy := oy*d.p.StrideH - d.p.PadH + ki*d.p.DilationH
					r := row[oy*d.wo : (oy+1)*d.wo]
					if iy < 0 || iy >= d.h || lo >= hi {
						clear(r)
						continue
					}
					clear(r[:lo])
					clear(r[hi:])
					src := plane[iy*d.w:]
					if sw := d.p.StrideW; sw == 1 {
						copy(r[lo:hi], src[lo+off:])
					} else {
						ix := lo*sw + off
						for ox := lo; ox < hi; ox++ {
							r[ox] = src[ix]
							ix += sw
						}
					}
				}
			}
		}
	}
}

// validCols returns the range [lo, hi) of output columns ox whose input
// column ox·sw + off lies inside the plane.
func (d convDims) validCols(off int) (lo, hi int) {
	sw := d.p.StrideW
	lo = 0
	if off < 0 {
		lo = (-off + sw - 1) / sw
	}
	hi = d.wo
	if last := (d.w - 1 - off); last < 0 {
		hi = 0
	} else {
		hi = min(hi, last/sw+1)
	}
	return lo, max(lo, hi)
}

// col2im adds the patch matrix (rows ldc apart) back into group g of one
// image's gradient, over the same column ranges as im2col.
func (d convDims) col2im(col []float32, ldc, g int, x []float32) {
	for ci := 0; ci < d.cg; ci++ {
		plane := x[(g*d.cg+ci)*d.h*d.w:]
		for ki := 0; ki < d.kh; ki++ {
			for kj := 0; kj < d.kw; kj++ {
				row := col[((ci*d.kh+ki)*d.kw+kj)*ldc:]
				off := kj*d.p.DilationW - d.p.PadW
				lo, hi := d.validCols(off)
				if lo >= hi {
					continue
				}
				for oy := 0; oy < d.ho; oy++ {
					iy := oy*d.p.StrideH - d.p.PadH + ki*d.p.DilationH
					if iy < 0 || iy >= d.h {
						continue
					}
					r := row[oy*d.wo+lo : oy*d.wo+hi]
					dst := plane[iy*d.w:]
					ix := lo*d.p.StrideW + off
					for _, v := range r {
						dst[ix] += v
						ix += d.p.StrideW
					}
				}
			}
		}
	}
}

// Conv2D implements Backend: im2col then one GEMM per image and group,
// parallel over images.
func (CPU) Conv2D(x, w *Tensor, p ConvParams, out *Tensor) {
	d := newConvDims(x.shape, w.shape, out.shape, p)
	kk := d.cg * d.kh * d.kw
	hw := d.ho * d.wo
	parallelFor(d.n, d.o*kk*hw, func(lo, hi int) {
		col := make([]float32, kk*hw)
		for i := lo; i < hi; i++ {
			xi := x.data[i*d.c*d.h*d.w:]
			for g := 0; g < d.g; g++ {
				d.im2col(xi, g, col)
				gemmSerial(false, false, d.og, hw, kk, w.data[g*d.og*kk:], kk, col, hw, out.data[(i*d.o+g*d.og)*hw:], hw)
			}
		}
	})
}

// Conv2DInputGrad implements Backend: per image and group,
// col = Wᵀ·gy then col2im.
func (CPU) Conv2DInputGrad(gy, w *Tensor, p ConvParams, gx *Tensor) {
	d := newConvDims(gx.shape, w.shape, gy.shape, p)
	clear(gx.data) // col2im adds into it
	kk := d.cg * d.kh * d.kw
	hw := d.ho * d.wo
	parallelFor(d.n, d.o*kk*hw, func(lo, hi int) {
		col := make([]float32, kk*hw)
		for i := lo; i < hi; i++ {
			gxi := gx.data[i*d.c*d.h*d.w:]
			for g := 0; g < d.g; g++ {
				gemmSerial(true, false, kk, hw, d.og, w.data[g*d.og*kk:], kk, gy.data[(i*d.o+g*d.og)*hw:], hw, col, hw)
				d.col2im(col, hw, g, gxi)
			}
		}
	})
}

// Conv2DWeightGrad implements Backend: gw_g = Σ_n gy_{n,g}·col_{n,g}ᵀ.
// Parallel over groups' output-channel rows; images are summed in order.
func (CPU) Conv2DWeightGrad(x, gy *Tensor, p ConvParams, gw *Tensor) {
	d := newConvDims(x.shape, gw.shape, gy.shape, p)
	clear(gw.data) // the images' products are added into it
	kk := d.cg * d.kh * d.kw
	hw := d.ho * d.wo
	parallelFor(d.g, d.n*d.og*kk*hw, func(lo, hi int) {
		col := make([]float32, kk*hw)
		part := make([]float32, d.og*kk)
		for g := lo; g < hi; g++ {
			acc := gw.data[g*d.og*kk : (g+1)*d.og*kk]
			for i := 0; i < d.n; i++ {
				d.im2col(x.data[i*d.c*d.h*d.w:], g, col)
				gemmSerial(false, true, d.og, kk, hw, gy.data[(i*d.o+g*d.og)*hw:], hw, col, hw, part, kk)
				for j, v := range part {
					acc[j] += v
				}
			}
		}
	})
}

// gemmSerial is C = op(A)·op(B) on one goroutine (the callers parallelise
// at a coarser level).
func gemmSerial(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		cr := c[i*ldc : i*ldc+n]
		clear(cr)
		for p := 0; p < k; p++ {
			var av float32
			if transA {
				av = a[p*lda+i]
			} else {
				av = a[i*lda+p]
			}
			if transB {
				for j := range cr {
					cr[j] += av * b[j*ldb+p]
				}
			} else {
				br := b[p*ldb : p*ldb+n]
				for j, bv := range br {
					cr[j] += av * bv
				}
			}
		}
	}
}
