package main

import (
	"fmt"
	"strings"

	"github.com/modeldoctor/modeldoctor/data"
)

// datasetSpec is a data set loaded for training: the splits and the
// transforms that turn its images into model inputs.
type datasetSpec struct {
	Name        string
	Train, Test *data.Dataset
	// Eval is the test-time transform (resize, normalise); TrainAug adds
	// the training augmentation.
	Eval, TrainAug data.Transform
	C, H, W        int
}

// loadDataset loads mnist, fashion-mnist, cifar10, cifar100 or
// folder:PATH, with dir overriding the default location. Images become
// size×size (32 by default, as the authors' code uses).
func loadDataset(name, dir string, size int) (*datasetSpec, error) {
	var train, test *data.Dataset
	var err error
	augment := false
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
			test, err = data.LoadImageFolder(root+"/test", opts)
		}
		augment = true
	default:
		return nil, fmt.Errorf("--dataset %q: want mnist, fashion-mnist, cifar10, cifar100 or folder:PATH (with train/ and test/ inside)", name)
	}
	if err != nil {
		return nil, err
	}
	mean, std := data.Stats(train)
	eval := data.Compose{data.Resize{H: size, W: size}, data.Normalize{Mean: mean, Std: std}}
	spec := &datasetSpec{Name: name, Train: train, Test: test, Eval: eval, TrainAug: eval, C: train.C, H: size, W: size}
	if augment {
		spec.TrainAug = data.Compose{data.Resize{H: size, W: size}, data.RandomCrop{H: size, W: size, Padding: 4},
			data.RandomHorizontalFlip{P: 0.5}, data.Normalize{Mean: mean, Std: std}}
	}
	return spec, nil
}
