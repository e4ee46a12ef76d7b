package doctor

import (
	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/data"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
	"github.com/modeldoctor/modeldoctor/train"
)

// FeatureNoise is the authors' early training hook: N(0, Std²) noise added
// to the doctor layer's output A while training with cross-entropy. Their
// follow-up notes found that it broke training; a study runs it as an
// optional arm to see whether noise at A alone explains a gain.
type FeatureNoise struct {
	Layer string
	Std   float32
	Seed  uint64
}

// Loss is a train.LossFunc. The noise of batch k of epoch e is drawn from
// its own generator, derived from (Seed, e, k), so a resumed run adds the
// same noise as an uninterrupted one.
func (f *FeatureNoise) Loss(m nn.Module, x *autograd.Value, b data.Batch) (*autograd.Value, *autograd.Value, map[string]float64) {
	l, err := nn.Find(m, f.Layer)
	if err != nil {
		panic(err) // the layer was checked when the arm was built
	}
	rng := tensor.NewRNG(data.DeriveSeed(f.Seed, noiseStream, uint64(b.Epoch), uint64(b.Index)))
	remove := l.ModuleBase().AddHook(func(y *autograd.Value) *autograd.Value {
		// Drawn on the host (tensor.RNG): on a device, one upload per step.
		return autograd.Add(y, autograd.Const(tensor.Normal(rng, 0, f.Std, y.Shape()...).To(y.Device())))
	})
	defer remove()
	return train.CrossEntropyLoss(m, x, b)
}

// noiseStream keeps the noise's generators apart from other streams of the
// same seed.
const noiseStream = 0x6e6f697365
