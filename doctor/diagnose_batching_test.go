package doctor

import (
	"math"
	"testing"

	"github.com/modeldoctor/modeldoctor/data"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
	"github.com/modeldoctor/modeldoctor/zoo"
)

// authorsRaw aggregates as the authors' grad_calculate.py does: shuffled
// batches of batch mixed-class images, each image's relu(G) carrying the
// batch's 1/B, summed into its class's row.
func authorsRaw(t *testing.T, m nn.Module, layer string, ds *data.Dataset, classes, batch int) [][]float64 {
	t.Helper()
	raw := make([][]float64, classes)
	loader := data.NewLoader(ds, data.LoaderOptions{BatchSize: batch, Shuffle: true, Seed: 7})
	for i := range loader.NumBatches() {
		b := loader.Batch(0, i)
		if b.N != batch {
			t.Fatalf("batch %d has %d images; the comparison needs full batches", i, b.N)
		}
		logits, a, err := forwardCapturing(m, layer, constBatch(b))
		if err != nil {
			t.Fatal(err)
		}
		g := LabelLogitGradient(logits, a, b.Labels, false)
		p := tensor.Sum(tensor.Relu(g.Tensor()), []int{2, 3}, false) // [B, C]
		ch := p.Shape()[1]
		for j, y := range b.Labels {
			if raw[y] == nil {
				raw[y] = make([]float64, ch)
			}
			for c := range ch {
				raw[y][c] += float64(p.At(j, c))
			}
		}
	}
	return raw
}

// TestDiagnoseBatchingOnlyScalesRaw: our one batch per class (1/n_k) and
// the authors' mixed batches (1/B) give raw maps that differ by the factor
// B/n_k per class, and identical masks.
func TestDiagnoseBatchingOnlyScalesRaw(t *testing.T) {
	m, spec, err := zoo.New("alexnet", zoo.Config{Width: 1.0 / 16, Classes: 3, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	nn.SetTraining(m, false)
	perClass := []int{10, 4, 10} // unequal, so the factors differ by class
	ds := &data.Dataset{Name: "toy", C: 3, H: 32, W: 32, Classes: []string{"a", "b", "c"}}
	sifted := make([][]int, len(perClass))
	for k, n := range perClass {
		for range n {
			sifted[k] = append(sifted[k], ds.N)
			ds.Labels = append(ds.Labels, k)
			ds.N++
		}
	}
	ds.Images = tensor.Uniform(tensor.NewRNG(5), -2, 2, ds.N, 3, 32, 32).Data()
	const batch = 8 // 24 images: three full batches
	layer := spec.CaptureLayer()
	ours, err := Diagnose(m, layer, ds, nil, sifted, 0.2)
	if err != nil {
		t.Fatal(err)
	}
	theirs := authorsRaw(t, m, layer, ds, len(perClass), batch)
	_, theirMask := NormalizeAndThreshold(theirs, 0.2)
	for k, n := range perClass {
		factor := float64(batch) / float64(n)
		for c, v := range theirs[k] {
			if want := v * factor; math.Abs(ours.Raw[k][c]-want) > 1e-5*math.Abs(want)+1e-12 {
				t.Errorf("class %d channel %d: raw %g, authors' ×B/n_k %g", k, c, ours.Raw[k][c], want)
			}
			if ours.Mask[k][c] != theirMask[k][c] {
				t.Errorf("class %d channel %d: mask %d, authors' %d", k, c, ours.Mask[k][c], theirMask[k][c])
			}
		}
	}
	if sp := ours.Sparsity(); sp[0] == 0 || sp[0] == 1 {
		t.Fatalf("class 0's mask is all %v: the comparison says nothing", sp[0])
	}
}
