package data

// CHW is one image: C channels of H×W float32 values, channel-major.
type CHW struct {
	Pix     []float32
	C, H, W int
}

// Transform maps one image to another. Contract, so transforms compose and
// run in parallel without copies they don't need:
//   - Apply must not write to x.Pix nor keep it after returning (the
//     Loader reuses it for the next image); it returns a new slice, or x
//     itself when it changes nothing.
//   - Random transforms draw only from rng, so a seeded rng reproduces the
//     result. Deterministic transforms ignore rng, which may then be nil.
//
// Misconfiguration that can only be seen with an image in hand (e.g. a
// Normalize with 3 means applied to a 1-channel image) panics: it is a
// programming error, not a data error.
type Transform interface {
	Apply(x CHW, rng *Rand) CHW
}

// TransformFunc adapts a function to Transform.
type TransformFunc func(x CHW, rng *Rand) CHW

func (f TransformFunc) Apply(x CHW, rng *Rand) CHW { return f(x, rng) }

// Compose applies its transforms in order, all drawing from the same rng.
type Compose []Transform

func (c Compose) Apply(x CHW, rng *Rand) CHW {
	for _, t := range c {
		x = t.Apply(x, rng)
	}
	return x
}
