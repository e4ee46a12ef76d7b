package zoo

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// LayerRow is one module of a Summary.
type LayerRow struct {
	// Name is the dotted state-dict prefix ("features.0").
	Name string
	// Type is the Go type name, or nn.Func's Name for parameter-free
	// modules (ReLU, MaxPool2d, ...).
	Type string
	// Depth is the number of dots in Name plus one (the root is not a row).
	Depth int
	// Leaf reports a module without children.
	Leaf bool
	// Output is the shape of the module's output on a batch of one image
	// (nil when the forward pass never called it). Calls counts how often
	// it ran; Output is the first call's.
	Output []int
	Calls  int
	// Parameters counts the trainable scalars of the module and its
	// descendants.
	Parameters int
	// MACs counts the multiply-accumulates per image of the convolutions
	// and linear layers in the module and its descendants.
	MACs int64
}

// Summary is a model's layer table with totals.
type Summary struct {
	Input      []int // [1, C, H, W]
	Output     []int
	Rows       []LayerRow
	Parameters int
	MACs       int64
}

// Summarize runs one eval-mode forward pass (no gradients) of m on a batch
// of one image of shape inShape ([C, H, W]) and returns every module's
// output shape, parameter count and MACs. Only convolutions and linear
// layers count toward MACs: a Conv2d's output elements × (in/groups)·kh·kw,
// a Linear's output elements × in features. m's train/eval flags and
// buffers are left as they were. A model that cannot take the input
// panics (a shape mismatch inside the model code).
func Summarize(m nn.Module, inShape []int) Summary {
	if len(inShape) != 3 {
		panic(fmt.Sprintf("zoo.Summarize: input shape %v, want [C H W]", inShape))
	}
	type stat struct {
		out   []int
		calls int
		macs  int64
	}
	var (
		names []string
		mods  []nn.Module
	)
	nn.Walk(m, func(name string, sub nn.Module) {
		names = append(names, name)
		mods = append(mods, sub)
	})
	stats := make([]stat, len(mods))
	training := make([]bool, len(mods))
	var removers []func()
	seen := map[nn.Module]bool{}
	for i, sub := range mods {
		training[i] = sub.ModuleBase().Training()
		if seen[sub] {
			continue // registered under two names: count its calls once
		}
		seen[sub] = true
		st := &stats[i]
		removers = append(removers, sub.ModuleBase().AddHook(func(y *autograd.Value) *autograd.Value {
			if st.calls == 0 {
				st.out = append([]int(nil), y.Shape()...)
			}
			st.calls++
			st.macs += leafMACs(sub, y.Shape())
			return y
		}))
	}
	defer func() {
		for _, r := range removers {
			r()
		}
		// Restore in pre-order: each module's own flag overrides what its
		// parent's SetTraining wrote.
		for i, sub := range mods {
			nn.SetTraining(sub, training[i])
		}
	}()
	nn.SetTraining(m, false)
	shape := append([]int{1}, inShape...)
	x := autograd.Const(tensor.Normal(tensor.NewRNG(1), 0, 1, shape...))
	var y *autograd.Value
	autograd.NoGrad(func() { y = nn.Forward(m, x) })

	s := Summary{Input: shape, Output: append([]int(nil), y.Shape()...)}
	// Subtree totals: names are dotted prefixes and Walk is pre-order, so
	// a module's descendants follow it and start with its name and a dot.
	for i, sub := range mods {
		if names[i] == "" {
			continue
		}
		row := LayerRow{
			Name:       names[i],
			Type:       TypeName(sub),
			Depth:      strings.Count(names[i], ".") + 1,
			Output:     stats[i].out,
			Calls:      stats[i].calls,
			Parameters: nn.CountParameters(sub),
		}
		_, kids := sub.ModuleBase().Children()
		row.Leaf = len(kids) == 0
		prefix := names[i] + "."
		row.MACs = stats[i].macs
		for j := i + 1; j < len(mods) && strings.HasPrefix(names[j], prefix); j++ {
			row.MACs += stats[j].macs
		}
		s.Rows = append(s.Rows, row)
	}
	for _, st := range stats {
		s.MACs += st.macs
	}
	s.Parameters = nn.CountParameters(m)
	return s
}

// leafMACs is the multiply-accumulate count per image of one call of a
// convolution or linear layer with output shape out (batch first); zero
// for other modules.
func leafMACs(m nn.Module, out []int) int64 {
	batch := int64(max(out[0], 1))
	switch l := m.(type) {
	case *nn.Conv2d:
		w := l.Weight.Shape() // [out, in/groups, kh, kw]
		return int64(tensor.Numel(out)) / batch * int64(tensor.Numel(w)/w[0])
	case *nn.Linear:
		w := l.Weight.Shape() // [out, in]
		return int64(tensor.Numel(out)) / batch * int64(w[1])
	}
	return 0
}

// TypeName names a module's type: nn.Func's Name for parameter-free
// modules, else the Go type name without package or pointer.
func TypeName(m nn.Module) string {
	if f, ok := m.(*nn.Func); ok && f.Name != "" {
		return f.Name
	}
	t := reflect.TypeOf(m)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Name()
}

// FormatShape writes a shape as "1×64×32×32", or "-" when nil.
func FormatShape(s []int) string {
	if s == nil {
		return "-"
	}
	parts := make([]string, len(s))
	for i, v := range s {
		parts[i] = fmt.Sprint(v)
	}
	return strings.Join(parts, "×")
}
