package nn

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/tensor"
)

var updateTestdata = flag.Bool("update", false, "rewrite the hand-crafted files in testdata")

// craft builds a safetensors file from a literal header and data bytes,
// independently of the writer under test.
func craft(header string, data []byte) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	return append(append(b, header...), data...)
}

func f32bytes(vs ...float32) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	return b
}

func i64bytes(vs ...int64) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint64(b, uint64(v))
	}
	return b
}

func writeTemp(t *testing.T, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "w.safetensors")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestEncodeMatchesReferenceLayout compares the writer with bytes laid out
// by hand as the reference implementation lays them out: compact JSON,
// dtype, shape, data_offsets in that order, header padded with spaces to a
// multiple of 8.
func TestEncodeMatchesReferenceLayout(t *testing.T) {
	got, err := EncodeSafetensors([]StateEntry{{Name: "attn.0", Tensor: tensor.New([]float32{0, 1, 2, 3, 4, 5}, 1, 2, 3)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	header := `{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}` // 64 bytes: no padding
	if want := craft(header, f32bytes(0, 1, 2, 3, 4, 5)); !bytes.Equal(got, want) {
		t.Fatalf("encoding\n got %q\nwant %q", got, want)
	}
	got, err = EncodeSafetensors([]StateEntry{{Name: "attn0", Tensor: tensor.New([]float32{0, 1, 2, 3, 4, 5}, 1, 1, 2, 3)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	header = `{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}` + "       " // 65 + 7
	if want := craft(header, f32bytes(0, 1, 2, 3, 4, 5)); !bytes.Equal(got, want) {
		t.Fatalf("padded encoding\n got %q\nwant %q", got, want)
	}
	got, err = EncodeSafetensors(nil, map[string]string{"framework": "pt"})
	if err != nil {
		t.Fatal(err)
	}
	if want := craft(`{"__metadata__":{"framework":"pt"}}`+"     ", nil); !bytes.Equal(got, want) {
		t.Fatalf("empty encoding\n got %q\nwant %q", got, want)
	}
}

func TestSaveWeightsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.safetensors")
	src := newNested(tensor.NewRNG(1))
	// Make the buffers non-trivial.
	x := newTestInput()
	Forward(src, x)
	Forward(src, x)
	src.steps.T.Data()[0] = 12345
	if err := SaveWeights(path, src); err != nil {
		t.Fatal(err)
	}
	// Overwriting works and leaves no temporary file behind.
	if err := SaveWeights(path, src); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("directory holds %v, want only the weights", entries)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("file mode %v, want 0644", fi.Mode().Perm())
	}

	f, err := ReadSafetensorsFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if f.Metadata["format"] != "pt" {
		t.Errorf("metadata %v", f.Metadata)
	}
	var names []string
	for _, e := range f.Tensors {
		names = append(names, e.Name)
		wantType := "F32"
		if e.Name == "steps" || strings.HasSuffix(e.Name, "num_batches_tracked") {
			wantType = "I64"
		}
		if e.DType != wantType {
			t.Errorf("%s stored as %s, want %s", e.Name, e.DType, wantType)
		}
	}
	if want := stateNames(src); !reflect.DeepEqual(names, want) {
		t.Fatalf("file order %v, want the state-dict order %v", names, want)
	}
	checkAligned(t, path)

	dst := newNested(tensor.NewRNG(99))
	rep, err := LoadWeights(path, dst, true)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Clean() || len(rep.Loaded) != len(StateDict(src)) || rep.String() != "" {
		t.Fatalf("report %+v", rep)
	}
	want, got := StateDict(src), StateDict(dst)
	for i := range want {
		if !reflect.DeepEqual(want[i].Tensor.Data(), got[i].Tensor.Data()) || !reflect.DeepEqual(want[i].Tensor.Shape(), got[i].Tensor.Shape()) {
			t.Errorf("%s: loaded %v, saved %v", want[i].Name, got[i].Tensor, want[i].Tensor)
		}
	}
	SetTraining(src, false)
	SetTraining(dst, false)
	a, b := Forward(src, x).Data(), Forward(dst, x).Data()
	if !reflect.DeepEqual(a, b) {
		t.Errorf("outputs differ after loading: %v vs %v", a, b)
	}
}

// checkAligned verifies that every tensor's data starts at a multiple of
// its element size from the start of the file.
func checkAligned(t *testing.T, path string) {
	t.Helper()
	b, _ := os.ReadFile(path)
	n := binary.LittleEndian.Uint64(b)
	if n%8 != 0 {
		t.Errorf("header length %d is not a multiple of 8", n)
	}
	infos, _, err := parseSafetensorsHeader(b[8 : 8+n])
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range infos {
		if (8+n+in.begin)%uint64(safetensorsDTypes[in.dtype]) != 0 {
			t.Errorf("%s (%s) starts at unaligned offset %d", in.name, in.dtype, 8+n+in.begin)
		}
	}
}

func newTestInput() *autograd.Value {
	return autograd.Const(tensor.Normal(tensor.NewRNG(7), 0, 1, 2, 2, 5, 5))
}

func TestSaveSafetensorsErrors(t *testing.T) {
	dir := t.TempDir()
	one := tensor.Ones(2)
	cases := map[string][]StateEntry{
		"twice":        {{Name: "a", Tensor: one}, {Name: "a", Tensor: one}},
		"no tensor":    {{Name: "a"}},
		"__metadata__": {{Name: "__metadata__", Tensor: one}},
	}
	for want, entries := range cases {
		path := filepath.Join(dir, "x.safetensors")
		err := SaveSafetensors(path, entries, nil)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), path) {
			t.Errorf("entries %v: error %v, want one naming %q and the file", entries, err, want)
		}
	}
	missing := filepath.Join(dir, "no", "such", "dir", "w.safetensors")
	if err := SaveSafetensors(missing, []StateEntry{{Name: "a", Tensor: one}}, nil); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("saving into a missing directory: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("failed saves left %v", entries)
	}
}

func TestSaveSafetensorsIntegerBuffers(t *testing.T) {
	b, err := EncodeSafetensors([]StateEntry{
		{Name: "w", Tensor: tensor.New([]float32{1.5}, 1)},
		{Name: "n", Tensor: tensor.New([]float32{3, -2, 1e30, -1e30}, 4), Int: true},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	f, err := ParseSafetensors(b)
	if err != nil {
		t.Fatal(err)
	}
	if f.Tensors[1].DType != "I64" {
		t.Fatalf("integer buffer stored as %s", f.Tensors[1].DType)
	}
	want := []float32{3, -2, float32(math.MaxInt64), float32(math.MinInt64)} // saturated
	if got := f.Tensors[1].Tensor.Data(); !reflect.DeepEqual(got, want) {
		t.Errorf("integer values %v, want %v", got, want)
	}
	if !strings.Contains(string(b), `"n":{"dtype":"I64","shape":[4],"data_offsets":[0,32]}`) {
		t.Errorf("I64 data is not first: %q", b)
	}
}

// TestReadSafetensorsDTypes reads every supported dtype from hand-made
// bytes.
func TestReadSafetensorsDTypes(t *testing.T) {
	var data []byte
	var header []string
	add := func(name, dtype string, shape string, b []byte) {
		header = append(header, fmt.Sprintf(`"%s":{"dtype":"%s","shape":%s,"data_offsets":[%d,%d]}`, name, dtype, shape, len(data), len(data)+len(b)))
		data = append(data, b...)
	}
	f64 := func(vs ...float64) []byte {
		var b []byte
		for _, v := range vs {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
		}
		return b
	}
	u16 := func(vs ...uint16) []byte {
		var b []byte
		for _, v := range vs {
			b = binary.LittleEndian.AppendUint16(b, v)
		}
		return b
	}
	add("f64", "F64", "[2]", f64(1.25, -3e-3))
	add("i64", "I64", "[]", i64bytes(-7))
	add("f32", "F32", "[1,2]", f32bytes(0.5, -2))
	add("i32", "I32", "[2]", []byte{0xff, 0xff, 0xff, 0xff, 5, 0, 0, 0})
	// F16: 1, −2, 65504 (max), 2⁻²⁴ (smallest subnormal), −0, +Inf, NaN.
	add("f16", "F16", "[7]", u16(0x3c00, 0xc000, 0x7bff, 0x0001, 0x8000, 0x7c00, 0x7e00))
	// BF16: 1, −0.5, 3.140625.
	add("bf16", "BF16", "[3]", u16(0x3f80, 0xbf00, 0x4049))
	add("i16", "I16", "[1]", u16(0xfffe))
	add("i8", "I8", "[2]", []byte{0x80, 0x7f})
	add("u8", "U8", "[2]", []byte{0, 255})
	add("bool", "BOOL", "[3]", []byte{0, 1, 2})
	add("empty", "F32", "[0,3]", nil)
	h := `{"__metadata__":{"k":"v"},` + strings.Join(header, ",") + `}`
	f, err := ParseSafetensors(craft(h, data))
	if err != nil {
		t.Fatal(err)
	}
	m := f.Map()
	want := map[string][]float32{
		"f64":  {1.25, float32(-3e-3)},
		"i64":  {-7},
		"f32":  {0.5, -2},
		"i32":  {-1, 5},
		"bf16": {1, -0.5, 3.140625},
		"i16":  {-2},
		"i8":   {-128, 127},
		"u8":   {0, 255},
		"bool": {0, 1, 1},
	}
	for name, w := range want {
		if got := m[name].Data(); !reflect.DeepEqual(got, w) {
			t.Errorf("%s: %v, want %v", name, got, w)
		}
	}
	h16 := m["f16"].Data()
	if h16[0] != 1 || h16[1] != -2 || h16[2] != 65504 || h16[3] != float32(math.Ldexp(1, -24)) ||
		h16[4] != 0 || !math.Signbit(float64(h16[4])) || !math.IsInf(float64(h16[5]), 1) || !math.IsNaN(float64(h16[6])) {
		t.Errorf("f16: %v", h16)
	}
	if s := m["i64"].Shape(); len(s) != 0 {
		t.Errorf("scalar shape %v", s)
	}
	if s := m["empty"].Shape(); !reflect.DeepEqual(s, []int{0, 3}) {
		t.Errorf("empty shape %v", s)
	}
	if f.Metadata["k"] != "v" {
		t.Errorf("metadata %v", f.Metadata)
	}
	if f.Tensors[0].Name != "f64" || f.Tensors[len(f.Tensors)-1].Name != "empty" {
		t.Errorf("order %v", f.Tensors)
	}
}

// TestHalfToFloat32Exhaustive checks every binary16 value against a
// float64 computation of its definition.
func TestHalfToFloat32Exhaustive(t *testing.T) {
	for h := 0; h < 1<<16; h++ {
		got := halfToFloat32(uint16(h))
		sign, exp, frac := h>>15, (h>>10)&0x1f, h&0x3ff
		var want float64
		switch {
		case exp == 0x1f && frac != 0:
			if !math.IsNaN(float64(got)) {
				t.Fatalf("%#04x: %v, want NaN", h, got)
			}
			continue
		case exp == 0x1f:
			want = math.Inf(1)
		case exp == 0:
			want = math.Ldexp(float64(frac), -24)
		default:
			want = math.Ldexp(1+float64(frac)/1024, exp-15)
		}
		if sign == 1 {
			want = -want
		}
		if float64(got) != want || math.Signbit(float64(got)) != (sign == 1) {
			t.Fatalf("%#04x: %v, want %v", h, got, want)
		}
	}
}

// malformed lists broken files with a phrase their error must contain.
func malformed() []struct {
	name, want string
	b          []byte
} {
	good := func(h string) []byte { return craft(h, f32bytes(1, 2)) }
	ok := `{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`
	var hugeLen, pastEnd, invalidUTF8 []byte
	hugeLen = binary.LittleEndian.AppendUint64(nil, 1<<40)
	pastEnd = binary.LittleEndian.AppendUint64(nil, 100)
	pastEnd = append(pastEnd, `{"a":1}`...)
	invalidUTF8 = craft("{\"a\xff\":{}}", nil)
	return []struct {
		name, want string
		b          []byte
	}{
		{"empty", "truncated", nil},
		{"short length", "truncated", []byte{8, 0, 0}},
		{"huge header length", "exceeds the limit", hugeLen},
		{"header past the end", "truncated: header length 100", pastEnd},
		{"header cut", "truncated", good(ok)[:40]},
		{"invalid utf-8", "UTF-8", invalidUTF8},
		{"not an object", "does not start with '{'", good(`["a"]`)},
		{"leading space", "does not start with '{'", good(` {}`)},
		{"invalid json", "invalid JSON", good(`{"a":{"dtype":"F32",`)},
		{"trailing comma", "invalid JSON", good(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},}`)},
		{"garbage after", "after the closing brace", good(ok + `x`)},
		{"two objects", "after the closing brace", good(ok + `{}`)},
		{"duplicate", `names "a" twice`, good(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`)},
		{"entry not an object", `tensor "a": invalid entry`, good(`{"a":5}`)},
		{"no dtype", `tensor "a": no dtype`, good(`{"a":{"shape":[2],"data_offsets":[0,8]}}`)},
		{"no shape", `tensor "a": no shape`, good(`{"a":{"dtype":"F32","data_offsets":[0,8]}}`)},
		{"no offsets", `tensor "a": data_offsets`, good(`{"a":{"dtype":"F32","shape":[2]}}`)},
		{"three offsets", `tensor "a": data_offsets`, good(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8,8]}}`)},
		{"unknown dtype", `tensor "a": unknown dtype "F17"`, good(`{"a":{"dtype":"F17","shape":[2],"data_offsets":[0,8]}}`)},
		{"unsupported dtype", `tensor "a": dtype U32 is not supported`, good(`{"a":{"dtype":"U32","shape":[2],"data_offsets":[0,8]}}`)},
		{"negative dim", `tensor "a": dimension 0`, good(`{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}`)},
		{"fractional dim", `tensor "a": dimension 1`, good(`{"a":{"dtype":"F32","shape":[1,2.0],"data_offsets":[0,8]}}`)},
		{"string dim", `tensor "a": dimension 0 of shape is "2"`, good(`{"a":{"dtype":"F32","shape":["2"],"data_offsets":[0,8]}}`)},
		{"negative offset", `tensor "a": data offset -8`, good(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[-8,0]}}`)},
		{"huge offset", `tensor "a": data offset 99999999999999999999`, good(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,99999999999999999999]}}`)},
		{"end before begin", "end before they begin", good(`{"a":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}`)},
		{"past the buffer", "run past the 8-byte data buffer", good(`{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}}`)},
		{"overlap", `data_offsets [0, 8] overlap tensor "b"`, good(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`)},
		{"gap", `tensor "a": data_offsets [4, 8] leave a gap`, good(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`)},
		{"size mismatch", `tensor "a": 8 bytes of data for F32 shape [3]`, good(`{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}`)},
		{"dtype size mismatch", `tensor "a": 8 bytes of data for F64 shape [2]`, good(`{"a":{"dtype":"F64","shape":[2],"data_offsets":[0,8]}}`)},
		{"trailing data", "trailing bytes", good(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`)},
		{"shape overflow", "too large", good(`{"a":{"dtype":"F32","shape":[2147483647,2147483647,2147483647],"data_offsets":[0,8]}}`)},
		{"metadata not strings", "__metadata__", good(`{"__metadata__":{"epoch":3},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`)},
		{"metadata not an object", "__metadata__", good(`{"__metadata__":[],"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`)},
	}
}

