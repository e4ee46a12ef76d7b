package ptx_test

import (
	"fmt"

	"github.com/modeldoctor/modeldoctor/cuda/ptx"
)

// A kernel that doubles each element: built once, interpreted here, and
// rendered as PTX for the driver.
func Example() {
	b := ptx.New("double")
	out, in := b.ParamPtr("out"), b.ParamPtr("in")
	n := b.ParamU32("n")
	i := b.MadU32(b.Ctaid(ptx.X), b.Ntid(ptx.X), b.Tid(ptx.X))
	b.If(b.SetpU32(ptx.LT, i, n), func() {
		x := b.LdGlobalF32(b.Index4(in, i), 0)
		b.StGlobalF32(b.Index4(out, i), 0, b.AddF32(x, x))
	})
	k := b.Build()

	var m ptx.Memory
	src := m.AllocF32([]float32{1, 2, 3, 4, 5})
	dst := m.Alloc(5)
	if err := k.Run(&m, ptx.D1(2), ptx.D1(4), dst, src, uint32(5)); err != nil {
		fmt.Println(err)
	}
	fmt.Println(m.ReadF32(dst))
	fmt.Println(k.Params())
	// Output:
	// [2 4 6 8 10]
	// [{out ptr} {in ptr} {n u32}]
}
