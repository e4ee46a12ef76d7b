package doctor

import (
	"math"
	"reflect"
	"testing"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/data"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
	"github.com/modeldoctor/modeldoctor/tensor/devicetest"
)

// Sift and Diagnose on the fake device (no kernels: every op runs tensor's
// host code on counted copies) must give the host's bits, free every
// batch's device memory, and copy nothing but each batch up and what the
// algorithm reads back: Sift a batch's softmax probabilities, Diagnose a
// class's channel sums.

const (
	siftImages = 10
	siftBatch  = 4 // batches of 4, 4 and 2
)

// siftData is a data set of siftImages images for tc whose even images are
// labelled with the host model's prediction (so that Sift has correct
// images to rank) and odd ones with another class (mistakes).
func (tc treatCase) siftData() *data.Dataset {
	ds := &data.Dataset{Name: "noise", N: siftImages, C: tc.c, H: tc.h, W: tc.w}
	ds.Images = tensor.Uniform(tensor.NewRNG(5), -1, 1, siftImages*tc.c*tc.h*tc.w).Data()
	m := tc.model()
	nn.SetTraining(m, false)
	var pred []float32
	autograd.NoGrad(func() {
		x := tensor.New(ds.Images, siftImages, tc.c, tc.h, tc.w)
		pred = tensor.ArgMax(nn.Forward(m, autograd.Const(x)).Tensor(), 1, false).Data()
	})
	for i, p := range pred {
		ds.Labels = append(ds.Labels, (int(p)+i%2)%tc.k)
	}
	return ds
}

// sifted picks images of three classes, unevenly, and leaves the others
// empty (classes Diagnose skips).
func (tc treatCase) sifted() [][]int {
	s := make([][]int, tc.k)
	s[0], s[1], s[3] = []int{0, 4, 7}, []int{2, 9}, []int{5}
	return s
}

// onFake returns a fresh model of tc on dev and the fake's live buffers
// with it there.
func (tc treatCase) onFake(f *devicetest.Fake) (nn.Module, int) {
	m := tc.model()
	nn.ToDevice(m, f.Device())
	return m, f.Live()
}

func TestSiftOnDeviceMatchesHost(t *testing.T) {
	f := devicetest.Register(t, "fake:0")
	for _, tc := range treatCases {
		ds := tc.siftData()
		loader := data.NewLoader(ds, data.LoaderOptions{BatchSize: siftBatch})
		want := Sift(tc.model(), loader, tc.k, 2, 3)
		ranked := 0 // classes with two correct images or more, ranked
		for _, h := range want.High {
			if len(h) > 1 {
				ranked++
			}
		}
		if ranked == 0 {
			t.Fatalf("%s: no class has two correct images (%v): the test would not see High's order", tc.name, want)
		}

		m, live := tc.onFake(f)
		tensor.ResetTransfers()
		got := Sift(m, loader, tc.k, 2, 3)
		s := tensor.Transfers()
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: sift on the device %+v, on the host %+v", tc.name, got, want)
		}
		if f.Live() != live {
			t.Errorf("%s: %d device buffers live after Sift, %d before", tc.name, f.Live(), live)
		}
		// One upload per batch (the images), one download per batch (its
		// probabilities, B×K).
		batches := int64(loader.NumBatches())
		if s.Uploads != batches || s.UploadElems != int64(siftImages*tc.c*tc.h*tc.w) {
			t.Errorf("%s: %d uploads of %d values, want %d of %d (the batches)", tc.name, s.Uploads, s.UploadElems, batches, siftImages*tc.c*tc.h*tc.w)
		}
		if s.Downloads != batches || s.DownloadElems != int64(siftImages*tc.k) {
			t.Errorf("%s: %d downloads of %d values, want %d of %d (the probabilities)", tc.name, s.Downloads, s.DownloadElems, batches, siftImages*tc.k)
		}
		if len(s.Fallbacks) == 0 {
			t.Errorf("%s: no op ran on the device", tc.name)
		}
	}
}

func TestDiagnoseOnDeviceMatchesHost(t *testing.T) {
	f := devicetest.Register(t, "fake:0")
	for _, tc := range treatCases {
		ds := tc.siftData()
		sifted := tc.sifted()
		want, err := Diagnose(tc.model(), tc.layer, ds, nil, sifted, 0.2)
		if err != nil {
			t.Fatal(err)
		}

		m, live := tc.onFake(f)
		tensor.ResetTransfers()
		got, err := Diagnose(m, tc.layer, ds, nil, sifted, 0.2)
		if err != nil {
			t.Fatal(err)
		}
		s := tensor.Transfers()
		if got.Channels != tc.channels || want.Channels != tc.channels {
			t.Fatalf("%s: %d channels on the device, %d on the host, want %d", tc.name, got.Channels, want.Channels, tc.channels)
		}
		for k := range want.Raw {
			for c := range want.Raw[k] {
				if g, w := got.Raw[k][c], want.Raw[k][c]; math.Float64bits(g) != math.Float64bits(w) {
					t.Fatalf("%s: raw[%d][%d] = %v on the device, %v on the host", tc.name, k, c, g, w)
				}
				if g, w := got.Norm[k][c], want.Norm[k][c]; math.Float64bits(g) != math.Float64bits(w) {
					t.Fatalf("%s: norm[%d][%d] = %v on the device, %v on the host", tc.name, k, c, g, w)
				}
			}
		}
		if !reflect.DeepEqual(got.Mask, want.Mask) {
			t.Fatalf("%s: mask on the device %v, on the host %v", tc.name, got.Mask, want.Mask)
		}
		if want.Raw[0][0] == 0 && want.Raw[0][1] == 0 {
			t.Fatalf("%s: class 0's raw map starts with zeros (%v): the test would not see it", tc.name, want.Raw[0])
		}
		if f.Live() != live {
			t.Errorf("%s: %d device buffers live after Diagnose, %d before", tc.name, f.Live(), live)
		}
		// One upload per class with images (its batch), one download per
		// such class (its C channel sums, accumulated on the device).
		var classes, images int64
		for _, idx := range sifted {
			if len(idx) > 0 {
				classes++
				images += int64(len(idx))
			}
		}
		if n := images * int64(tc.c*tc.h*tc.w); s.Uploads != classes || s.UploadElems != n {
			t.Errorf("%s: %d uploads of %d values, want %d of %d (a batch per class)", tc.name, s.Uploads, s.UploadElems, classes, n)
		}
		if n := classes * int64(tc.channels); s.Downloads != classes || s.DownloadElems != n {
			t.Errorf("%s: %d downloads of %d values, want %d of %d (a class's channel sums)", tc.name, s.Downloads, s.DownloadElems, classes, n)
		}
		if len(s.Fallbacks) == 0 {
			t.Errorf("%s: no op ran on the device", tc.name)
		}
	}
}
