package doctor

import (
	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// To returns the constraint with its diagnosis mask and foreground masks
// on device d (counted uploads, one per mask), for a model trained there:
// call it once per treatment, so that no step uploads a mask. On the host
// it returns c.
func (c Constraint) To(d tensor.Device) Constraint {
	if c.Mask != nil {
		c.Mask = c.Mask.To(d)
	}
	if c.Spatial != nil {
		moved := make(map[int]*tensor.Tensor, len(c.Spatial))
		for i, m := range c.Spatial {
			moved[i] = m.To(d)
		}
		c.Spatial = moved
	}
	return c
}

// spatialOnDevice is spatial for G on device d, its foreground masks there
// too (To): the background weights (1 − m resized to G's plane) are built
// on the device, one [1,1,H,W] row per image (zeros for an image without
// a mask), and concatenated into [B,1,H,W] — the host version copies the
// rows into one tensor's memory.
func (c *Constraint) spatialOnDevice(g *autograd.Value, indices []int, d tensor.Device) *autograd.Value {
	s := g.Shape()
	rows := make([]*tensor.Tensor, len(indices))
	found := false
	for b, i := range indices {
		m, ok := c.Spatial[i]
		if !ok {
			rows[b] = tensor.ZerosOn(d, 1, 1, s[2], s[3])
			continue
		}
		found = true
		mh, mw := m.Shape()[0], m.Shape()[1]
		r := tensor.ResizeBilinear(m.Reshape(1, 1, mh, mw), s[2], s[3], false)
		rows[b] = tensor.RsubScalar(r, 1)
		tensor.Release(r)
	}
	if !found {
		for _, r := range rows {
			tensor.Release(r)
		}
		return autograd.ScalarOn(d, 0)
	}
	bg := tensor.Concat(rows, 0)
	for _, r := range rows {
		tensor.Release(r)
	}
	return autograd.SumAll(autograd.Abs(autograd.Mul(g, autograd.Const(bg))))
}

// extrasOnDevice reads the terms the training log records with one
// download (autograd.Items) instead of one per term.
func (t *Terms) extrasOnDevice() map[string]float64 {
	vs := []*autograd.Value{t.CE, t.High, t.Low}
	if t.Spatial != nil {
		vs = append(vs, t.Spatial)
	}
	got := autograd.Items(vs...)
	extra := map[string]float64{"ce": float64(got[0]), "l_high": float64(got[1]), "l_low": float64(got[2])}
	if t.Spatial != nil {
		extra["l_spatial"] = float64(got[3])
	}
	return extra
}
