package tensor

import "github.com/modeldoctor/modeldoctor/asm"

// Winograd F(2×2, 3×3) for 3×3, stride-1, padding-1 convolutions with many
// channels (the ResNet and VGG bodies). Each 2×2 block of outputs of one
// output channel is Aᵀ·[Σ_c (G·g_oc·Gᵀ) ⊙ (Bᵀ·d_c·B)]·A, where d_c is the
// 4×4 input patch of channel c around the block: the 36 multiplies per
// block and channel pair of the direct convolution become 16, and the sum
// over channels becomes 16 independent GEMMs (one per element ξ of the
// transformed 4×4 tiles) of O×C weights by C×T tiles:
//
//	U[ξ][o][c] = (G·w[o][c]·Gᵀ)[ξ]      weight transform, once per call
//	V[ξ][c][t] = (Bᵀ·d[c][t]·B)[ξ]      input transform (asm.WinogradInput)
//	M[ξ][o][t] = Σ_c U[ξ][o][c]·V[ξ][c][t]
//	y[o][t]    = Aᵀ·M[·][o][t]·A         output transform (asm.WinogradOutput)
//
// The batch is cut into blocks of a few images whose V and M stay in the
// caches; each worker runs whole blocks (transform, 16 single-threaded
// GEMMs, transform back), so a block never waits for another. The
// transforms only add and subtract (G's halves are exact), so the result
// differs from the direct convolution's by rounding alone, and each
// element is computed by the same operations whatever the number of
// workers.

// winogradWorthIt reports whether the forward of d should take the
// Winograd path: a plain 3×3 stride-1 "same" convolution wide enough that
// the GEMMs dominate the transforms.
func winogradWorthIt(d convDims) bool {
	p := d.p
	return d.kh == 3 && d.kw == 3 && p.StrideH == 1 && p.StrideW == 1 && p.PadH == 1 && p.PadW == 1 &&
		p.DilationH == 1 && p.DilationW == 1 && d.g == 1 && d.ho == d.h && d.wo == d.w &&
		d.c >= winogradMinChannels && d.o >= winogradMinChannels && d.h*d.w >= winogradMinPlane && asm.FastGathers()
}

// winogradMinChannels and winogradMinPlane: below them the transforms and
// the repacking of each block's U[ξ] cost more than the multiplies saved
// (VGG16's 512-channel 4×4 layer ran 1.0 → 0.8× PyTorch with it).
const (
	winogradMinChannels = 64
	winogradMinPlane    = 64
)

// winogradBlockBytes bounds one block's transformed input (V) and
// products (M).
const winogradBlockBytes = 2 << 20

// winogradForward computes out = conv(x, w) for a d that winogradWorthIt
// accepts.
func winogradForward(d convDims, x, w, out []float32) {
	th, tw := (d.h+1)/2, (d.w+1)/2
	per := th * tw // tiles per image
	nb := max(1, min(d.n, winogradBlockBytes/(4*16*per*(d.c+d.o))))
	blocks := (d.n + nb - 1) / nb

	u, doneU := scratch(16 * d.o * d.c)
	defer doneU()
	parallelFor(d.o*d.c, 64, func(lo, hi int) {
		winogradWeights(u, d.o*d.c, w, lo, hi)
	})
	parallelFor(blocks, nb*16*d.o*d.c*per, func(lo, hi int) {
		v, doneV := scratch(16 * d.c * nb * per)
		defer doneV()
		m, doneM := scratch(16 * d.o * nb * per)
		defer doneM()
		for b := lo; b < hi; b++ {
			n0, n1 := b*nb, min(d.n, (b+1)*nb)
			tiles := (n1 - n0) * per
			for n := n0; n < n1; n++ {
				for c := range d.c {
					asm.WinogradInput(v[c*tiles+(n-n0)*per:], d.c*tiles, x[(n*d.c+c)*d.h*d.w:][:d.h*d.w], d.h, d.w)
				}
			}
			for xi := range 16 {
				asm.SgemmThreads(1, false, false, d.o, tiles, d.c, 1, u[xi*d.o*d.c:], d.c, v[xi*d.c*tiles:], tiles, 0, m[xi*d.o*tiles:], tiles)
			}
			for n := n0; n < n1; n++ {
				for o := range d.o {
					asm.WinogradOutput(out[(n*d.o+o)*d.h*d.w:][:d.h*d.w], d.h, d.w, m[o*tiles+(n-n0)*per:], d.o*tiles)
				}
			}
		}
	})
}

// winogradWeights writes U[ξ][oc] = (G·g·Gᵀ)[ξ] for the 3×3 kernels g of
// pairs oc in [lo, hi) (w holds them 9 apart), ξ-planes stride apart;
// G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]. A block of pairs is transformed into
// a local buffer, then each ξ-plane's part is one contiguous copy.
func winogradWeights(u []float32, stride int, w []float32, lo, hi int) {
	const blk = 64
	var buf [16][blk]float32
	for b0 := lo; b0 < hi; b0 += blk {
		nb := min(blk, hi-b0)
		for k := range nb {
			g := (*[9]float32)(w[(b0+k)*9:])
			var t [4][3]float32 // G·g
			for j := range 3 {
				g0, g1, g2 := g[j], g[3+j], g[6+j]
				t[0][j] = g0
				t[1][j] = 0.5 * (g0 + g1 + g2)
				t[2][j] = 0.5 * (g0 - g1 + g2)
				t[3][j] = g2
			}
			for i := range 4 {
				r0, r1, r2 := t[i][0], t[i][1], t[i][2]
				buf[4*i][k] = r0
				buf[4*i+1][k] = 0.5 * (r0 + r1 + r2)
				buf[4*i+2][k] = 0.5 * (r0 - r1 + r2)
				buf[4*i+3][k] = r2
			}
		}
		for xi := range 16 {
			copy(u[xi*stride+b0:xi*stride+b0+nb], buf[xi][:nb])
		}
	}
}
