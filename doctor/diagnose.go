package doctor

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/modeldoctor/modeldoctor/autograd"
	"github.com/modeldoctor/modeldoctor/data"
	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
	"github.com/modeldoctor/modeldoctor/train"
)

// Diagnosis is the class × channel map of a model at its doctor layer.
type Diagnosis struct {
	Model    string   `json:"model"`
	Layer    string   `json:"layer"`
	Dataset  string   `json:"dataset"`
	N        int      `json:"images_per_class"`
	Theta    float64  `json:"theta"`
	Classes  []string `json:"classes"`
	Channels int      `json:"channels"`
	// Raw[k][c] = Σ over class k's images Σ_{h,w} relu(G[b,c,h,w]).
	Raw [][]float64 `json:"raw"`
	// Norm is Raw min-max normalised per class: (a − min)/(max − min + 1e-5).
	Norm [][]float64 `json:"normalized"`
	// Mask[k][c] is 1 where Norm[k][c] > Theta: the channels class k relies on.
	Mask     [][]int           `json:"mask"`
	Versions map[string]string `json:"versions"`
	Created  string            `json:"created"`
	// Provenance, set by the caller, records the settings and data the
	// diagnosis came from, so a later stage can check it fits.
	Provenance *train.Provenance `json:"provenance,omitempty"`
}

// Diagnose computes the diagnosis of m at layer from the sifted images of
// ds (per class, as Sift's High), each passed through transform. The model
// runs in eval mode, so images do not influence each other, and one batch
// per class keeps the 1/B scale of the gradient target constant within a
// class. A model on a device (nn.ToDevice) is diagnosed there: each
// class's batch is uploaded, its gradient map summed over images and
// positions on the device, and the C channel sums read back (one download
// per class); the class's device memory is freed before the next class.
func Diagnose(m nn.Module, layer string, ds *data.Dataset, transform data.Transform, sifted [][]int, theta float64) (*Diagnosis, error) {
	return DiagnoseWith(m, layer, ds, transform, sifted, theta, RunOptions{})
}

// DiagnoseWith is Diagnose with options (a progress bar over the classes).
func DiagnoseWith(m nn.Module, layer string, ds *data.Dataset, transform data.Transform, sifted [][]int, theta float64, o RunOptions) (*Diagnosis, error) {
	nn.SetTraining(m, false)
	bar := o.bar("diagnose", "class", len(sifted))
	defer bar.Done()
	d := &Diagnosis{Layer: layer, Theta: theta, Classes: ds.Classes}
	if len(d.Classes) == 0 {
		for k := range sifted {
			d.Classes = append(d.Classes, fmt.Sprint(k))
		}
	}
	dev := nn.DeviceOf(m) // each class's batch goes where the model is
	for k, idx := range sifted {
		d.N = max(d.N, len(idx))
		var row []float64
		if len(idx) > 0 {
			var err error
			row, err = classChannelGradient(m, layer, ds, transform, idx, k, dev)
			if err != nil {
				return nil, err
			}
			d.Channels = len(row)
		}
		d.Raw = append(d.Raw, row)
		bar.StepNote(className(d.Classes, k))
	}
	if d.Channels == 0 {
		return nil, fmt.Errorf("no sifted images: nothing to diagnose")
	}
	for k := range d.Raw {
		if d.Raw[k] == nil { // a class with no correct image
			d.Raw[k] = make([]float64, d.Channels)
		}
	}
	d.Norm, d.Mask = NormalizeAndThreshold(d.Raw, theta)
	d.Versions = train.Versions()
	d.Created = time.Now().UTC().Format(time.RFC3339)
	return d, nil
}

// className is the name of class k, or its number where names run short.
func className(names []string, k int) string {
	if k < len(names) {
		return names[k]
	}
	return fmt.Sprint(k)
}

// classChannelGradient returns Σ_b Σ_{h,w} relu(∂[(1/B)Σ_b z[b,k]]/∂A) for
// the images idx, all of class k, on device dev (the model's).
func classChannelGradient(m nn.Module, layer string, ds *data.Dataset, transform data.Transform, idx []int, k int, dev tensor.Device) ([]float64, error) {
	sub := data.Subset(ds, idx)
	loader := data.NewLoader(sub, data.LoaderOptions{BatchSize: len(idx), Transform: transform})
	b := loader.Batch(0, 0)
	labels := make([]int, len(idx))
	for i := range labels {
		labels[i] = k
	}
	if dev != tensor.Host {
		return channelGradientOnDevice(m, layer, b, labels, dev)
	}
	logits, a, err := forwardCapturing(m, layer, autograd.Const(train.BatchTensor(b)))
	if err != nil {
		return nil, err
	}
	g := LabelLogitGradient(logits, a, labels, false)
	p := tensor.Sum(tensor.Relu(g.Tensor()), []int{0, 2, 3}, false)
	return channelRow(p.Data()), nil
}

