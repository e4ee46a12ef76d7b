//go:build amd64 && !purego

package asm

// Winograd transforms in assembly (winograd_avx512_amd64.s,
// winograd_avx2_amd64.s). The exported wrappers in winograd.go check every
// bound and split the plane into calls of tile rows ty0..ty1-1; these only
// turn slices into pointers.

//go:noescape
func winogradInputAVX512(v *float32, ldv int, x *float32, h, w, ty0, ty1 int)

//go:noescape
func winogradOutputAVX512(y *float32, h, w int, m *float32, ldm, ty0, ty1 int)

//go:noescape
func winogradInputAVX2(v *float32, ldv int, x *float32, h, w, ty0, ty1 int)

//go:noescape
func winogradOutputAVX2(y *float32, h, w int, m *float32, ldm, ty0, ty1 int)

func winogradInputA512(v []float32, ldv int, x []float32, h, w, ty0, ty1 int) {
	winogradInputAVX512(&v[0], ldv, &x[0], h, w, ty0, ty1)
}

func winogradOutputA512(y []float32, h, w int, m []float32, ldm, ty0, ty1 int) {
	winogradOutputAVX512(&y[0], h, w, &m[0], ldm, ty0, ty1)
}

func winogradInputA2(v []float32, ldv int, x []float32, h, w, ty0, ty1 int) {
	winogradInputAVX2(&v[0], ldv, &x[0], h, w, ty0, ty1)
}

func winogradOutputA2(y []float32, h, w int, m []float32, ldm, ty0, ty1 int) {
	winogradOutputAVX2(&y[0], h, w, &m[0], ldm, ty0, ty1)
}
