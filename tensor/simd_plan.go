package tensor

import (
	"math"
	"sync"
	"sync/atomic"

	"github.com/modeldoctor/modeldoctor/asm"
)

// convPlan describes the im2col matrices of a convolution as tables of
// asm.Span16, so the SIMD backend's GEMMs can gather them straight into
// their packing buffers (im2col fused into packing: no im2col matrix is
// ever stored).
//
// Row r = ci·taps + t of a group's im2col matrix (input channel ci of the
// group, kernel tap t = ki·kw + kj) over output positions q = oy·wo + ox
// is the input plane ci read at (oy·sh − ph + ki·dh, ox·sw − pw + kj·dw),
// zero outside. Cut into 16-position segments, a row is a span when those
// positions read consecutive input elements, which holds for every stride-1
// convolution whose output rows either are multiples of 16 wide or as wide
// as the input (all "same"-padded ones). In an unpadded convolution a
// segment that wraps to the next output row jumps ahead in the input: it
// is then a few spans ("pieces", asm.NewPiecedSpanTable), one per output
// row it touches. A column stride of 2 makes the spans read every other
// input element (asm.NewSteppedSpanTable). Geometries whose segments need
// more than maxPieces runs (tiny output rows, column strides above 2) are
// not ok and take the explicit im2col path.
//
// Small planes fold several images into one GEMM (nb > 1): each image's
// positions are padded to whole segments, and the GEMM runs over nb of
// those, so that a 4×4 plane does not leave most of the 32-wide tiles
// empty.
type convPlan struct {
	d    convDims
	taps int // kh·kw
	k    int // im2col rows per group: cg·taps
	hw   int // output positions per image
	segs int // 16-position segments per image
	nb   int // images per GEMM
	ok   bool
	// pieces is the number of spans per segment: 1 unless a segment of
	// output positions reads several runs of the input (newPiecedConvPlan).
	pieces int
	// dense: a 1×1 convolution on planes of fewer than 16 positions folds
	// its images without padding, 16/hw of them per segment.
	dense bool
	// step is the input distance between neighbouring lanes of a span:
	// the column stride, 1 or (pieced plans only) 2.
	step  int
	spans []asm.Span16 // taps × segs × pieces, offsets within one input plane

	tables, outs sync.Map // chunk size m → im2col(m), outputs(m)
}

// foldColumns is the GEMM width below which images are folded together.
const foldColumns = 256

// maxPieces bounds the spans per segment of a pieced plan: beyond it (tiny
// output rows, strides) the explicit im2col is cheaper than the merges.
const maxPieces = 4

// newConvPlan returns the plan whose segments are single spans (ok is
// false when some segment needs more).
func newConvPlan(d convDims) *convPlan { return buildConvPlan(d, 1) }

// newPiecedConvPlan returns the plan whose segments may be up to
// maxPieces runs of the input: a segment that wraps from one output row to
// the next in an unpadded convolution reads two runs. Plans (and their
// span tables) are cached per geometry: a training step meets the same few
// dozen convolutions again and again, and building the tables costs as
// much as a small convolution.
func newPiecedConvPlan(d convDims) *convPlan {
	// Without the assembly gathers a pieced table is gathered lane by lane
	// in Go, slower than the explicit im2col it replaces.
	key := planKey{d, asm.FastGathers()}
	if pl, ok := piecedPlans.Load(key); ok {
		return pl.(*convPlan)
	}
	if planCount.Add(1) > maxCachedPlans { // unusual: many geometries
		piecedPlans.Clear()
		planCount.Store(1)
	}
	limit := 1
	if key.fast {
		limit = maxPieces
	}
	pl, _ := piecedPlans.LoadOrStore(key, buildConvPlan(d, limit))
	return pl.(*convPlan)
}

type planKey struct {
	d    convDims
	fast bool
}

var (
	piecedPlans sync.Map // planKey → *convPlan
	planCount   atomic.Int64
)

// maxCachedPlans bounds the plan cache.
const maxCachedPlans = 1024

func buildConvPlan(d convDims, limit int) *convPlan {
	pl := &convPlan{d: d, taps: d.kh * d.kw, hw: d.ho * d.wo, ok: true, pieces: 1, step: 1}
	if limit > 1 && d.p.StrideW == 2 {
		pl.step = 2 // lanes read every other input column
	}
	pl.k = d.cg * pl.taps
	pl.segs = (pl.hw + 15) / 16
	pl.nb = 1
	if pl.hw < foldColumns {
		pl.nb = min(d.n, (foldColumns+16*pl.segs-1)/(16*pl.segs))
	}
	if int64(pl.nb)*int64(d.c)*int64(d.h)*int64(d.w) > math.MaxInt32 {
		pl.ok = false
		return pl
	}
	if limit > 1 && d.pointwise() && pl.hw < 16 && 16%pl.hw == 0 && d.n > 1 {
		// Dense folding: each 16-lane segment holds 16/hw images, one
		// piece each, instead of one image padded to 16 columns.
		pl.dense, pl.pieces = true, 16/pl.hw
		pl.nb = min(d.n, foldColumns/pl.hw)
		return pl
	}
	segRuns := make([][]asm.Span16, pl.taps*pl.segs)
	for t := range pl.taps {
		ki, kj := t/d.kw, t%d.kw
		for s := range pl.segs {
			var runs []asm.Span16
			for l := range 16 {
				q := 16*s + l
				if q >= pl.hw {
					break
				}
				iy := q/d.wo*d.p.StrideH - d.p.PadH + ki*d.p.DilationH
				ix := q%d.wo*d.p.StrideW - d.p.PadW + kj*d.p.DilationW
				if iy < 0 || iy >= d.h || ix < 0 || ix >= d.w {
					continue
				}
				base := int32(iy*d.w + ix - pl.step*l)
				if n := len(runs); n > 0 && runs[n-1].Off == base {
					runs[n-1].Mask |= 1 << l
					continue
				}
				if len(runs) == limit {
					pl.ok = false
					return pl
				}
				runs = append(runs, asm.Span16{Off: base, Mask: 1 << l})
			}
			segRuns[t*pl.segs+s] = runs
			pl.pieces = max(pl.pieces, len(runs))
		}
	}
	pl.spans = make([]asm.Span16, pl.taps*pl.segs*pl.pieces)
	for i, runs := range segRuns {
		copy(pl.spans[i*pl.pieces:], runs)
	}
	return pl
}

