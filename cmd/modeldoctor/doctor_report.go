package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/modeldoctor/modeldoctor/doctor"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/train"
)

func runReport(args []string) error {
	s, err := parseSession("report", args, nil)
	if err != nil {
		return err
	}
	treated, err := readHistory(s.path("treated.metrics.jsonl"))
	if err != nil {
		return err
	}
	control, err := readHistory(s.path("control.metrics.jsonl"))
	if err != nil {
		return err
	}
	page, err := s.report(treated, control)
	if err != nil {
		return err
	}
	fmt.Printf("report: %s\n", page)
	return nil
}

// report diagnoses the treated model again and writes the report. The
// treatment's settings (α, β, lr, schedule, epochs) come from the treated
// run's own record, never from this command's flags.
func (s *session) report(treated, control []train.EpochRecord) (string, error) {
	run, err := s.finishedTreatment(treated, control)
	if err != nil {
		return "", err
	}
	before, err := s.loadDiagnosis()
	if err != nil {
		return "", err
	}
	tm, _, err := s.f.newModel(s.ds)
	if err != nil {
		return "", err
	}
	if _, err := nn.LoadWeights(s.path("treated.safetensors"), tm, true); err != nil {
		return "", err
	}
	after, err := s.diagnose(tm, "diagnosis_treated.json", "heatmap_treated.png", doctor.ChannelOrder(before.Norm))
	if err != nil {
		return "", err
	}
	baseline := evaluateOn(s.f.dev, s.model, func() train.Metrics {
		return train.Evaluate(s.model, s.f.loader(s.ds.Test, s.ds.Eval, false), s.classes())
	})
	num := func(k string) float64 {
		var v float64
		fmt.Sscan(run.Setting(k), &v)
		return v
	}
	sum := doctor.Summary{
		Model: s.f.model, Layer: s.layer, Dataset: s.f.dataset, Classes: before.Classes,
		Alpha: num("alpha"), Beta: num("beta"), Theta: s.f.theta, Epochs: len(treated), LR: num("lr"), Schedule: run.Setting("schedule"),
		Seed: s.f.seed, Baseline: baseline, Provenance: run,
	}
	return doctor.WriteReport(s.f.out, doctor.ReportInput{Summary: sum, Before: before, After: after, Treated: treated, Control: control})
}

// finishedTreatment returns the treated run's record after checking that
// the files report reads belong together: made from this session's model,
// data and diagnosis settings, the control run with the same settings,
// both histories complete, and treated.safetensors written by the run the
// record describes (not left by an earlier one).
func (s *session) finishedTreatment(treated, control []train.EpochRecord) (*train.Provenance, error) {
	run, err := train.ReadProvenance(s.path("treated.provenance.json"))
	if err != nil {
		return nil, fmt.Errorf("%v (run \"modeldoctor treat\" first)", err)
	}
	if err := s.checkMade("treated.provenance.json", run, diagnoseKeys, "treat"); err != nil {
		return nil, err
	}
	ctl, err := train.ReadProvenance(s.path("control.provenance.json"))
	if err != nil {
		return nil, fmt.Errorf("%v (run \"modeldoctor treat\" first)", err)
	}
	if changed := ctl.Changed(run); len(changed) > 0 {
		return nil, fmt.Errorf("%s: the control was run with other settings than the treated run: %s; rerun \"modeldoctor treat\"", s.path("control.provenance.json"), strings.Join(changed, ", "))
	}
	epochs := run.Setting("epochs")
	for _, h := range []struct {
		name string
		recs []train.EpochRecord
	}{{"treated", treated}, {"control", control}} {
		if fmt.Sprint(len(h.recs)) != epochs {
			return nil, fmt.Errorf("%s: %d epochs of the %s epochs treat was run for (interrupted? \"modeldoctor treat --resume\" finishes it)", s.path(h.name+".metrics.jsonl"), len(h.recs), epochs)
		}
	}
	w, err := trainedWith(s.path("treated.safetensors"))
	if err != nil {
		return nil, err
	}
	if w == nil || w.Created != run.Created {
		return nil, fmt.Errorf("%s was not written by the treatment in %s (interrupted? \"modeldoctor treat --resume\" finishes it)", s.path("treated.safetensors"), s.path("treated.provenance.json"))
	}
	return run, nil
}

func readHistory(path string) ([]train.EpochRecord, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%v (run \"modeldoctor treat\" first)", err)
	}
	var h []train.EpochRecord
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var r train.EpochRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			return nil, fmt.Errorf("%s: line %d: %v", path, i+1, err)
		}
		h = append(h, r)
	}
	if len(h) == 0 {
		return nil, fmt.Errorf("%s: no epochs", path)
	}
	return h, nil
}
