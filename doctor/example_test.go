package doctor_test

import (
	"fmt"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/data"
	"github.com/modeldoctor/modeldoctor/doctor"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// handmade builds conv(1→4, 3×3) → BN → ReLU → global average pool →
// FC(4→2), where the classifier reads class 0 from channels 0 and 1 and
// class 1 from channels 2 and 3: a network whose diagnosis we know.
func handmade() nn.Module {
	r := tensor.NewRNG(1)
	conv := nn.NewConv2d(r, 1, 4, 3, nn.ConvOptions{Padding: 1})
	fc := nn.NewLinear(r, 4, 2, true)
	copy(fc.Weight.Data(), []float32{
		1.0, 0.8, 0.0, 0.1, // class 0
		0.1, 0.0, 0.9, 1.0, // class 1
	})
	return nn.NewSequential(conv, nn.NewBatchNorm2d(4, nn.BatchNormOptions{}), nn.ReLU(),
		nn.NewFunc("GlobalAvgPool", autograd.GlobalAvgPool2D), fc)
}

// images returns n random 1×8×8 images with alternating labels.
func images(n int) *data.Dataset {
	r := tensor.NewRNG(2)
	ds := &data.Dataset{Name: "toy", N: n, C: 1, H: 8, W: 8, Classes: []string{"zero", "one"}}
	ds.Images = tensor.Uniform(r, 0, 1, n, 1, 8, 8).Data()
	for i := 0; i < n; i++ {
		ds.Labels = append(ds.Labels, i%2)
	}
	return ds
}

// Step 1: the gradient of the label logit at the doctor layer's output.
// The doctor captures the layer's output A with a hook and differentiates
// the batch-mean label logit with respect to it.
func ExampleLabelLogitGradient() {
	m := handmade()
	nn.SetTraining(m, false)
	x := autograd.Const(tensor.New(images(2).Images, 2, 1, 8, 8))
	var a *autograd.Value
	conv, _ := nn.Find(m, "0")
	conv.ModuleBase().AddHook(func(y *autograd.Value) *autograd.Value { a = y; return y })
	z := nn.Forward(m, x)
	g := doctor.LabelLogitGradient(z, a, []int{0, 1}, false)
	fmt.Println("A:", a.Shape(), "G:", g.Shape())
	// Summed over the image, relu(G) per channel: where each label looks.
	p := tensor.Sum(tensor.Relu(g.Tensor()), []int{2, 3}, false)
	for b := 0; b < 2; b++ {
		fmt.Printf("image %d (label %d): channels 0,1 %.3f  channels 2,3 %.3f\n", b, b,
			p.At(b, 0)+p.At(b, 1), p.At(b, 2)+p.At(b, 3))
	}
	// Output:
	// A: [2 4 8 8] G: [2 4 8 8]
	// image 0 (label 0): channels 0,1 0.894  channels 2,3 0.040
	// image 1 (label 1): channels 0,1 0.050  channels 2,3 0.505
}

// Step 2: aggregate over each class's confident images, normalise per
// class, threshold at θ: the class × channel mask.
func ExampleDiagnose() {
	m := handmade()
	ds := images(20)
	sifted := [][]int{{0, 2, 4, 6, 8}, {1, 3, 5, 7, 9}} // per class: images to diagnose from
	d, err := doctor.Diagnose(m, "0", ds, nil, sifted, 0.2)
	if err != nil {
		panic(err)
	}
	for k, row := range d.Mask {
		fmt.Printf("class %s: mask %v, normalised %.2f\n", d.Classes[k], row, d.Norm[k])
	}
	// Output:
	// class zero: mask [1 1 0 0], normalised [1.00 0.79 0.00 0.08]
	// class one: mask [0 0 1 1], normalised [0.13 0.00 0.24 1.00]
}

// Step 3: the constraint is a function of gradients, so training must
// differentiate it again. Without createGraph the penalty is a constant
// with zero gradient — the bug the authors' public code shipped with.
func ExampleConstraint() {
	m := handmade() // training mode: batch norm couples the samples
	x := autograd.Const(tensor.New(images(4).Images, 4, 1, 8, 8))
	labels := []int{0, 1, 0, 1}
	mask := tensor.New([]float32{1, 0, 0, 0, 0, 0, 1, 0}, 2, 4) // deliberately too narrow
	c := &doctor.Constraint{Layer: "0", Mask: mask, Alpha: 10}
	t, err := c.Evaluate(m, x, labels, nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("L_low > 0: %v (true classes use channels outside their mask)\n", t.Low.Item() > 0)
	fc := m.(*nn.Sequential).At(4).(*nn.Linear)
	penalty := autograd.Add(t.High, t.Low)
	g := autograd.GradWith([]*autograd.Value{penalty}, []*autograd.Value{fc.Weight}, nil, autograd.GradOptions{RetainGraph: true})[0]
	fmt.Printf("second order: ∂penalty/∂W non-zero: %v\n", tensor.SumAll(tensor.Abs(g.Tensor())) > 0)
	// The same penalty built from a gradient taken without createGraph:
	inert := autograd.SumAll(autograd.Relu(t.G.Detach()))
	fmt.Printf("without createGraph: requires grad: %v\n", inert.RequiresGrad())
	// Output:
	// L_low > 0: true (true classes use channels outside their mask)
	// second order: ∂penalty/∂W non-zero: true
	// without createGraph: requires grad: false
}

// The diagnosis mask of a two-class map, by hand.
func ExampleNormalizeAndThreshold() {
	raw := [][]float64{{8, 6, 0.5, 0}, {0.2, 0, 3, 4}}
	norm, mask := doctor.NormalizeAndThreshold(raw, 0.2)
	fmt.Printf("%.2f %v\n%.2f %v\n", norm[0], mask[0], norm[1], mask[1])
	// Output:
	// [1.00 0.75 0.06 0.00] [1 1 0 0]
	// [0.05 0.00 0.75 1.00] [0 0 1 1]
}
