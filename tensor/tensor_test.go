package tensor

import (
	"strings"
	"testing"
)

func TestConstructors(t *testing.T) {
	cases := []struct {
		name  string
		t     *Tensor
		shape []int
		data  []float32
	}{
		{"Zeros", Zeros(2, 3), []int{2, 3}, []float32{0, 0, 0, 0, 0, 0}},
		{"ZerosEmpty", Zeros(0, 4), []int{0, 4}, []float32{}},
		{"ZerosScalar", Zeros(), []int{}, []float32{0}},
		{"Ones", Ones(3), []int{3}, []float32{1, 1, 1}},
		{"Full", Full(-2.5, 1, 2), []int{1, 2}, []float32{-2.5, -2.5}},
		{"Scalar", Scalar(7), []int{}, []float32{7}},
		{"Arange", Arange(4), []int{4}, []float32{0, 1, 2, 3}},
		{"New", New([]float32{1, 2, 3, 4, 5, 6}, 3, 2), []int{3, 2}, []float32{1, 2, 3, 4, 5, 6}},
		{"FromFloat64", FromFloat64([]float64{0.5, -1, 3}, 3, 1), []int{3, 1}, []float32{0.5, -1, 3}},
		{"ZerosLike", ZerosLike(Ones(2, 1, 2)), []int{2, 1, 2}, []float32{0, 0, 0, 0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assertShape(t, c.name, c.t.Shape(), c.shape)
			assertExact(t, c.name, c.t.Data(), c.data)
			if c.t.Dims() != len(c.shape) || c.t.Len() != len(c.data) {
				t.Errorf("Dims %d Len %d, want %d %d", c.t.Dims(), c.t.Len(), len(c.shape), len(c.data))
			}
		})
	}
}

func TestNewSharesAndCopiesShape(t *testing.T) {
	data := []float32{1, 2, 3, 4}
	shape := []int{2, 2}
	x := New(data, shape...)
	data[0] = 9
	shape[0] = 7
	if x.At(0, 0) != 9 {
		t.Error("New does not share its data")
	}
	assertShape(t, "New", x.Shape(), []int{2, 2})
}

func TestAccessors(t *testing.T) {
	x := New([]float32{0, 1, 2, 3, 4, 5}, 2, 3)
	if x.At(1, 2) != 5 || x.At(0, 1) != 1 {
		t.Errorf("At: %v %v", x.At(1, 2), x.At(0, 1))
	}
	x.Set(-1, 1, 0)
	if x.Data()[3] != -1 {
		t.Errorf("Set wrote %v", x.Data())
	}
	if x.Dim(-1) != 3 || x.Dim(0) != 2 {
		t.Errorf("Dim: %d %d", x.Dim(-1), x.Dim(0))
	}
	if Scalar(3).Item() != 3 || Ones(1, 1, 1).Item() != 1 {
		t.Error("Item")
	}
	c := x.Clone()
	c.Data()[0] = 42
	if x.Data()[0] == 42 {
		t.Error("Clone shares data")
	}
	y := Zeros(2, 3)
	y.CopyFrom(x)
	assertExact(t, "CopyFrom", y.Data(), x.Data())
	got := x.Float64s()
	for i, v := range x.Data() {
		if got[i] != float64(v) {
			t.Fatalf("Float64s[%d] = %v", i, got[i])
		}
	}
	if s := Arange(10).String(); !strings.HasPrefix(s, "Tensor[10][0 1 2") || !strings.HasSuffix(s, " ...]") {
		t.Errorf("String: %q", s)
	}
	if Numel([]int{}) != 1 || Numel([]int{2, 0, 3}) != 0 || Numel([]int{2, 3, 4}) != 24 {
		t.Error("Numel")
	}
	if !SameShape([]int{}, nil) || SameShape([]int{1}, []int{}) || SameShape([]int{2, 3}, []int{3, 2}) {
		t.Error("SameShape")
	}
}