func TestReadSafetensorsMalformed(t *testing.T) {
	for _, c := range malformed() {
		t.Run(c.name, func(t *testing.T) {
			path := writeTemp(t, c.b)
			_, _, err := ReadSafetensors(path)
			if err == nil {
				t.Fatalf("no error for %q", c.b)
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q, want one naming the file and %q", err, c.want)
			}
			// A load from the broken file changes nothing.
			m := newNested(tensor.NewRNG(1))
			before := snapshot(m)
			if _, err := LoadWeights(path, m, false); err == nil {
				t.Fatal("LoadWeights accepted the broken file")
			}
			if !reflect.DeepEqual(before, snapshot(m)) {
				t.Fatal("a failed load changed the model")
			}
		})
	}
	if _, _, err := ReadSafetensors(filepath.Join(t.TempDir(), "absent.safetensors")); err == nil || !os.IsNotExist(unwrapAll(err)) {
		t.Errorf("missing file: %v", err)
	}
}

func unwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		err = u.Unwrap()
	}
}

func snapshot(m Module) map[string][]float32 {
	out := map[string][]float32{}
	for _, e := range StateDict(m) {
		out[e.Name] = append([]float32(nil), e.Tensor.Data()...)
	}
	return out
}

// TestLoadWeightsReports loads a file into a model that differs from the
// saved one by a missing, an unexpected and a mis-shaped tensor.
func TestLoadWeightsReports(t *testing.T) {
	r := tensor.NewRNG(3)
	saved := NewSequential(NewLinear(r, 4, 3, true), NewBatchNorm1d(3, BatchNormOptions{}), NewLinear(r, 3, 2, true))
	path := filepath.Join(t.TempDir(), "w.safetensors")
	if err := SaveWeights(path, saved); err != nil {
		t.Fatal(err)
	}
	// "0" matches; "1" lacks its affine parameters (so weight and bias are
	// unexpected); "2" has 5 outputs (mis-shaped); "3" is new (missing).
	model := func() *Sequential {
		r := tensor.NewRNG(4)
		return NewSequential(NewLinear(r, 4, 3, true), NewBatchNorm1d(3, BatchNormOptions{NoAffine: true}), NewLinear(r, 3, 5, true), NewLinear(r, 5, 1, false))
	}
	m := model()
	before := snapshot(m)
	rep, err := LoadWeights(path, m, true)
	if err == nil {
		t.Fatal("strict load of a different model succeeded")
	}
	for _, name := range []string{path, "3.weight", "1.weight", "1.bias", "2.weight: model [5 3], file [2 3]", "2.bias: model [5], file [2]"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("strict error %q does not name %q", err, name)
		}
	}
	if !reflect.DeepEqual(before, snapshot(m)) {
		t.Error("a failed strict load changed the model")
	}
	if len(rep.Loaded) != 0 {
		t.Errorf("strict failure reports loaded %v", rep.Loaded)
	}

	rep, err = LoadWeights(path, m, false)
	if err != nil {
		t.Fatal(err)
	}
	wantRep := LoadReport{
		Loaded:     []string{"0.weight", "0.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked"},
		Missing:    []string{"3.weight"},
		Unexpected: []string{"1.weight", "1.bias"},
		Mismatched: []ShapeMismatch{{"2.weight", []int{5, 3}, []int{2, 3}}, {"2.bias", []int{5}, []int{2}}},
	}
	if !reflect.DeepEqual(rep, wantRep) {
		t.Fatalf("report\n got %+v\nwant %+v", rep, wantRep)
	}
	after := snapshot(m)
	src := snapshot(saved)
	for _, n := range wantRep.Loaded {
		if !reflect.DeepEqual(after[n], src[n]) {
			t.Errorf("%s not loaded", n)
		}
	}
	for _, n := range []string{"2.weight", "2.bias", "3.weight"} {
		if !reflect.DeepEqual(after[n], before[n]) {
			t.Errorf("%s changed although it did not match", n)
		}
	}

	// LoadStateDict: the same from memory.
	m2 := model()
	if err := LoadStateDict(m2, map[string]*tensor.Tensor{"0.weight": tensor.Zeros(3, 4)}, true); err == nil || !strings.Contains(err.Error(), "0.bias") {
		t.Errorf("strict LoadStateDict: %v", err)
	}
	if err := LoadStateDict(m2, map[string]*tensor.Tensor{"0.weight": tensor.Zeros(3, 4)}, false); err != nil {
		t.Fatal(err)
	}
	if tensor.SumAll(tensor.Abs(m2.At(0).(*Linear).Weight.Tensor())) != 0 {
		t.Error("LoadStateDict did not copy")
	}
}

