package main

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/train"
)

// modelKeys are the settings that decide which inputs a trained model
// expects: weights trained with one of them changed see other data than
// they were trained on.
var modelKeys = []string{"model", "width", "size", "in-channels", "preprocess", "dataset"}

// modelSettings are the current values of modelKeys, formatted as the flag
// package formats them (so they compare equal to recorded settings).
func (m *modelFlags) modelSettings() map[string]string {
	return map[string]string{
		"model": m.model, "width": strconv.FormatFloat(m.width, 'g', -1, 64), "size": strconv.Itoa(m.size),
		"in-channels": strconv.Itoa(m.inChannels), "preprocess": m.preprocess, "dataset": m.dataset,
	}
}

// fitWeights checks weights against what train recorded in them, before
// any data is read: the model, its input size and channels, the
// preprocessing and the data set must be those it was trained with, and
// the normalisation defaults to the one it was trained with (the training
// split's statistics then, not this command's subset's). With strict, a
// mismatch is an error; otherwise a warning on standard error.
func (m *modelFlags) fitWeights(path string, strict bool) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("--weights %s: %v", path, unwrapPath(err))
	}
	rec, err := trainedWith(path)
	if err != nil || rec == nil {
		return err
	}
	was := &train.Provenance{Settings: only(rec.Settings, modelKeys...)}
	now := &train.Provenance{Settings: m.modelSettings()}
	changed := now.Changed(was)
	if mean, std := rec.Data["norm_mean"], rec.Data["norm_std"]; mean != "" && m.preprocess != "authors" {
		if m.mean == "" {
			if m.meanV, err = parseFloats("mean", mean); err == nil {
				m.stdV, err = parseFloats("std", std)
			}
			if err != nil {
				return fmt.Errorf("--weights %s: bad normalisation in its record: %v", path, err)
			}
		} else if formatFloats(m.meanV) != mean || formatFloats(m.stdV) != std {
			changed = append(changed, fmt.Sprintf("--mean %s --std %s (trained with %s and %s)", m.mean, m.std, mean, std))
		}
	}
	if len(changed) == 0 {
		return nil
	}
	msg := fmt.Sprintf("--weights %s was trained with other inputs: %s", path, strings.Join(changed, ", "))
	if strict {
		return fmt.Errorf("%s; give the settings it was trained with", msg)
	}
	fmt.Fprintf(os.Stderr, "warning: %s\n", msg)
	return nil
}

// loadWeights loads a weights file into model strictly and warns on
// standard error when it holds NaN or infinite values: such a model's
// accuracy is that of a constant guess, not of the trained network.
func loadWeights(path string, model nn.Module) error {
	if _, err := nn.LoadWeights(path, model, true); err != nil {
		if isCheckpoint(path) {
			return fmt.Errorf("--weights %s is a training checkpoint (model and optimizer state); give the run's final weights, NAME.safetensors beside it", path)
		}
		return err
	}
	if bad := nn.NonFinite(model); len(bad) > 0 {
		fmt.Fprintf(os.Stderr, "warning: %s holds NaN or infinite values in %s; its predictions are meaningless\n", path, summarizeNames(bad, 3))
	}
	return nil
}

// isCheckpoint reports whether path is a checkpoint written by train
// (its tensors are named model.* and optim.*).
func isCheckpoint(path string) bool {
	f, err := nn.ReadSafetensorsFile(path)
	if err != nil {
		return false
	}
	return slices.ContainsFunc(f.Tensors, func(t nn.SafetensorsTensor) bool { return strings.HasPrefix(t.Name, "optim.") })
}

// summarizeNames lists up to n of the tensors and says how many more
// there are.
func summarizeNames(bad []nn.NonFiniteTensor, n int) string {
	var parts []string
	for _, b := range bad[:min(n, len(bad))] {
		parts = append(parts, b.String())
	}
	if len(bad) > n {
		parts = append(parts, fmt.Sprintf("and %d more tensors", len(bad)-n))
	}
	return strings.Join(parts, "; ")
}
