package doctor

import (
	"math"
	"reflect"
	"testing"

	"github.com/modeldoctor/modeldoctor/data"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/optim"
	"github.com/modeldoctor/modeldoctor/tensor"
	"github.com/modeldoctor/modeldoctor/tensor/devicetest"
	"github.com/modeldoctor/modeldoctor/train"
	"github.com/modeldoctor/modeldoctor/zoo"
)

// A treat step on the fake device (no kernels: every op runs tensor's host
// code on counted copies) must give the host's bits, second-order terms
// included, and copy nothing but the batch and what the loop reads back.

// treatCase is a model with its doctor layer and a batch of 4 for it.
type treatCase struct {
	name, layer string
	model       func() nn.Module
	c, h, w, k  int
	channels    int // at the doctor layer
}

var treatCases = []treatCase{
	{"lenet", "conv2", func() nn.Module {
		m, _, err := zoo.New("lenet", zoo.Config{Classes: 10, InChannels: 1, Seed: 3})
		if err != nil {
			panic(err)
		}
		return m
	}, 1, 32, 32, 10, 16},
	// Train-mode batch norm after the doctor layer: its backward is
	// differentiated again.
	{"bn", "0", func() nn.Module { return tinyNet(5) }, 3, 6, 6, 5, 4},
}

func (tc treatCase) batch() data.Batch {
	x := tensor.Uniform(tensor.NewRNG(9), -1, 1, 4, tc.c, tc.h, tc.w)
	return data.Batch{X: x.Data(), N: 4, C: tc.c, H: tc.h, W: tc.w, Labels: []int{0, 1, 2, 3}, Indices: []int{10, 11, 12, 13}}
}

// constraint has a random 0/1 mask and foreground masks for two of the
// batch's four images.
func (tc treatCase) constraint() Constraint {
	r := tensor.NewRNG(21)
	fg := func() *tensor.Tensor { return tensor.Bernoulli(r, 0.5, tc.h, tc.w) }
	return Constraint{Layer: tc.layer, Mask: tensor.Bernoulli(r, 0.5, tc.k, tc.channels), Alpha: 0.5, Beta: 0.1,
		Spatial: map[int]*tensor.Tensor{10: fg(), 12: fg()}}
}

// trainer is a treatment's trainer on dev, model moved and constraint
// uploaded there (once, as Treat does).
func (tc treatCase) trainer(dev tensor.Device) *train.Trainer {
	m := tc.model()
	nn.ToDevice(m, dev)
	cons := tc.constraint().To(dev)
	return &train.Trainer{Model: m, Opt: optim.NewSGD(nn.Trainable(m), optim.SGDOptions{WeightDecay: 5e-4}),
		Classes: tc.k, Loss: cons.Loss, Opts: train.Options{Name: tc.name, Device: dev}}
}

// TestTreatStepOnDeviceMatchesHost: loss, penalties, predictions and
// updated weights of one treat step agree bit for bit (plain SGD, whose
// host kernel rounds each operation as the device path does).
func TestTreatStepOnDeviceMatchesHost(t *testing.T) {
	dev := devicetest.Register(t, "fake:0").Device()
	for _, tc := range treatCases {
		host, fake := tc.trainer(tensor.Host), tc.trainer(dev)
		hr, err := host.Step(tc.batch(), 0, 0.05)
		if err != nil {
			t.Fatal(err)
		}
		fr, err := fake.Step(tc.batch(), 0, 0.05)
		if err != nil {
			t.Fatal(err)
		}
		if math.Float64bits(fr.Loss) != math.Float64bits(hr.Loss) || !reflect.DeepEqual(fr.Extra, hr.Extra) || !reflect.DeepEqual(fr.Predicted, hr.Predicted) {
			t.Fatalf("%s: device step %+v, host %+v", tc.name, fr, hr)
		}
		if hr.Extra["l_spatial"] == 0 || hr.Extra["l_low"] == 0 {
			t.Fatalf("%s: a penalty is zero (%v): the test would not see it", tc.name, hr.Extra)
		}
		nn.ToDevice(fake.Model, tensor.Host)
		hp, fp := nn.Parameters(host.Model), nn.Parameters(fake.Model)
		for i := range hp {
			devicetest.RequireSameBits(t, tc.name+": "+hp[i].Name, fp[i].Value.Tensor(), hp[i].Value.Tensor())
		}
	}
}