// pytorchTinyHeader is what safetensors.torch.save_file writes for the
// state dict of torch.nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))
// with metadata {"format": "pt"}: "__metadata__" first, then the tensors
// sorted by descending dtype (I64 before F32) and then by name, each as
// {"dtype","shape","data_offsets"} in compact JSON, the header padded with
// spaces to a multiple of 8.
const pytorchTinyHeader = `{"__metadata__":{"format":"pt"},` +
	`"1.num_batches_tracked":{"dtype":"I64","shape":[],"data_offsets":[0,8]},` +
	`"0.bias":{"dtype":"F32","shape":[2],"data_offsets":[8,16]},` +
	`"0.weight":{"dtype":"F32","shape":[2,3],"data_offsets":[16,40]},` +
	`"1.bias":{"dtype":"F32","shape":[2],"data_offsets":[40,48]},` +
	`"1.running_mean":{"dtype":"F32","shape":[2],"data_offsets":[48,56]},` +
	`"1.running_var":{"dtype":"F32","shape":[2],"data_offsets":[56,64]},` +
	`"1.weight":{"dtype":"F32","shape":[2],"data_offsets":[64,72]}}`

func pytorchTinyBytes() []byte {
	h := pytorchTinyHeader
	for len(h)%8 != 0 {
		h += " "
	}
	var data []byte
	data = append(data, i64bytes(7)...)
	data = append(data, f32bytes(0.5, -0.25)...)          // 0.bias
	data = append(data, f32bytes(1, 2, 3, -1, -2, -3)...) // 0.weight
	data = append(data, f32bytes(0.125, 0)...)            // 1.bias
	data = append(data, f32bytes(0.75, -1.5)...)          // 1.running_mean
	data = append(data, f32bytes(2, 0.0625)...)           // 1.running_var
	data = append(data, f32bytes(1.5, 3)...)              // 1.weight
	return craft(h, data)
}

