package ptx

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestPTXText(t *testing.T) {
	src := reverseKernel(true).PTX()
	for _, want := range []string{
		".version 7.0\n", ".target sm_80\n", ".address_size 64\n",
		".visible .entry reverse(\n\t.param .u64 reverse_param_0,\n\t.param .u64 reverse_param_1\n)",
		"ld.param.u64 %rd0, [reverse_param_0];", "cvta.to.global.u64 %rd1, %rd0;",
		".shared .align 16 .b8 reverse_buf[32];", "mov.u32 %r0, reverse_buf;",
		"mov.u32 %r1, %tid.x;", "mad.lo.s32 ", "mul.wide.u32 ", "ld.global.f32 %f0, [",
		"st.shared.f32 [", "bar.sync 0;", "ld.shared.f32 ", "ret;",
	} {
		if !strings.Contains(src, want) {
			t.Errorf("PTX lacks %q\n%s", want, src)
		}
	}
}

// TestPTXDeclaresEveryRegister checks that each %r/%rd/%f/%p used is
// within its declared range, the mistake ptxas would reject.
func TestPTXDeclaresEveryRegister(t *testing.T) {
	src := reverseKernel(true).PTX()
	decl := map[string]int{}
	for _, m := range regexp.MustCompile(`\.reg \.\w+ (%[a-z]+)<(\d+)>;`).FindAllStringSubmatch(src, -1) {
		decl[m[1]], _ = strconv.Atoi(m[2])
	}
	for _, m := range regexp.MustCompile(`(%(?:rd|r|f|p))(\d+)\b`).FindAllStringSubmatch(src, -1) {
		n, _ := strconv.Atoi(m[2])
		if n >= decl[m[1]] {
			t.Errorf("%s%d used but only %d declared", m[1], n, decl[m[1]])
		}
	}
	if len(decl) == 0 {
		t.Fatal("no register declarations")
	}
}

func TestFloatImmediateIsExactBits(t *testing.T) {
	b := New("imm")
	out := b.ParamPtr("out")
	b.StGlobalF32(out, 0, b.MovF32(ImmF32(-1.5)))
	if src := b.Build().PTX(); !strings.Contains(src, "mov.f32 %f0, 0fBFC00000;") {
		t.Fatalf("want the bits of -1.5:\n%s", src)
	}
}
