package data

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// CIFAR "binary version" files are fixed-size records: label byte(s), then
// a 32×32 image as 1024 red, 1024 green, 1024 blue bytes (already CHW).
// CIFAR-10 records have one label byte; CIFAR-100 records have a coarse
// (20 superclasses) then a fine (100 classes) label byte. We keep the fine.

const (
	cifarSide   = 32
	cifarPixels = 3 * cifarSide * cifarSide
)

// CIFAR10Classes and CIFAR100Classes are the label names used when the
// directory lacks batches.meta.txt / fine_label_names.txt.
var (
	CIFAR10Classes  = []string{"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"}
	CIFAR100Classes = strings.Fields(`apple aquarium_fish baby bear beaver bed bee beetle bicycle bottle
		bowl boy bridge bus butterfly camel can castle caterpillar cattle
		chair chimpanzee clock cloud cockroach couch crab crocodile cup dinosaur
		dolphin elephant flatfish forest fox girl hamster house kangaroo keyboard
		lamp lawn_mower leopard lion lizard lobster man maple_tree motorcycle mountain
		mouse mushroom oak_tree orange orchid otter palm_tree pear pickup_truck pine_tree
		plain plate poppy porcupine possum rabbit raccoon ray road rocket
		rose sea seal shark shrew skunk skyscraper snail snake spider
		squirrel streetcar sunflower sweet_pepper table tank telephone television tiger tractor
		train trout tulip turtle wardrobe whale willow_tree wolf woman worm`)
)

// cifarFormat describes one of the two record layouts.
type cifarFormat struct {
	name       string
	labelBytes int // label bytes before the pixels; the last one is used
	numClasses int
	subdir     string // folder name inside the official tarball
	train      []string
	test       []string
	namesFile  string
	classes    []string
}

var (
	cifar10 = cifarFormat{
		name: "CIFAR-10", labelBytes: 1, numClasses: 10, subdir: "cifar-10-batches-bin",
		train:     []string{"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"},
		test:      []string{"test_batch.bin"},
		namesFile: "batches.meta.txt", classes: CIFAR10Classes,
	}
	cifar100 = cifarFormat{
		name: "CIFAR-100", labelBytes: 2, numClasses: 100, subdir: "cifar-100-binary",
		train: []string{"train.bin"}, test: []string{"test.bin"},
		namesFile: "fine_label_names.txt", classes: CIFAR100Classes,
	}
)

// LoadCIFAR10 loads the CIFAR-10 binary version from dir, which may be the
// extracted cifar-10-batches-bin folder or its parent. There is no default
// location: no package on this platform ships CIFAR.
func LoadCIFAR10(dir string, train bool) (*Dataset, error) { return loadCIFAR(cifar10, dir, train) }

// LoadCIFAR100 loads the CIFAR-100 binary version (fine labels) from dir,
// the extracted cifar-100-binary folder or its parent.
func LoadCIFAR100(dir string, train bool) (*Dataset, error) { return loadCIFAR(cifar100, dir, train) }

// ParseCIFAR10 parses the records of one CIFAR-10 batch file from r; name
// is used in error messages.
func ParseCIFAR10(r io.Reader, name string) (*Dataset, error) { return parseCIFAR(cifar10, r, name) }

// ParseCIFAR100 parses the records of one CIFAR-100 file (fine labels).
func ParseCIFAR100(r io.Reader, name string) (*Dataset, error) { return parseCIFAR(cifar100, r, name) }

func loadCIFAR(f cifarFormat, dir string, train bool) (*Dataset, error) {
	files := f.test
	if train {
		files = f.train
	}
	if dir == "" {
		return nil, notFound("%s has no default location: download the binary version, extract it, and pass --data DIR", f.name)
	}
	root := dir
	if _, err := os.Stat(filepath.Join(dir, f.subdir, files[0])); err == nil {
		root = filepath.Join(dir, f.subdir)
	}
	for _, fn := range files {
		if _, err := os.Stat(filepath.Join(root, fn)); err != nil {
			return nil, notFound("%s not found in %s: want %s (the extracted binary version, folder %s) or pass --data DIR",
				f.name, dir, strings.Join(files, ", "), f.subdir)
		}
	}
	ds := &Dataset{Name: f.name, C: 3, H: cifarSide, W: cifarSide, Classes: readClassNames(filepath.Join(root, f.namesFile), f.classes)}
	for _, fn := range files {
		part, err := readCIFARFile(f, filepath.Join(root, fn))
		if err != nil {
			return nil, err
		}
		ds.Pixels = append(ds.Pixels, part.Pixels...)
		ds.Labels = append(ds.Labels, part.Labels...)
		ds.N += part.N
	}
	return ds, ds.Validate()
}

func readCIFARFile(f cifarFormat, path string) (*Dataset, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	defer fh.Close()
	return parseCIFAR(f, fh, path)
}

func parseCIFAR(f cifarFormat, r io.Reader, name string) (*Dataset, error) {
	buf, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("data: %s: read error: %w", name, err)
	}
	rec := f.labelBytes + cifarPixels
	if len(buf) == 0 {
		return nil, &FormatError{name, "empty file: no " + f.name + " records"}
	}
	if len(buf)%rec != 0 {
		return nil, &FormatError{name, fmt.Sprintf("truncated or wrong format: %d bytes is not a whole number of %d-byte %s records (%d full records + %d bytes)",
			len(buf), rec, f.name, len(buf)/rec, len(buf)%rec)}
	}
	n := len(buf) / rec
	ds := &Dataset{Name: name, N: n, C: 3, H: cifarSide, W: cifarSide, Classes: f.classes,
		Pixels: make([]uint8, n*cifarPixels), Labels: make([]int, n)}
	for i := range n {
		r := buf[i*rec : (i+1)*rec]
		if f.labelBytes == 2 && r[0] >= 20 {
			return nil, &FormatError{name, fmt.Sprintf("record %d: coarse label %d outside [0,20): not a %s file?", i, r[0], f.name)}
		}
		l := int(r[f.labelBytes-1])
		if l >= f.numClasses {
			return nil, &FormatError{name, fmt.Sprintf("record %d: label %d outside [0,%d): not a %s file?", i, l, f.numClasses, f.name)}
		}
		ds.Labels[i] = l
		copy(ds.Pixels[i*cifarPixels:], r[f.labelBytes:])
	}
	return ds, nil
}

// readClassNames reads one name per line, falling back to def when the
// file is missing or does not list exactly len(def) names.
func readClassNames(path string, def []string) []string {
	b, err := os.ReadFile(path)
	if err != nil {
		return def
	}
	var names []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			names = append(names, l)
		}
	}
	if len(names) != len(def) {
		return def
	}
	return names
}