// TestTreatStepTransfers: with the masks uploaded before, a treat step
// uploads the batch alone and reads back what the loop asks for.
func TestTreatStepTransfers(t *testing.T) {
	dev := devicetest.Register(t, "fake:0").Device()
	tc := treatCases[0]
	tr := tc.trainer(dev)
	tensor.ResetTransfers()
	if _, err := tr.Step(tc.batch(), 0, 0.05); err != nil {
		t.Fatal(err)
	}
	s := tensor.Transfers()
	if n := 4 * tc.c * tc.h * tc.w; s.Uploads != 1 || s.UploadElems != int64(n) {
		t.Errorf("%d uploads of %d values, want 1 of %d (the batch)", s.Uploads, s.UploadElems, n)
	}
	// The logits for the confusing classes (4×10), the four terms logged
	// (one download), the loss, the gradient check, the predictions (4).
	if s.Downloads != 5 || s.DownloadElems != 40+4+1+1+4 {
		t.Errorf("%d downloads of %d values, want 5 of 50", s.Downloads, s.DownloadElems)
	}
	if len(s.Fallbacks) == 0 {
		t.Error("no op ran on the device")
	}
	t.Logf("treat step on %s: fallbacks %v", dev, s.Fallbacks)
}

// TestTreatOnDeviceMatchesHost: Treat with a Device (both runs, momentum,
// batch norm, evaluation) ends as on the host, the models back there.
func TestTreatOnDeviceMatchesHost(t *testing.T) {
	if !devicetest.HostLoopsUnfused() {
		t.Skip("the host loops may fuse multiply-adds here; the device paths round each operation")
	}
	dev := devicetest.Register(t, "fake:0").Device()
	tc := treatCases[1]
	ds := &data.Dataset{Name: "noise", N: 16, C: tc.c, H: tc.h, W: tc.w, Classes: []string{"a", "b", "c", "d", "e"}}
	ds.Images = tensor.Uniform(tensor.NewRNG(4), 0, 1, 16*tc.c*tc.h*tc.w).Data()
	for i := range 16 {
		ds.Labels = append(ds.Labels, i%tc.k)
	}
	treat := func(d tensor.Device) *TreatResult {
		cons := tc.constraint()
		cons.Spatial = map[int]*tensor.Tensor{1: cons.Spatial[10], 6: cons.Spatial[12]}
		res, err := Treat(TreatConfig{
			NewModel: func() (nn.Module, error) { return tc.model(), nil }, Constraint: cons,
			Train:   data.NewLoader(ds, data.LoaderOptions{BatchSize: 4, Shuffle: true, Seed: 2}),
			Test:    data.NewLoader(ds, data.LoaderOptions{BatchSize: 8}),
			Classes: tc.k, Epochs: 1, LR: 0.05, Momentum: 0.9, WeightDecay: 5e-4, Seed: 3, Device: d,
		})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	host := treat(tensor.Host)
	tensor.ResetTransfers()
	fake := treat(dev)
	if len(tensor.Transfers().Fallbacks) == 0 {
		t.Fatal("nothing ran on the device")
	}
	strip := func(h []train.EpochRecord) []train.EpochRecord {
		h = append([]train.EpochRecord(nil), h...)
		for i := range h {
			h[i].Seconds, h[i].TrainSeconds = 0, 0
		}
		return h
	}
	if !reflect.DeepEqual(strip(fake.Treated), strip(host.Treated)) || !reflect.DeepEqual(strip(fake.Control), strip(host.Control)) {
		t.Fatalf("histories differ:\n device %+v %+v\n host   %+v %+v", fake.Treated, fake.Control, host.Treated, host.Control)
	}
	for _, pair := range [][2]nn.Module{{fake.TreatedModel, host.TreatedModel}, {fake.ControlModel, host.ControlModel}} {
		fs, hs := nn.StateDict(pair[0]), nn.StateDict(pair[1])
		for i := range hs {
			devicetest.RequireSameBits(t, hs[i].Name, fs[i].Tensor, hs[i].Tensor)
		}
	}
}