func TestReshape(t *testing.T) {
	x := Arange(24).Reshape(2, 3, 4)
	cases := []struct {
		in   []int
		want []int
	}{
		{[]int{24}, []int{24}},
		{[]int{-1}, []int{24}},
		{[]int{4, -1}, []int{4, 6}},
		{[]int{-1, 2, 3}, []int{4, 2, 3}},
		{[]int{2, -1, 3}, []int{2, 4, 3}},
		{[]int{1, 24, 1}, []int{1, 24, 1}},
		{[]int{1, -1, 1, 1}, []int{1, 24, 1, 1}},
		{[]int{2, 3, 2, 2}, []int{2, 3, 2, 2}},
	}
	for _, c := range cases {
		y := x.Reshape(c.in...)
		assertShape(t, "Reshape", y.Shape(), c.want)
		if &y.Data()[0] != &x.Data()[0] {
			t.Errorf("Reshape%v copies its data", c.in)
		}
	}
	if s := Scalar(1).Reshape(1, 1).Shape(); !SameShape(s, []int{1, 1}) {
		t.Errorf("scalar to [1,1]: %v", s)
	}
	if s := Ones(1).Reshape().Shape(); len(s) != 0 {
		t.Errorf("[1] to scalar: %v", s)
	}
	if s := Zeros(0, 3).Reshape(3, 0).Shape(); !SameShape(s, []int{3, 0}) {
		t.Errorf("empty: %v", s)
	}
	if s := Zeros(0, 3).Reshape(-1, 3).Shape(); !SameShape(s, []int{0, 3}) {
		t.Errorf("empty with -1: %v", s)
	}

	bad := []struct {
		name  string
		shape []int
	}{
		{"wrong count", []int{5, 5}},
		{"not divisible", []int{5, -1}},
		{"two -1", []int{-1, -1}},
		{"negative dim", []int{-2, -12}},
		{"negative dim with -1", []int{-2, -1}},
	}
	for _, c := range bad {
		mustPanic(t, "Reshape "+c.name, func() { x.Reshape(c.shape...) }, "tensor.Reshape")
	}
	// With zero elements the size of a -1 axis is ambiguous (PyTorch
	// refuses too).
	mustPanic(t, "Reshape ambiguous -1", func() { Zeros(0, 3).Reshape(0, -1) }, "tensor.Reshape")
}

func TestConstructorPanics(t *testing.T) {
	mustPanic(t, "New", func() { New([]float32{1, 2, 3}, 2, 2) }, "tensor.New", "[2 2]")
	mustPanic(t, "Zeros", func() { Zeros(2, -1) }, "tensor.Zeros")
	mustPanic(t, "FromFloat64", func() { FromFloat64([]float64{1}, 2) }, "tensor.FromFloat64")
	mustPanic(t, "Item", func() { Ones(2).Item() }, "tensor.Item", "[2]")
	mustPanic(t, "At rank", func() { Ones(2, 2).At(1) }, "tensor.At")
	mustPanic(t, "At range", func() { Ones(2, 2).At(0, 2) }, "tensor.At", "out of range")
	mustPanic(t, "Set range", func() { Ones(2, 2).Set(1, -1, 0) }, "tensor.Set")
	mustPanic(t, "Dim", func() { Ones(2, 2).Dim(2) }, "tensor.Dim")
	mustPanic(t, "CopyFrom", func() { Ones(2, 2).CopyFrom(Ones(4)) }, "tensor.CopyFrom", "[2 2]", "[4]")
	mustPanic(t, "SortedAxes", func() { SortedAxes([]int{1, -2}, 3) }, "repeated axis")
}

func TestSortedAxes(t *testing.T) {
	got := SortedAxes([]int{-1, 0, 2}, 4)
	want := []int{0, 2, 3}
	assertShape(t, "SortedAxes", got, want)
}
