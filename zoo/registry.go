package zoo

import (
	"fmt"
	"sort"

	"github.com/modeldoctor/modeldoctor/nn"
	"github.com/modeldoctor/modeldoctor/tensor"
)

// Config selects a model's size. Zero values mean the reference: 10
// classes, 3 input channels, width 1.
type Config struct {
	Classes    int
	InChannels int
	// Width scales channel counts where the architecture has a width
	// multiplier (for fast CPU experiments); 1 is the reference network.
	Width float64
	// Seed seeds the parameter initialisation.
	Seed uint64
}

func (c Config) norm() Config {
	if c.Classes == 0 {
		c.Classes = 10
	}
	if c.InChannels == 0 {
		c.InChannels = 3
	}
	if c.Width == 0 {
		c.Width = 1
	}
	return c
}

// Spec describes a registered model.
type Spec struct {
	Name string
	// DoctorLayer is the dotted name of the convolution whose output Model
	// Doctor constrains (taken before the batch norm that follows it).
	DoctorLayer string
	// CaptureAt, where set, names the module whose output stands for
	// DoctorLayer's when the gradient is taken. The authors' PyTorch hooks
	// the convolution, but where an in-place op follows it (AlexNet's
	// nn.ReLU(inplace=True)) that op overwrites the hooked tensor and
	// rebases its autograd history, so their gradient is in effect taken
	// at the op's output. Empty: DoctorLayer itself.
	CaptureAt string
	// HasWidth reports whether Config.Width changes the network.
	HasWidth bool
	// Build constructs the network for a normalised config, drawing
	// initial weights from r.
	Build func(c Config, r *tensor.RNG) nn.Module
	// Paper marks the 16 classifiers of the Model Doctor paper.
	Paper bool
}

// CaptureLayer is the module whose output Model Doctor diagnoses and
// constrains by default: CaptureAt where set, else DoctorLayer. Passing
// DoctorLayer instead takes the plain convolution output.
func (s Spec) CaptureLayer() string {
	if s.CaptureAt != "" {
		return s.CaptureAt
	}
	return s.DoctorLayer
}

var specs = map[string]Spec{}

// Register adds a model; names are unique.
func Register(s Spec) {
	if _, dup := specs[s.Name]; dup {
		panic(fmt.Sprintf("zoo: model %q registered twice", s.Name))
	}
	specs[s.Name] = s
}

// Names lists the registered models, sorted.
func Names() []string {
	out := make([]string, 0, len(specs))
	for n := range specs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Lookup returns a model's spec.
func Lookup(name string) (Spec, error) {
	s, ok := specs[name]
	if !ok {
		return Spec{}, fmt.Errorf("unknown model %q (known: %v)", name, Names())
	}
	return s, nil
}

// New builds a model by name.
func New(name string, c Config) (nn.Module, Spec, error) {
	s, err := Lookup(name)
	if err != nil {
		return nil, Spec{}, err
	}
	c = c.norm()
	if c.Width != 1 && !s.HasWidth {
		return nil, Spec{}, fmt.Errorf("model %q has no width multiplier (got width %g)", name, c.Width)
	}
	return s.Build(c, tensor.NewRNG(c.Seed)), s, nil
}

// Scaled returns max(1, round(n·w)): a channel count under a width
// multiplier.
func Scaled(n int, w float64) int {
	v := int(float64(n)*w + 0.5)
	return max(v, 1)
}
