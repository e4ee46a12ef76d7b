package main

import (
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/modeldoctor/modeldoctor/doctor"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// treatFlags are treat's own flags.
type treatFlags struct {
	sgdFlags
	alpha, beta   float64
	spatial       string
	autoMaskAbove float64
	resume        bool
}

func (t *treatFlags) register(fs *flag.FlagSet) {
	t.sgdFlags.register(fs, 5, 0.01)
	fs.Float64Var(&t.alpha, "alpha", 10, "weight of the channel constraint (L_high + L_low), ≥ 0")
	fs.Float64Var(&t.beta, "beta", 0, "weight of the spatial constraint (0 for 32-px data, as the authors), ≥ 0")
	fs.StringVar(&t.spatial, "masks", "", "spatial masks: \"auto\" (plain-background images), or a directory of <index>.json (labelme) / <index>.png files")
	fs.Float64Var(&t.autoMaskAbove, "auto-threshold", 0.2, "with --masks auto: foreground pixels are brighter than this, in [0, 1)")
	fs.BoolVar(&t.resume, "resume", false, "continue interrupted treated/control runs from their checkpoints (refused if any setting changed)")
}

func (t *treatFlags) validate() error {
	if err := firstError(
		t.sgdFlags.validate(),
		checkRange("alpha", t.alpha, 0, 1e6, "a weight ≥ 0"),
		checkRange("beta", t.beta, 0, 1e6, "a weight ≥ 0"),
		checkRange("auto-threshold", t.autoMaskAbove, 0, math.Nextafter(1, 0), "a brightness in [0, 1)"),
	); err != nil {
		return err
	}
	if t.beta != 0 && t.spatial == "" {
		return fmt.Errorf("--beta %g needs --masks (auto or a directory)", t.beta)
	}
	if t.beta == 0 && t.spatial != "" {
		return fmt.Errorf("--masks %s: the spatial constraint is off while --beta is 0; give --beta", t.spatial)
	}
	return nil
}

func runTreat(args []string) error {
	var t treatFlags
	s, err := parseSession("treat", args, &t)
	if err != nil {
		return err
	}
	_, err = s.treat(&t)
	return err
}

func (s *session) treat(t *treatFlags) (*doctor.TreatResult, error) {
	if err := t.validate(); err != nil {
		return nil, err
	}
	dg, err := s.loadDiagnosis()
	if err != nil {
		return nil, err
	}
	masks, err := s.spatialMasks(t)
	if err != nil {
		return nil, err
	}
	f := s.f
	cfg := doctor.TreatConfig{
		NewModel: func() (nn.Module, error) {
			m, _, err := f.newModel(s.ds)
			if err != nil {
				return nil, err
			}
			_, err = nn.LoadWeights(f.weights, m, true)
			return m, err
		},
		Constraint: doctor.Constraint{Layer: s.layer, Mask: dg.MaskTensor(), Alpha: float32(t.alpha), Beta: float32(t.beta), Spatial: masks},
		Train:      f.loader(s.train, s.ds.TrainAug, true),
		Test:       f.loader(s.ds.Test, s.ds.Eval, false),
		Classes:    s.classes(), Epochs: t.epochs, LR: t.lr, Momentum: t.momentum, WeightDecay: t.weightDecay,
		Schedule: t.scheduleFor(), Seed: f.seed, Dir: f.out, Resume: t.resume, Log: os.Stderr,
		Provenance: recordDevice(s.provenance("treat", nil), f.dev), Device: f.dev,
	}
	if s.val != nil {
		cfg.Val = f.loader(s.val, s.ds.Eval, false)
	}
	var res *doctor.TreatResult
	err = t.withAnomaly(func() error {
		var err error
		res, err = doctor.Treat(cfg)
		return err
	})
	tensor.TrimPool()
	if err != nil {
		return nil, err
	}
	sum := doctor.Summarize(res.Treated)
	ctl := doctor.Summarize(res.Control)
	fmt.Fprintf(os.Stderr, "treated: test accuracy %.2f%% (last epoch), control %.2f%%; weights %s and %s\n",
		100*sum.LastTest, 100*ctl.LastTest, res.TreatedWeights, res.ControlWeights)
	return res, nil
}

// spatialMasks loads the masks the spatial constraint uses.
func (s *session) spatialMasks(t *treatFlags) (map[int]*tensor.Tensor, error) {
	if t.spatial == "" {
		return nil, nil
	}
	sift, err := s.loadSift()
	if err != nil {
		return nil, err
	}
	var low []int
	for _, l := range sift.Low {
		low = append(low, l...)
	}
	if t.spatial == "auto" {
		return doctor.AutoMasks(s.train, low, float32(t.autoMaskAbove)), nil
	}
	if st, err := os.Stat(t.spatial); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("--masks %s: want \"auto\" or a directory of <index>.json / <index>.png masks", t.spatial)
	}
	masks := map[int]*tensor.Tensor{}
	for _, i := range low {
		for _, ext := range []string{".json", ".png"} {
			p := filepath.Join(t.spatial, fmt.Sprintf("%d%s", i, ext))
			if _, err := os.Stat(p); err != nil {
				continue
			}
			var m *tensor.Tensor
			if ext == ".json" {
				m, err = doctor.ReadLabelme(p)
			} else {
				m, err = doctor.ReadMaskPNG(p)
			}
			if err != nil {
				return nil, err
			}
			masks[i] = m
		}
	}
	if len(masks) == 0 {
		return nil, fmt.Errorf("--masks %s: no <index>.json or <index>.png for any of the %d low-confidence images in sift.json", t.spatial, len(low))
	}
	return masks, nil
}
