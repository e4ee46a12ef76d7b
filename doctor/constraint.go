package doctor

import (
	"fmt"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/data"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// Constraint is Model Doctor's treatment loss:
//
//	L = CE(z, y) + α·(L_high + L_low) + β·L_spatial
//
// with G = ∂[(1/B)Σ_b z[b,y_b]]/∂A and G' the same for the confusing class
// y' (the runner-up when the prediction is right, the predicted class when
// it is wrong), P = Σ_{h,w} relu(G), P' likewise:
//
//	L_high    = (1/B) Σ_b Σ_c M[y'_b, c]·P'[b, c]
//	L_low     = (1/B) Σ_b Σ_c (1 − M[y_b, c])·P[b, c]
//	L_spatial = Σ_{b,c,h,w} |(1 − m_b[h,w])·G[b,c,h,w]|
//
// G and G' are computed with createGraph, so the penalties are
// differentiated again with respect to every parameter when the loss is.
type Constraint struct {
	Layer string
	// Mask is the diagnosis mask [K, C].
	Mask        *tensor.Tensor
	Alpha, Beta float32
	// Spatial maps a data-set index to its foreground mask [H, W] (1 =
	// object) at input resolution; images without one get no spatial
	// penalty.
	Spatial map[int]*tensor.Tensor
}

// Terms are the parts of one evaluation of the constraint.
type Terms struct {
	CE, High, Low, Spatial *autograd.Value
	Logits, A, G, G2       *autograd.Value
	Confusing              []int
}

// Evaluate runs m on x (model in train mode) and builds every term.
func (c *Constraint) Evaluate(m nn.Module, x *autograd.Value, labels, indices []int) (*Terms, error) {
	logits, a, err := forwardCapturing(m, c.Layer, x)
	if err != nil {
		return nil, err
	}
	k, ch := logits.Shape()[1], a.Shape()[1]
	if ms := c.Mask.Shape(); ms[0] != k || ms[1] != ch {
		return nil, fmt.Errorf("diagnosis mask is %v but the model has %d classes and %d channels at %s", ms, k, ch, c.Layer)
	}
	if md, xd := c.Mask.Device(), logits.Device(); md != xd {
		return nil, fmt.Errorf("diagnosis mask is on %s but the model runs on %s: move the constraint with To(%q) once, before training", md, xd, xd)
	}
	t := &Terms{Logits: logits, A: a, CE: autograd.CrossEntropy(logits, labels)}
	lt := logits.BorrowTensor() // on a device: unpinned, so the step can free it
	if !lt.OnDevice() {
		lt = logits.Tensor() // on the host, taken as before
	}
	t.Confusing = ConfusingClasses(lt, labels)
	t.G = LabelLogitGradient(logits, a, labels, true)
	t.G2 = LabelLogitGradient(logits, a, t.Confusing, true)
	p := autograd.Sum(autograd.Relu(t.G), []int{2, 3}, false)
	p2 := autograd.Sum(autograd.Relu(t.G2), []int{2, 3}, false)
	high := autograd.Const(tensor.IndexSelect(c.Mask, 0, t.Confusing))
	low := autograd.Const(tensor.RsubScalar(tensor.IndexSelect(c.Mask, 0, labels), 1))
	t.High = autograd.Mean(autograd.Sum(autograd.Mul(high, p2), []int{1}, false), nil, false)
	t.Low = autograd.Mean(autograd.Sum(autograd.Mul(low, p), []int{1}, false), nil, false)
	if c.Beta != 0 {
		t.Spatial = c.spatial(t.G, indices)
	}
	return t, nil
}

// spatial is Σ |(1 − m)·G| over the images that have a mask.
func (c *Constraint) spatial(g *autograd.Value, indices []int) *autograd.Value {
	if d := g.Device(); d != tensor.Host {
		return c.spatialOnDevice(g, indices, d)
	}
	s := g.Shape()
	bg := tensor.Zeros(s[0], 1, s[2], s[3])
	found := false
	for b, i := range indices {
		m, ok := c.Spatial[i]
		if !ok {
			continue
		}
		found = true
		mh, mw := m.Shape()[0], m.Shape()[1]
		r := tensor.ResizeBilinear(m.Reshape(1, 1, mh, mw), s[2], s[3], false)
		copy(bg.Data()[b*s[2]*s[3]:(b+1)*s[2]*s[3]], tensor.RsubScalar(r, 1).Data())
	}
	if !found {
		return autograd.Scalar(0)
	}
	return autograd.SumAll(autograd.Abs(autograd.Mul(g, autograd.Const(bg))))
}

// Total combines the terms into the loss.
func (c *Constraint) Total(t *Terms) *autograd.Value {
	l := autograd.Add(t.CE, autograd.MulScalar(autograd.Add(t.High, t.Low), c.Alpha))
	if t.Spatial != nil {
		l = autograd.Add(l, autograd.MulScalar(t.Spatial, c.Beta))
	}
	return l
}

// Loss adapts the constraint to the training loop.
func (c *Constraint) Loss(m nn.Module, x *autograd.Value, b data.Batch) (*autograd.Value, *autograd.Value, map[string]float64) {
	t, err := c.Evaluate(m, x, b.Labels, b.Indices)
	if err != nil {
		panic(err) // checked before training starts (CheckModel)
	}
	if t.Logits.Device() != tensor.Host {
		return c.Total(t), t.Logits, t.extrasOnDevice()
	}
	extra := map[string]float64{"ce": float64(t.CE.Item()), "l_high": float64(t.High.Item()), "l_low": float64(t.Low.Item())}
	if t.Spatial != nil {
		extra["l_spatial"] = float64(t.Spatial.Item())
	}
	return c.Total(t), t.Logits, extra
}

// ConfusingClasses returns, per sample, the runner-up class when the
// prediction is right and the predicted class when it is wrong. Logits on
// a device are read back (one download): the classes index the mask.
func ConfusingClasses(logits *tensor.Tensor, labels []int) []int {
	k := logits.Shape()[1]
	d := logits.To(tensor.Host).Data()
	out := make([]int, len(labels))
	for b, y := range labels {
		row := d[b*k : (b+1)*k]
		first, second := -1, -1
		for j := range row {
			switch {
			case first < 0 || row[j] > row[first]:
				first, second = j, first
			case second < 0 || row[j] > row[second]:
				second = j
			}
		}
		if first == y {
			out[b] = second
		} else {
			out[b] = first
		}
	}
	return out
}