// chunks returns the number of image chunks of the plan.
func (pl *convPlan) chunks() int { return (pl.d.n + pl.nb - 1) / pl.nb }

// chunk returns the first image and the image count of chunk c.
func (pl *convPlan) chunk(c int) (i0, m int) {
	i0 = c * pl.nb
	return i0, min(pl.nb, pl.d.n-i0)
}

// cols is the GEMM width of a chunk of m images: the positions themselves
// for one image, whole segments per image when folded.
func (pl *convPlan) cols(m int) int {
	if pl.nb == 1 || pl.dense {
		return m * pl.hw
	}
	return m * pl.segs * 16
}

// imageCol is the first GEMM column of image b of a folded chunk.
func (pl *convPlan) imageCol(b int) int {
	if pl.dense {
		return b * pl.hw
	}
	return b * pl.segs * 16
}

// denseTable is the span table of m images' planes side by side with no
// padding (dense plans): rows channels of hw positions, plane apart, each
// image image floats after the previous; segment s holds columns
// 16s..16s+15, image b's in piece b mod (16/hw).
func (pl *convPlan) denseTable(m, image, rows int) asm.SpanTable {
	hw, per := pl.hw, 16/pl.hw
	segs := (m*hw + 15) / 16
	tab := make([]asm.Span16, segs*per)
	for b := range m {
		j := b * hw // first column
		s, l0 := j/16, j%16
		tab[s*per+b%per] = asm.Span16{Off: int32(b*image + 16*s - j), Mask: (1<<hw - 1) << l0}
	}
	return asm.NewPiecedSpanTable(tab, per, segs, 1, hw, rows)
}

// im2col returns the span table of a group's im2col matrix for m images:
// one row per tap (of m·segs spans), repeated for the cg input channels of
// the group, with offsets relative to the group's first input plane of the
// chunk's first image.
func (pl *convPlan) im2col(m int) asm.SpanTable {
	if t, ok := pl.tables.Load(m); ok {
		return t.(asm.SpanTable)
	}
	t, _ := pl.tables.LoadOrStore(m, pl.buildIm2col(m))
	return t.(asm.SpanTable)
}

func (pl *convPlan) buildIm2col(m int) asm.SpanTable {
	d := pl.d
	if pl.dense {
		return pl.denseTable(m, d.c*d.h*d.w, d.cg)
	}
	row := m * pl.segs * pl.pieces // spans per tap row
	per := pl.segs * pl.pieces     // spans per tap row and image
	tab := make([]asm.Span16, pl.taps*row)
	image := d.c * d.h * d.w
	for t := range pl.taps {
		src := pl.spans[t*per : (t+1)*per]
		for b := range m {
			for s, sp := range src {
				if sp.Mask != 0 {
					sp.Off += int32(b * image)
				}
				tab[t*row+b*per+s] = sp
			}
		}
	}
	return asm.NewSteppedSpanTable(tab, pl.step, pl.pieces, m*pl.segs, pl.taps, d.h*d.w, d.cg)
}

// outputs returns the span table of a group's output-gradient rows for m
// images: og rows of m·segs spans over gy, relative to the group's first
// channel of the chunk's first image.
func (pl *convPlan) outputs(m int) asm.SpanTable {
	if t, ok := pl.outs.Load(m); ok {
		return t.(asm.SpanTable)
	}
	t, _ := pl.outs.LoadOrStore(m, pl.buildOutputs(m))
	return t.(asm.SpanTable)
}

func (pl *convPlan) buildOutputs(m int) asm.SpanTable {
	d := pl.d
	if pl.dense {
		return pl.denseTable(m, d.o*pl.hw, d.og)
	}
	row := m * pl.segs
	tab := make([]asm.Span16, row)
	for b := range m {
		for s := range pl.segs {
			n := min(16, pl.hw-16*s)
			tab[b*pl.segs+s] = asm.Span16{Off: int32(b*d.o*pl.hw + 16*s), Mask: 1<<n - 1}
		}
	}
	return asm.NewSpanTable(tab, row, 1, pl.hw, d.og)
}

// spanRows is a BSource for a span matrix (an im2col matrix for the
// forward GEMM).
type spanRows struct {
	src []float32
	tab asm.SpanTable
}

// Block implements asm.BSource.
func (s spanRows) Block(dst []float32, k0, kc, j0, nc int) {
	asm.GatherRows(dst, s.src, s.tab, k0, kc, j0, nc)
}

// spanCols is a BSource for the transpose of a span matrix: the A operand
// of the weight gradient's GEMM (im2col read along the output positions)
// and its B operand (the output gradient, likewise).
type spanCols spanRows

// Block implements asm.BSource.
func (s spanCols) Block(dst []float32, k0, kc, j0, nc int) {
	for j := 0; j < nc; j += 16 {
		asm.GatherCols(dst[j:], nc, s.src, s.tab, j0+j, min(16, nc-j), k0, kc)
	}
}
