package nn

import (
	"archive/zip"
	"bytes"
	"encoding/json"
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

// The fixtures come from torch.save itself (testdata/pth/gen_pth_fixtures.py).

type pthExpected struct {
	DType  string    `json:"dtype"`
	Shape  []int     `json:"shape"`
	Values []float64 `json:"values"`
}

// readPthJSON reads [[name, {dtype, shape, values}], ...].
func readPthJSON(t *testing.T, raw json.RawMessage) ([]string, []pthExpected) {
	t.Helper()
	var rows [][2]json.RawMessage
	if err := json.Unmarshal(raw, &rows); err != nil {
		t.Fatal(err)
	}
	names := make([]string, len(rows))
	exp := make([]pthExpected, len(rows))
	for i, r := range rows {
		if json.Unmarshal(r[0], &names[i]) != nil || json.Unmarshal(r[1], &exp[i]) != nil {
			t.Fatalf("bad row %s", r)
		}
	}
	return names, exp
}

func checkPthTensors(t *testing.T, got []SafetensorsTensor, names []string, exp []pthExpected) {
	t.Helper()
	if len(got) != len(names) {
		t.Fatalf("%d tensors, PyTorch saved %d", len(got), len(names))
	}
	dtypes := map[string]string{"float32": "F32", "float64": "F64", "float16": "F16", "bfloat16": "BF16", "int64": "I64", "bool": "BOOL"}
	for i, g := range got {
		e := exp[i]
		if g.Name != names[i] || g.DType != dtypes[e.DType] || !tensor.SameShape(g.Tensor.Shape(), e.Shape) {
			t.Fatalf("tensor %d: %s %s %v, PyTorch %s %s %v", i, g.Name, g.DType, g.Tensor.Shape(), names[i], e.DType, e.Shape)
		}
		for j, v := range g.Tensor.Data() {
			if v != float32(e.Values[j]) {
				t.Fatalf("%s[%d] = %v, PyTorch %v", g.Name, j, v, e.Values[j])
			}
		}
	}
}

// TestReadPthViews reads views (offsets, transposes, stride 0, a shared
// storage) and every dtype a state dict may hold.
func TestReadPthViews(t *testing.T) {
	raw, err := os.ReadFile("testdata/pth/views.json")
	if err != nil {
		t.Fatal(err)
	}
	names, exp := readPthJSON(t, raw)
	f, err := ReadPth("testdata/pth/views.pth")
	if err != nil {
		t.Fatal(err)
	}
	checkPthTensors(t, f.Tensors, names, exp)
}

func pthTwin() Module {
	r := tensor.NewRNG(1)
	return NewSequential(
		NewConv2d(r, 3, 4, 3, ConvOptions{Padding: 1}),
		NewBatchNorm2d(4, BatchNormOptions{}),
		ReLU(),
		AdaptiveAvgPool2d(1, 1),
		Flatten(),
		NewLinear(r, 4, 5, true),
	)
}

// TestLoadPthModel loads a PyTorch state dict (num_batches_tracked
// included) through LoadWeights, under any file name, and compares
// eval-mode logits with PyTorch's.
func TestLoadPthModel(t *testing.T) {
	raw, err := os.ReadFile("testdata/pth/conv_bn_linear.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx struct {
		Tensors        json.RawMessage `json:"tensors"`
		ModuleVersions map[string]int  `json:"module_versions"`
		Input          []float64       `json:"input"`
		InputShape     []int           `json:"input_shape"`
		Logits         []float64       `json:"logits"`
	}
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatal(err)
	}
	f, err := ReadPth("testdata/pth/conv_bn_linear.pth")
	if err != nil {
		t.Fatal(err)
	}
	names, exp := readPthJSON(t, fx.Tensors)
	checkPthTensors(t, f.Tensors, names, exp)
	if !reflect.DeepEqual(f.ModuleVersions, fx.ModuleVersions) {
		t.Errorf("module versions %v, PyTorch %v", f.ModuleVersions, fx.ModuleVersions)
	}

	pth, _ := os.ReadFile("testdata/pth/conv_bn_linear.pth")
	for _, name := range []string{"model.pth", "model.safetensors", "model"} {
		path := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(path, pth, 0o644); err != nil {
			t.Fatal(err)
		}
		m := pthTwin()
		rep, err := LoadWeights(path, m, true)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !rep.Clean() || len(rep.Loaded) != len(names) {
			t.Fatalf("%s: load report %v, %d loaded", name, rep, len(rep.Loaded))
		}
		bn := m.(*Sequential).At(1).(*BatchNorm)
		if got := bn.Tracked.T.Data()[0]; got != 3 {
			t.Fatalf("num_batches_tracked = %v, PyTorch 3", got)
		}
		SetTraining(m, false)
		var out *autograd.Value
		autograd.NoGrad(func() { out = Forward(m, autograd.Const(tensor.FromFloat64(fx.Input, fx.InputShape...))) })
		for i, w := range fx.Logits {
			if g := out.Data()[i]; math.Abs(float64(g)-w) > 1e-5*(1+math.Abs(w)) {
				t.Fatalf("%s: logit %d: %v, PyTorch %v", name, i, g, w)
			}
		}
	}
}