// channelGradientOnDevice is classChannelGradient's computation on device
// dev, in the same order: the batch is uploaded, relu(G) summed over
// images and positions there, and only the C sums read back (one
// download). Every device tensor of the class is freed before it returns.
func channelGradientOnDevice(m nn.Module, layer string, b data.Batch, labels []int, dev tensor.Device) ([]float64, error) {
	scope := tensor.OpenScope()
	defer scope.Close()
	logits, a, err := forwardCapturing(m, layer, autograd.Const(train.BatchTensor(b).To(dev)))
	if err != nil {
		return nil, err
	}
	g := LabelLogitGradient(logits, a, labels, false)
	p := tensor.Sum(tensor.Relu(g.BorrowTensor()), []int{0, 2, 3}, false)
	return channelRow(p.To(tensor.Host).Data()), nil
}

// channelRow widens a class's channel sums to float64.
func channelRow(p []float32) []float64 {
	out := make([]float64, len(p))
	for c, v := range p {
		out[c] = float64(v)
	}
	return out
}

// NormalizeAndThreshold min-max normalises each class's row and marks the
// channels above theta.
func NormalizeAndThreshold(raw [][]float64, theta float64) (norm [][]float64, mask [][]int) {
	for _, row := range raw {
		lo, hi := row[0], row[0]
		for _, v := range row {
			lo, hi = min(lo, v), max(hi, v)
		}
		n := make([]float64, len(row))
		mk := make([]int, len(row))
		for c, v := range row {
			n[c] = (v - lo) / (hi - lo + 1e-5)
			if n[c] > theta {
				mk[c] = 1
			}
		}
		norm = append(norm, n)
		mask = append(mask, mk)
	}
	return norm, mask
}

// MaskTensor returns the mask as a [K, C] tensor of 0/1.
func (d *Diagnosis) MaskTensor() *tensor.Tensor {
	t := tensor.Zeros(len(d.Mask), d.Channels)
	for k, row := range d.Mask {
		for c, v := range row {
			t.Set(float32(v), k, c)
		}
	}
	return t
}

// Sparsity returns, per class, the fraction of channels in its mask.
func (d *Diagnosis) Sparsity() []float64 {
	out := make([]float64, len(d.Mask))
	for k, row := range d.Mask {
		n := 0
		for _, v := range row {
			n += v
		}
		out[k] = float64(n) / float64(max(d.Channels, 1))
	}
	return out
}

// Overlap returns the Jaccard index |A∩B|/|A∪B| between the channel sets
// of every pair of classes.
func (d *Diagnosis) Overlap() [][]float64 {
	k := len(d.Mask)
	out := make([][]float64, k)
	for i := range out {
		out[i] = make([]float64, k)
		for j := range out[i] {
			inter, union := 0, 0
			for c := range d.Mask[i] {
				a, b := d.Mask[i][c] == 1, d.Mask[j][c] == 1
				if a && b {
					inter++
				}
				if a || b {
					union++
				}
			}
			if union > 0 {
				out[i][j] = float64(inter) / float64(union)
			}
		}
	}
	return out
}

// Save writes the diagnosis as JSON, atomically.
func (d *Diagnosis) Save(path string) error {
	b, err := json.MarshalIndent(d, "", " ")
	if err != nil {
		return err
	}
	return nn.WriteFileAtomic(path, b)
}

// LoadDiagnosis reads a diagnosis file and checks that it is consistent.
func LoadDiagnosis(path string) (*Diagnosis, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var d Diagnosis
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("%s: not a diagnosis file: %v", path, err)
	}
	if len(d.Mask) == 0 || d.Channels <= 0 || len(d.Raw) != len(d.Mask) {
		return nil, fmt.Errorf("%s: diagnosis has no mask (classes %d, channels %d)", path, len(d.Mask), d.Channels)
	}
	for k, row := range d.Mask {
		if len(row) != d.Channels || len(d.Raw[k]) != d.Channels {
			return nil, fmt.Errorf("%s: class %d has %d mask entries, want %d channels", path, k, len(row), d.Channels)
		}
	}
	return &d, nil
}
