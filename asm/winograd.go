package asm

import "fmt"

// Winograd F(2×2, 3×3) transforms of one plane: the input transform turns
// an h×w plane into 16 rows ξ = 4i+k of th·tw tiles (th = ⌈h/2⌉,
// tw = ⌈w/2⌉), tile (ty, tx) being the 4×4 patch at rows 2ty−1.. and
// columns 2tx−1.. (zero outside the plane, i.e. padding 1); the output
// transform turns 16 such rows of products back into the h×w plane, tile
// (ty, tx) giving its 2×2 block at (2ty, 2tx). A 3×3 correlation with
// padding 1 is then WinogradInput, 16 elementwise products (or, over
// channels, 16 GEMMs) with the transformed weights G·g·Gᵀ, and
// WinogradOutput.
//
// The Go twins below define the results: the AVX-512 and AVX2 assembly
// (winograd_*_amd64.s) does the same additions and subtractions in the same
// order and gives the same bits (NaN payloads aside, where an addition
// meets two NaNs).

// winogradTilesPerCall bounds the tiles an assembly call transforms, so that
// a goroutine is not held off preemption for long: calls take whole tile
// rows, at least one, and about this many tiles.
const winogradTilesPerCall = 4096

// WinogradInput writes the F(2×2, 3×3) input transform of one h×w plane x:
// with th = (h+1)/2 and tw = (w+1)/2 tiles, v[ξ*ldv + ty*tw + tx] =
// (Bᵀ·d·B)[ξ] for ξ = 4i+k, where d is the 4×4 patch of x at rows 2ty−1..,
// columns 2tx−1.. (zero outside the plane). It writes nothing else of v.
func WinogradInput(v []float32, ldv int, x []float32, h, w int) {
	th, tw := winogradCheck("WinogradInput", h, w, ldv, len(v), len(x))
	ops := active.Load().ops
	if !ops.avx512 && !ops.avx2 {
		winogradInputGo(v, ldv, x, h, w)
		return
	}
	step := max(1, winogradTilesPerCall/tw)
	for ty := 0; ty < th; ty += step {
		ty1 := min(th, ty+step)
		if ops.avx512 {
			winogradInputA512(v, ldv, x, h, w, ty, ty1)
		} else {
			winogradInputA2(v, ldv, x, h, w, ty, ty1)
		}
	}
}

// WinogradOutput writes the h×w plane y from M[ξ] = m[ξ*ldm + ty*tw + tx]:
// the 2×2 block at (2ty, 2tx) is Aᵀ·M·A (Aᵀ = [1 1 1 0; 0 1 −1 −1]),
// clipped to the plane. It reads nothing of m but the 16 rows of th·tw
// tiles, and writes nothing of y past h·w.
func WinogradOutput(y []float32, h, w int, m []float32, ldm int) {
	th, tw := winogradCheck("WinogradOutput", h, w, ldm, len(m), len(y))
	ops := active.Load().ops
	if !ops.avx512 && !ops.avx2 {
		winogradOutputGo(y, h, w, m, ldm)
		return
	}
	step := max(1, winogradTilesPerCall/tw)
	for ty := 0; ty < th; ty += step {
		ty1 := min(th, ty+step)
		if ops.avx512 {
			winogradOutputA512(y, h, w, m, ldm, ty, ty1)
		} else {
			winogradOutputA2(y, h, w, m, ldm, ty, ty1)
		}
	}
}

// winogradCheck panics unless h, w >= 1, the 16 rows of ld floats hold
// th·tw tiles each in a slice of lenT floats, and the plane holds h·w
// floats; it returns th and tw.
func winogradCheck(name string, h, w, ld, lenT, lenPlane int) (th, tw int) {
	if h < 1 || w < 1 {
		panic(fmt.Sprintf("asm.%s: plane %d×%d", name, h, w))
	}
	th, tw = (h+1)/2, (w+1)/2
	n := th * tw
	if ld < n {
		panic(fmt.Sprintf("asm.%s: row stride %d < %d tiles of a %d×%d plane", name, ld, n, h, w))
	}
	if lenT < 15*ld+n {
		panic(fmt.Sprintf("asm.%s: %d transformed floats, need 15·%d+%d", name, lenT, ld, n))
	}
	if lenPlane < h*w {
		panic(fmt.Sprintf("asm.%s: plane of %d floats, need %d×%d", name, lenPlane, h, w))
	}
	return th, tw
}

// winogradInputGo: for one h×w plane x, th = (h+1)/2, tw = (w+1)/2 tiles;
// v[ξ*ldv + ty*tw + tx] for ξ = 4i+k.
func winogradInputGo(v []float32, ldv int, x []float32, h, w int) {
	th, tw := (h+1)/2, (w+1)/2
	for ty := range th {
		for tx := range tw {
			var d [4][4]float32
			y0, x0 := 2*ty-1, 2*tx-1
			for i := range 4 {
				iy := y0 + i
				if iy < 0 || iy >= h {
					continue
				}
				row := x[iy*w:]
				for j := range 4 {
					if ix := x0 + j; ix >= 0 && ix < w {
						d[i][j] = row[ix]
					}
				}
			}
			// B^T = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]: columns, then rows.
			var r [4][4]float32
			for j := range 4 {
				r[0][j] = d[0][j] - d[2][j]
				r[1][j] = d[1][j] + d[2][j]
				r[2][j] = d[2][j] - d[1][j]
				r[3][j] = d[1][j] - d[3][j]
			}
			t := ty*tw + tx
			for i := range 4 {
				base := 4*i*ldv + t
				v[base] = r[i][0] - r[i][2]
				v[base+ldv] = r[i][1] + r[i][2]
				v[base+2*ldv] = r[i][2] - r[i][1]
				v[base+3*ldv] = r[i][1] - r[i][3]
			}
		}
	}
}

// winogradOutputGo: writes the h×w plane y from M[ξ] = m[ξ*ldm + ty*tw + tx]:
// each 2×2 block (2ty.., 2tx..) = A^T·M·A, A^T = [1 1 1 0; 0 1 −1 −1],
// clipped to the plane.
func winogradOutputGo(y []float32, h, w int, m []float32, ldm int) {
	th, tw := (h+1)/2, (w+1)/2
	for ty := range th {
		for tx := range tw {
			t := ty*tw + tx
			var r [2][4]float32
			for j := range 4 {
				m0, m1, m2, m3 := m[j*ldm+t], m[(4+j)*ldm+t], m[(8+j)*ldm+t], m[(12+j)*ldm+t]
				r[0][j] = m0 + m1 + m2
				r[1][j] = m1 - m2 - m3
			}
			for i := range 2 {
				oy := 2*ty + i
				if oy >= h {
					break
				}
				a := r[i][0] + r[i][1] + r[i][2]
				b := r[i][1] - r[i][2] - r[i][3]
				y[oy*w+2*tx] = a
				if 2*tx+1 < w {
					y[oy*w+2*tx+1] = b
				}
			}
		}
	}
}