// TestWeightsFormatErrors checks the one-line errors for files that are
// not weights files LoadWeights reads.
func TestWeightsFormatErrors(t *testing.T) {
	legacy, err := os.ReadFile("testdata/pth/legacy.pth")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		b    []byte
		want string
	}{
		{"legacy", legacy, "legacy (pre-1.6) format; re-save it with torch.save"},
		{"bare pickle", []byte("\x80\x02}q\x00."), "a bare Python pickle"},
		{"empty", nil, "the file is empty"},
		{"text", []byte("hello, world\n"), `neither safetensors nor a PyTorch .pth zip archive (it starts with "hello, w")`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "w.pth")
			if err := os.WriteFile(path, c.b, 0o644); err != nil {
				t.Fatal(err)
			}
			m := pthTwin()
			before := snapshot(m)
			_, err := LoadWeights(path, m, false)
			if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %v, want one line naming the file and %q", err, c.want)
			}
			if !reflect.DeepEqual(before, snapshot(m)) {
				t.Fatal("a failed load changed the model")
			}
		})
	}
}

// TestPthCorrupt truncates a real .pth file at every length and flips
// every byte of its pickle and storages: each must be an error (or, for a
// flip in zip bookkeeping that does not matter, a clean read), never a
// panic, and a failed load must leave the model as it was.
func TestPthCorrupt(t *testing.T) {
	good, err := os.ReadFile("testdata/pth/conv_bn_linear.pth")
	if err != nil {
		t.Fatal(err)
	}
	for n := range len(good) {
		if _, err := ParsePth(good[:n]); err == nil {
			t.Fatalf("truncated to %d bytes: no error", n)
		}
	}
	path := filepath.Join(t.TempDir(), "cut.pth")
	os.WriteFile(path, good[:len(good)/2], 0o644)
	m := pthTwin()
	before := snapshot(m)
	if _, err := LoadWeights(path, m, false); err == nil || !strings.Contains(err.Error(), "pth file "+path) {
		t.Fatalf("truncated file: %v", err)
	}
	if !reflect.DeepEqual(before, snapshot(m)) {
		t.Fatal("a failed load changed the model")
	}

	zr, err := zip.NewReader(bytes.NewReader(good), int64(len(good)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == "conv_bn_linear/version" {
			continue
		}
		off, err := f.DataOffset()
		if err != nil {
			t.Fatal(err)
		}
		for i := off; i < off+int64(f.CompressedSize64); i++ {
			bad := bytes.Clone(good)
			bad[i] ^= 0x5a
			if _, err := ParsePth(bad); err == nil {
				t.Fatalf("byte %d of %s flipped: no error", i-off, f.Name)
			}
		}
	}
	for i := range good {
		bad := bytes.Clone(good)
		bad[i] ^= 0xff
		ParsePth(bad) // must not panic
	}
}

// pthArchive builds a .pth zip from a pickle and storage records.
func pthArchive(t *testing.T, pkl []byte, storages map[string][]byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	add := func(name string, data []byte) {
		f, err := w.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		f.Write(data)
	}
	add("archive/data.pkl", pkl)
	for k, v := range storages {
		add("archive/data/"+k, v)
	}
	add("archive/version", []byte("3\n"))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pickleStr and pickleInt write BINUNICODE and BININT opcodes.
func pickleStr(s string) string { return fmt.Sprintf("X%s%s", le32(len(s)), s) }
func pickleInt(n int) string    { return "J" + le32(n) }
func le32(n int) string {
	return string([]byte{byte(n), byte(n >> 8), byte(n >> 16), byte(n >> 24)})
}

// tensorPickle is a state dict {name: a float32 view} as torch.save
// pickles it (protocol 2), storage key "0".
func tensorPickle(name string, numel, offset int, size, stride []int) []byte {
	tuple := func(v []int) string {
		s := "("
		for _, x := range v {
			s += pickleInt(x)
		}
		return s + "t"
	}
	return []byte("\x80\x02ccollections\nOrderedDict\n)R(" + pickleStr(name) +
		"ctorch._utils\n_rebuild_tensor_v2\n((" + pickleStr("storage") + "ctorch\nFloatStorage\n" +
		pickleStr("0") + pickleStr("cpu") + pickleInt(numel) + "tQ" + pickleInt(offset) +
		tuple(size) + tuple(stride) + "\x89ccollections\nOrderedDict\n)RtRu.")
}

// TestPthCrafted checks that pickles a state dict never holds are refused
// with an error saying why, and that views outside their storage are
// caught.
func TestPthCrafted(t *testing.T) {
	floats := make([]byte, 4*6)
	cases := []struct {
		name string
		pkl  []byte
		st   map[string][]byte
		want string
	}{
		{"valid", tensorPickle("w", 6, 1, []int{2, 2}, []int{1, 2}), map[string][]byte{"0": floats}, ""},
		{"os.system", []byte("\x80\x02cos\nsystem\n" + pickleStr("ls") + "\x85R."), nil, "names os.system, which a state dict of tensors never does; refusing it"},
		{"builtins.eval by STACK_GLOBAL", []byte("\x80\x04" + "\x8c\x08builtins\x8c\x04eval\x93."), nil, "names builtins.eval"},
		{"unknown opcode", []byte("\x80\x02]."), nil, "opcode 0x5d): opcode not used by state dicts"},
		{"no STOP", []byte("\x80\x02}"), nil, "pickle ends without STOP"},
		{"protocol 1", []byte("\x80\x01}."), nil, "pickle protocol 1"},
		{"checkpoint dict", []byte("\x80\x02}(" + pickleStr("epoch") + pickleInt(3) + "u."), nil, `entry "epoch" is a int64, not a tensor`},
		{"a list", []byte("\x80\x02" + pickleInt(3) + "."), nil, "holds a int64, not a state dict"},
		{"view past the storage", tensorPickle("w", 6, 3, []int{2, 2}, []int{1, 2}), map[string][]byte{"0": floats}, `tensor "w": offset 3, size [2 2] and stride [1 2] reach element 6 of a 6-element storage`},
		{"negative offset", tensorPickle("w", 6, -1, []int{2}, []int{1}), map[string][]byte{"0": floats}, "offset -1"},
		{"short storage", tensorPickle("w", 7, 0, []int{2}, []int{1}), map[string][]byte{"0": floats}, `storage "0": record holds 24 bytes, 7 F32 elements need 28`},
		{"missing storage", tensorPickle("w", 6, 0, []int{2}, []int{1}), nil, `storage "0" has no record archive/data/0`},
		{"huge size", tensorPickle("w", 6, 0, []int{1 << 30, 1 << 30}, []int{0, 0}), map[string][]byte{"0": floats}, "too large"},
		{"huge expanded view", tensorPickle("w", 6, 0, []int{1 << 15, 1 << 15}, []int{0, 0}), map[string][]byte{"0": floats}, "a 1073741824-element view of a 6-element storage; expanded views of more than 16777216 elements in all are refused"},
		{"bad memo", []byte("\x80\x02h\x05."), nil, "memo entry 5 was never stored"},
		{"underflow", []byte("\x80\x02s."), nil, "stack underflow"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := ParsePth(pthArchive(t, c.pkl, c.st))
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if got := f.Tensors[0].Tensor.Shape(); !tensor.SameShape(got, []int{2, 2}) {
					t.Fatalf("shape %v", got)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %q", err, c.want)
			}
		})
	}
	// A TorchScript archive is named as such.
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, n := range []string{"m/data.pkl", "m/constants.pkl"} {
		f, _ := w.Create(n)
		f.Write([]byte("\x80\x02}."))
	}
	w.Close()
	if _, err := ParsePth(b.Bytes()); err == nil || !strings.Contains(err.Error(), "TorchScript") {
		t.Fatalf("TorchScript archive: %v", err)
	}
}

// FuzzParsePth feeds mutated archives to the reader: it must return an
// error or tensors, never panic or read outside its input.
func FuzzParsePth(f *testing.F) {
	for _, p := range []string{"testdata/pth/conv_bn_linear.pth", "testdata/pth/views.pth"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ParsePth(b)
	})
}
