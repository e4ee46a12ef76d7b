package data

import (
	"fmt"
	"strings"
)

// The preprocessing of the Model Doctor authors' PyTorch code
// (github.com/jiaconghu/model_doctor, loaders/*_loader.py), so weights
// trained there see the same inputs here. Their ImageDataset opens every
// image as RGB, so gray images become three equal channels; their Resize
// works on PIL images (PILResize); ToTensor gives byte/255, which is how
// this package's data sets already hold pixels.

// authorsPreset is one data set's loader: normalisation, the eval-time
// resize, and the training augmentation after the resize.
type authorsPreset struct {
	mean, std  []float32
	evalResize bool    // the test loader resizes too
	crop       int     // RandomCrop(32, padding=crop) when > 0
	hflip      bool    // RandomHorizontalFlip()
	rotate     float64 // RandomRotation(rotate) when > 0
	noResize   bool    // training does not resize either
}

var authorsPresets = map[string]authorsPreset{
	// mnist_loader.py: Resize((32, 32)), RandomCrop(32, padding=2).
	"mnist": {mean: []float32{0.1307}, std: []float32{0.3081}, evalResize: true, crop: 2},
	// fashion_mnist_loader.py: as MNIST, plus RandomHorizontalFlip().
	"fashion-mnist": {mean: []float32{0.286}, std: []float32{0.353}, evalResize: true, crop: 2, hflip: true},
	// cifar10_loader.py: the test loader does not resize; training's
	// Resize((32, 32)) changes nothing on 32×32 images.
	"cifar10": {mean: []float32{0.4914, 0.4822, 0.4465}, std: []float32{0.2023, 0.1994, 0.2010}, crop: 4, hflip: true},
	// cifar100_loader.py: no resize at all; RandomRotation(15) last.
	"cifar100": {mean: []float32{0.5070751592371323, 0.48654887331495095, 0.4409178433670343}, std: []float32{0.2673342858792401, 0.2564384629170883, 0.27615047132568404}, crop: 4, hflip: true, rotate: 15, noResize: true},
	// svhn_loader.py: Resize((32, 32)), RandomHorizontalFlip(), and the
	// Fashion-MNIST constants, as the authors' code has them.
	"svhn": {mean: []float32{0.286}, std: []float32{0.353}, evalResize: true, hflip: true},
}

// AuthorsPreprocess returns the authors' test-time transform and training
// augmentation for dataset ("mnist", "fashion-mnist" or "fashion_mnist",
// "cifar10", "cifar100", "svhn"). Both take 1- or 3-channel images with values
// byte/255 and give normalised 3×32×32 tensors; trainAug draws from its
// rng.
func AuthorsPreprocess(dataset string) (eval, trainAug Transform, err error) {
	name := strings.ReplaceAll(strings.ToLower(dataset), "_", "-")
	p, ok := authorsPresets[name]
	if !ok {
		return nil, nil, fmt.Errorf("data: no preprocessing of the Model Doctor authors for data set %q (known: mnist, fashion-mnist, cifar10, cifar100, svhn)", dataset)
	}
	norm := Normalize{Mean: p.mean, Std: p.std}
	resize := PILResize{H: 32, W: 32}
	ev := Compose{GrayToRGB{}}
	if p.evalResize {
		ev = append(ev, resize)
	}
	ev = append(ev, norm)
	tr := Compose{GrayToRGB{}}
	if !p.noResize {
		tr = append(tr, resize)
	}
	if p.crop > 0 {
		tr = append(tr, RandomCrop{H: 32, W: 32, Padding: p.crop})
	}
	if p.hflip {
		tr = append(tr, RandomHorizontalFlip{P: 0.5})
	}
	if p.rotate > 0 {
		tr = append(tr, RandomRotation{Degrees: p.rotate})
	}
	tr = append(tr, norm)
	return ev, tr, nil
}
