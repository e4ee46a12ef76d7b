package train

import (
	"reflect"
	"testing"

	"github.com/modeldoctor/modeldoctor/data"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/optim"
	"github.com/modeldoctor/modeldoctor/tensor"
	"github.com/modeldoctor/modeldoctor/tensor/devicetest"
)

// The tiny problem every training test runs: 8×8 gray images of 4 classes
// (a bright 3×3 blob in the class's quadrant, on noise) and a 2-conv CNN
// with batch norm (buffers, num_batches_tracked), channel dropout and
// dropout (per-epoch reseeding). A whole epoch takes milliseconds.
const (
	tinyClasses = 4
	tinySize    = 8
	tinyBatch   = 8
)

// tinyDataset returns n synthetic images; the same seed gives the same bits.
func tinyDataset(n int, seed uint64) *data.Dataset {
	r := data.NewRand(seed)
	ds := &data.Dataset{Name: "tiny", N: n, C: 1, H: tinySize, W: tinySize,
		Images: make([]float32, n*tinySize*tinySize), Labels: make([]int, n),
		Classes: []string{"nw", "ne", "sw", "se"}}
	for i := range n {
		y := i % tinyClasses
		ds.Labels[i] = y
		img := ds.Images[i*tinySize*tinySize : (i+1)*tinySize*tinySize]
		for j := range img {
			img[j] = 0.3 * r.Float32()
		}
		top, left := (y/2)*4+r.Intn(2), (y%2)*4+r.Intn(2)
		for dy := range 3 {
			for dx := range 3 {
				img[(top+dy)*tinySize+left+dx] += 0.7
			}
		}
	}
	return ds
}

// tinyModel is conv–BN–ReLU–pool–conv–ReLU–Dropout2d–pool–flatten–
// Dropout–linear. The dropout layers' own seeds are deliberately
// constant: the trainer must reseed them every epoch.
func tinyModel(seed uint64) nn.Module {
	r := tensor.NewRNG(seed)
	return nn.NewSequential(
		nn.NewConv2d(r, 1, 4, 3, nn.ConvOptions{Padding: 1}),
		nn.NewBatchNorm2d(4, nn.BatchNormOptions{}),
		nn.ReLU(),
		nn.MaxPool2d(2, 2, 0, false),
		nn.NewConv2d(r, 4, 8, 3, nn.ConvOptions{Padding: 1}),
		nn.ReLU(),
		nn.NewDropout2d(0.1, 0),
		nn.MaxPool2d(2, 2, 0, false),
		nn.Flatten(),
		nn.NewDropout(0.3, 0),
		nn.NewLinear(r, 8*2*2, tinyClasses, true),
	)
}

// tinyAugment is a random crop with padding and a horizontal flip: the
// loader's per-sample random streams must replay exactly after a resume.
var tinyAugment = data.Compose{data.RandomCrop{H: tinySize, W: tinySize, Padding: 1}, data.RandomHorizontalFlip{P: 0.5}}

// tinySetup configures a trainer on the tiny problem. adam picks Adam
// (with a step counter in its state) instead of SGD with Nesterov
// momentum and weight decay.
type tinySetup struct {
	Epochs int
	Dir    string
	Resume bool
	Adam   bool
	Val    bool
	// Horizon is the length of the cosine schedule (0: Epochs). A run
	// stopped after k epochs and resumed to n matches n straight only if
	// both use the schedule of n epochs.
	Horizon int
	// InitSeed seeds the model's initial weights (0: 1). A resumed run may
	// start from different weights: the checkpoint must overwrite them all.
	InitSeed uint64
}

func newTinyTrainer(s tinySetup) *Trainer {
	seed := s.InitSeed
	if seed == 0 {
		seed = 1
	}
	model := tinyModel(seed)
	params := nn.Trainable(model)
	var opt optim.Optimizer
	if s.Adam {
		opt = optim.NewAdam(params, optim.AdamOptions{WeightDecay: 1e-4})
	} else {
		opt = optim.NewSGD(params, optim.SGDOptions{Momentum: 0.9, Nesterov: true, WeightDecay: 5e-4})
	}
	horizon := s.Horizon
	if horizon == 0 {
		horizon = s.Epochs
	}
	lr := 0.05
	if s.Adam {
		lr = 0.01
	}
	all := tinyDataset(96, 7)
	trainDS, valDS := all, (*data.Dataset)(nil)
	if s.Val {
		trainDS, valDS = data.SplitTrainVal(all, 0.25, 3)
	}
	t := &Trainer{
		Model: model, Opt: opt, Classes: tinyClasses,
		Schedule: optim.Warmup{Epochs: 1, StartFactor: 0.5, Then: optim.CosineAnnealingLR{Base: lr, TMax: horizon}},
		Train: data.NewLoader(trainDS, data.LoaderOptions{BatchSize: tinyBatch, Shuffle: true, Seed: 11,
			Transform: tinyAugment, Workers: 2}),
		Eval: data.NewLoader(tinyDataset(32, 8), data.LoaderOptions{BatchSize: 16}),
		Opts: Options{Epochs: s.Epochs, Seed: 5, Dir: s.Dir, Name: "tiny", Resume: s.Resume},
	}
	if valDS != nil {
		t.Val = data.NewLoader(valDS, data.LoaderOptions{BatchSize: 16})
	}
	return t
}

// requireSameState fails unless both trainers hold the same bits in every
// parameter and buffer, the same optimizer state, and the same history
// (apart from the wall times).
func requireSameState(t *testing.T, got, want *Trainer) {
	t.Helper()
	gs, ws := nn.StateDict(got.Model), nn.StateDict(want.Model)
	if len(gs) != len(ws) {
		t.Fatalf("state dicts have %d and %d entries", len(gs), len(ws))
	}
	for i := range ws {
		if gs[i].Name != ws[i].Name {
			t.Fatalf("state entry %d: %s vs %s", i, gs[i].Name, ws[i].Name)
		}
		devicetest.RequireSameBits(t, "model "+ws[i].Name, gs[i].Tensor, ws[i].Tensor)
	}
	go_, wo := got.Opt.State(), want.Opt.State()
	if len(go_) != len(wo) || len(wo) == 0 {
		t.Fatalf("optimizer states have %d and %d entries", len(go_), len(wo))
	}
	for _, k := range sortedKeys(wo) {
		g, ok := go_[k]
		if !ok {
			t.Fatalf("optimizer state %s missing", k)
		}
		devicetest.RequireSameBits(t, "optimizer "+k, g, wo[k])
	}
	gh, wh := stripSeconds(got.History), stripSeconds(want.History)
	if !reflect.DeepEqual(gh, wh) {
		t.Fatalf("histories differ:\n got  %+v\n want %+v", gh, wh)
	}
}

func stripSeconds(h []EpochRecord) []EpochRecord {
	out := append([]EpochRecord(nil), h...)
	for i := range out {
		out[i].Seconds, out[i].TrainSeconds = 0, 0
	}
	return out
}
