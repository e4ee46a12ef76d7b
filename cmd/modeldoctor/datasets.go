package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/modeldoctor/modeldoctor/data"
)

// datasetSpec is a data set loaded for training: the splits and the
// transforms that turn its images into model inputs.
type datasetSpec struct {
	Name        string
	Train, Test *data.Dataset
	// Eval is the test-time transform (resize, channels, normalise);
	// TrainAug adds the training augmentation.
	Eval, TrainAug data.Transform
	// C, H, W is the shape the transforms give: the model's input.
	C, H, W int
	// Mean and Std are the normalisation constants used.
	Mean, Std []float32
}

// datasetNames is what --dataset accepts.
const datasetNames = "mnist, fashion-mnist, cifar10, cifar100 or folder:PATH (with train/ and test/ inside)"

// checkDatasetName refuses an unknown --dataset before anything is loaded.
func checkDatasetName(name string) error {
	switch name {
	case "mnist", "fashion-mnist", "cifar10", "cifar100":
		return nil
	}
	if strings.HasPrefix(name, "folder:") && len(name) > len("folder:") {
		return nil
	}
	return fmt.Errorf("--dataset %q: want %s", name, datasetNames)
}

// loadSplits reads the training and test splits. An image folder's test
// split is read with the training split's class list, so labels match by
// class name and a class the training split lacks is an error.
func loadSplits(name, dir string, size int) (train, test *data.Dataset, augment bool, err error) {
	switch {
	case name == "mnist":
		if train, err = data.LoadMNIST(dir, true); err == nil {
			test, err = data.LoadMNIST(dir, false)
		}
	case name == "fashion-mnist":
		if train, err = data.LoadFashionMNIST(dir, true); err == nil {
			test, err = data.LoadFashionMNIST(dir, false)
		}
	case name == "cifar10" || name == "cifar100":
		load := data.LoadCIFAR10
		if name == "cifar100" {
			load = data.LoadCIFAR100
		}
		if train, err = load(dir, true); err == nil {
			test, err = load(dir, false)
		}
		augment = true
	case strings.HasPrefix(name, "folder:"):
		root := strings.TrimPrefix(name, "folder:")
		opts := data.ImageFolderOptions{H: size, W: size}
		if train, err = data.LoadImageFolder(root+"/train", opts); err == nil {
			opts.Classes = train.Classes
			test, err = data.LoadImageFolder(root+"/test", opts)
		}
		augment = true
	default:
		err = fmt.Errorf("--dataset %q: want %s", name, datasetNames)
	}
	return train, test, augment, err
}

// loadDataset loads the data set of m and builds its transforms: the
// authors' preprocessing with --preprocess authors, otherwise a resize to
// --size, gray replicated to --in-channels 3 where asked, and normalisation
// with --mean/--std or the training split's own statistics.
func loadDataset(m *modelFlags) (*datasetSpec, error) {
	train, test, augment, err := loadSplits(m.dataset, m.dataDir, m.size)
	if err != nil {
		return nil, err
	}
	if k := train.NumClasses(); k < 2 {
		return nil, fmt.Errorf("--dataset %s: %d class in the training split; a classifier needs at least 2", m.dataset, k)
	}
	if m.limit > 0 && m.limit < train.N {
		if train, err = data.StratifiedLimit(train, m.limit, m.seed); err != nil {
			return nil, fmt.Errorf("--limit %d: %v", m.limit, err)
		}
	}
	spec := &datasetSpec{Name: m.dataset, Train: train, Test: test, H: m.size, W: m.size}
	if m.preprocess == "authors" {
		eval, aug, err := data.AuthorsPreprocess(m.dataset)
		if err != nil {
			return nil, fmt.Errorf("--preprocess authors: %v", err)
		}
		spec.Eval, spec.TrainAug, spec.C = eval, aug, 3
		return spec, nil
	}
	c := train.C
	var channels data.Transform
	switch {
	case m.inChannels == 0 || m.inChannels == c:
	case m.inChannels == 3 && c == 1:
		channels, c = data.GrayToRGB{}, 3
	default:
		return nil, fmt.Errorf("--in-channels %d: %s has %d-channel images (gray can be replicated to 3 channels, nothing else)", m.inChannels, m.dataset, c)
	}
	spec.C = c
	spec.Mean, spec.Std = m.meanV, m.stdV
	if spec.Mean == nil {
		spec.Mean, spec.Std = data.Stats(train)
	}
	if len(spec.Mean) != 1 && len(spec.Mean) != c {
		return nil, fmt.Errorf("--mean/--std: %d values for %d-channel inputs (give 1 or %d)", len(spec.Mean), c, c)
	}
	for i, s := range spec.Std {
		if !(s > 0) {
			return nil, fmt.Errorf("--std: channel %d of %s has no variation (std %g); give --mean and --std", i, m.dataset, s)
		}
	}
	resize := data.Resize{H: m.size, W: m.size}
	norm := data.Normalize{Mean: spec.Mean, Std: spec.Std}
	if len(spec.Mean) == 1 && c == 3 && train.C == 1 {
		// Statistics of the gray channel serve the three copies.
		norm = data.Normalize{Mean: repeat(spec.Mean[0], 3), Std: repeat(spec.Std[0], 3)}
	}
	eval := data.Compose{resize}
	if channels != nil {
		eval = append(eval, channels)
	}
	spec.Eval = append(eval, norm)
	spec.TrainAug = spec.Eval
	if augment {
		aug := data.Compose{resize, data.RandomCrop{H: m.size, W: m.size, Padding: 4}, data.RandomHorizontalFlip{P: 0.5}}
		if channels != nil {
			aug = append(aug, channels)
		}
		spec.TrainAug = append(aug, norm)
	}
	return spec, nil
}

func repeat(v float32, n int) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// parseFloats parses a comma-separated list of numbers for flag name.
func parseFloats(name, s string) ([]float32, error) {
	if s == "" {
		return nil, nil
	}
	var out []float32
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 32)
		if err != nil {
			return nil, fmt.Errorf("--%s %q: want comma-separated numbers, e.g. 0.1307 or 0.49,0.48,0.45", name, s)
		}
		out = append(out, float32(v))
	}
	return out, nil
}