const pytorchTinyPath = "testdata/pytorch_linear_bn.safetensors"

// TestLoadPyTorchFile loads a file laid out byte for byte as PyTorch's
// safetensors writer lays it out (crafted by hand above, kept in testdata)
// into the Go twin of the same model.
func TestLoadPyTorchFile(t *testing.T) {
	want := pytorchTinyBytes()
	if *updateTestdata {
		if err := os.WriteFile(pytorchTinyPath, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(pytorchTinyPath)
	if err != nil {
		t.Fatalf("%v (run go test ./nn -run TestLoadPyTorchFile -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs from the hand-crafted bytes", pytorchTinyPath)
	}
	r := tensor.NewRNG(1)
	m := NewSequential(NewLinear(r, 3, 2, true), NewBatchNorm1d(2, BatchNormOptions{}))
	if _, err := LoadWeights(pytorchTinyPath, m, true); err != nil {
		t.Fatal(err)
	}
	lin, bn := m.At(0).(*Linear), m.At(1).(*BatchNorm)
	checks := []struct {
		name      string
		got, want []float32
	}{
		{"0.weight", lin.Weight.Data(), []float32{1, 2, 3, -1, -2, -3}},
		{"0.bias", lin.Bias.Data(), []float32{0.5, -0.25}},
		{"1.weight", bn.Weight.Data(), []float32{1.5, 3}},
		{"1.bias", bn.Bias.Data(), []float32{0.125, 0}},
		{"1.running_mean", bn.State.RunningMean.Data(), []float32{0.75, -1.5}},
		{"1.running_var", bn.State.RunningVar.Data(), []float32{2, 0.0625}},
		{"1.num_batches_tracked", bn.Tracked.T.Data(), []float32{7}},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	// The file's order is the writer's (by dtype, then name).
	f, err := ReadSafetensorsFile(pytorchTinyPath)
	if err != nil {
		t.Fatal(err)
	}
	if f.Tensors[0].Name != "1.num_batches_tracked" || f.Tensors[1].Name != "0.bias" || f.Metadata["format"] != "pt" {
		t.Errorf("order or metadata: %v %v", f.Tensors[0].Name, f.Metadata)
	}
	// Evaluation with the loaded weights: x = [1, 1, 1] → linear [6.5, -6.25].
	SetTraining(m, false)
	y := Forward(m, autograd.Const(tensor.New([]float32{1, 1, 1}, 1, 3))).Data()
	w0 := 1.5*(6.5-0.75)/math.Sqrt(2+1e-5) + 0.125
	w1 := 3*(-6.25+1.5)/math.Sqrt(0.0625+1e-5) + 0
	if math.Abs(float64(y[0])-w0) > 1e-4 || math.Abs(float64(y[1])-w1) > 1e-3 {
		t.Errorf("output %v, want [%v %v]", y, w0, w1)
	}
}

// FuzzReadSafetensors feeds arbitrary bytes to the parser: it must return
// an error or a file that re-encodes and parses to the same tensors, and
// never panic. The seed corpus is in testdata/fuzz/FuzzReadSafetensors.
func FuzzReadSafetensors(f *testing.F) {
	f.Add(pytorchTinyBytes())
	for _, c := range malformed() {
		f.Add(c.b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		sf, err := ParseSafetensors(b)
		if err != nil {
			return
		}
		entries := make([]StateEntry, len(sf.Tensors))
		for i, e := range sf.Tensors {
			entries[i] = StateEntry{Name: e.Name, Tensor: e.Tensor}
		}
		enc, err := EncodeSafetensors(entries, sf.Metadata)
		if err != nil {
			t.Fatalf("re-encoding a parsed file: %v", err)
		}
		again, err := ParseSafetensors(enc)
		if err != nil {
			t.Fatalf("parsing a re-encoded file: %v", err)
		}
		if len(again.Tensors) != len(sf.Tensors) || !reflect.DeepEqual(again.Metadata, sf.Metadata) {
			t.Fatalf("round trip changed the file: %d → %d tensors, metadata %v → %v", len(sf.Tensors), len(again.Tensors), sf.Metadata, again.Metadata)
		}
		for i, e := range sf.Tensors {
			a := again.Tensors[i]
			if a.Name != e.Name || !reflect.DeepEqual(a.Tensor.Shape(), e.Tensor.Shape()) {
				t.Fatalf("tensor %d: %q %v → %q %v", i, e.Name, e.Tensor.Shape(), a.Name, a.Tensor.Shape())
			}
			for j, v := range e.Tensor.Data() {
				if math.Float32bits(v) != math.Float32bits(a.Tensor.Data()[j]) {
					t.Fatalf("tensor %q element %d: %v → %v", e.Name, j, v, a.Tensor.Data()[j])
				}
			}
		}
	})
}

func ExampleLoadWeights() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "model.safetensors")

	r := tensor.NewRNG(1)
	trained := NewSequential(NewLinear(r, 4, 3, true), NewBatchNorm1d(3, BatchNormOptions{}))
	if err := SaveWeights(path, trained); err != nil {
		fmt.Println(err)
		return
	}
	// A twin with a different head: the report names what did not match.
	twin := NewSequential(NewLinear(r, 4, 3, true), NewBatchNorm1d(3, BatchNormOptions{}), NewLinear(r, 3, 2, true))
	rep, err := LoadWeights(path, twin, false)
	fmt.Println(len(rep.Loaded), "loaded;", rep, err)
	_, err = LoadWeights(path, twin, true)
	fmt.Println(err != nil)
	// Output:
	// 7 loaded; 2 missing from the file (2.weight, 2.bias) <nil>
	// true
}
