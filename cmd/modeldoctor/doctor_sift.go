package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/modeldoctor/modeldoctor/doctor"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
	"github.com/modeldoctor/modeldoctor/train"
)

func runSift(args []string) error {
	s, err := parseSession("sift", args, nil)
	if err != nil {
		return err
	}
	_, err = s.sift()
	return err
}

// siftFile is sift.json: the sifted indices and what they refer to.
type siftFile struct {
	Provenance *train.Provenance `json:"provenance"`
	doctor.SiftResult
}

func (s *session) sift() (doctor.SiftResult, error) {
	// On --device's device: the model moves there for the pass and back.
	r := evaluateOn(s.f.dev, s.model, func() doctor.SiftResult {
		return doctor.SiftWith(s.model, s.f.loader(s.train, s.ds.Eval, false), s.classes(), s.f.nHigh, s.f.nLow, s.runOptions())
	})
	tensor.TrimPool() // the next stage has other shapes
	b, err := json.Marshal(siftFile{Provenance: recordDevice(s.provenance("sift", siftKeys), s.f.dev), SiftResult: r})
	if err != nil {
		return r, err
	}
	if err := nn.WriteFileAtomic(s.path("sift.json"), b); err != nil {
		return r, err
	}
	n := 0
	var empty []string
	for k, h := range r.High {
		n += len(h)
		if len(h) == 0 {
			empty = append(empty, className(s.ds.Train.Classes, k))
		}
	}
	fmt.Fprintf(os.Stderr, "sifted %d high-confidence images (≤ %d per class) into %s\n", n, s.f.nHigh, s.path("sift.json"))
	if len(empty) > 0 {
		fmt.Fprintf(os.Stderr, "warning: no correctly classified training image for class %s: the diagnosis has nothing to go on there\n", strings.Join(empty, ", "))
	}
	return r, nil
}

func className(names []string, k int) string {
	if k < len(names) {
		return names[k]
	}
	return fmt.Sprint(k)
}

func (s *session) loadSift() (doctor.SiftResult, error) {
	var f siftFile
	b, err := os.ReadFile(s.path("sift.json"))
	if os.IsNotExist(err) {
		return s.sift()
	}
	if err != nil {
		return f.SiftResult, err
	}
	if err := json.Unmarshal(b, &f); err != nil || len(f.High) != s.classes() {
		return f.SiftResult, fmt.Errorf("%s: not a sift file for %d classes (rerun \"modeldoctor sift\")", s.path("sift.json"), s.classes())
	}
	if err := s.checkMade("sift.json", f.Provenance, siftKeys, "sift"); err != nil {
		return f.SiftResult, err
	}
	for _, lists := range [][][]int{f.High, f.Low} {
		for _, idx := range lists {
			for _, i := range idx {
				if i < 0 || i >= s.train.N {
					return f.SiftResult, fmt.Errorf("%s: image index %d out of range for %d training images", s.path("sift.json"), i, s.train.N)
				}
			}
		}
	}
	return f.SiftResult, nil
}

func runDiagnose(args []string) error {
	s, err := parseSession("diagnose", args, nil)
	if err != nil {
		return err
	}
	_, err = s.diagnose(s.model, "diagnosis.json", "heatmap.png", nil)
	return err
}

// diagnose writes a diagnosis of m and its heat map and prints a summary.
func (s *session) diagnose(m nn.Module, file, png string, order []int) (*doctor.Diagnosis, error) {
	sift, err := s.loadSift()
	if err != nil {
		return nil, err
	}
	// On --device's device: the model moves there for the pass and back.
	var dg *doctor.Diagnosis
	err = evaluateOn(s.f.dev, m, func() (err error) {
		dg, err = doctor.DiagnoseWith(m, s.layer, s.train, s.ds.Eval, sift.High, s.f.theta, s.runOptions())
		return err
	})
	tensor.TrimPool()
	if err != nil {
		return nil, err
	}
	dg.Model, dg.Dataset = s.f.model, s.f.dataset
	dg.Provenance = recordDevice(s.provenance("diagnose", diagnoseKeys), s.f.dev)
	if m != s.model { // the treated model: the record names its weights
		dg.Provenance.Data = without(s.identity)
		dg.Provenance.Data["weights"] = stateFingerprint(m)
	}
	if err := dg.Save(s.path(file)); err != nil {
		return nil, err
	}
	if order == nil {
		order = doctor.ChannelOrder(dg.Norm)
	}
	if err := doctor.HeatmapPNG(s.path(png), dg, order); err != nil {
		return nil, err
	}
	sp := dg.Sparsity()
	ov := dg.Overlap()
	var mean float64
	pairs := 0
	for i := range ov {
		for j := i + 1; j < len(ov); j++ {
			mean += ov[i][j]
			pairs++
		}
	}
	fmt.Fprintf(os.Stderr, "diagnosed %s at %s (%d channels): %s, heat map %s\n", s.f.model, s.layer, dg.Channels, s.path(file), s.path(png))
	var parts []string
	for k, v := range sp {
		parts = append(parts, fmt.Sprintf("%s %.0f%%", dg.Classes[k], 100*v))
	}
	fmt.Fprintf(os.Stderr, "  channels per class (θ = %g): %s\n", s.f.theta, strings.Join(parts, ", "))
	if pairs > 0 {
		fmt.Fprintf(os.Stderr, "  mean overlap between two classes' channel sets (Jaccard): %.2f\n", mean/float64(pairs))
	}
	return dg, nil
}

// loadDiagnosis reads diagnosis.json and checks it was made from this
// session's model, weights, data and settings.
func (s *session) loadDiagnosis() (*doctor.Diagnosis, error) {
	dg, err := doctor.LoadDiagnosis(s.path("diagnosis.json"))
	if err != nil {
		return nil, fmt.Errorf("%v (run \"modeldoctor diagnose\" first)", err)
	}
	if err := s.checkMade("diagnosis.json", dg.Provenance, diagnoseKeys, "diagnose"); err != nil {
		return nil, err
	}
	return dg, nil
}
