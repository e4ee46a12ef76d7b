package tensor

// Op names a device op and carries its parameters: what a DeviceBackend's
// Run receives. Name is the tensor function's name; Args is the value of
// the type listed beside it below (nil where none), and In and Out of Run
// are as listed.
//
//	Unary             UnaryArgs         in x                 out y
//	Binary            BinaryArgs        in a, b (broadcast)  out y
//	Where             nil               in cond, a, b        out y
//	Reduce            ReduceArgs        in x                 out y (reduced axes kept as 1)
//	ArgMax            AxisArgs          in x                 out y (axis kept as 1)
//	MatMul            MatMulArgs        in a, b              out c
//	Conv2D            ConvParams        in x, w              out y
//	Conv2DInputGrad   ConvParams        in gy, w             out gx
//	Conv2DWeightGrad  ConvParams        in x, gy             out gw
//	MaxPool2D         PoolParams        in x                 out y, idx (exact flat indices as float32)
//	PoolGather        PoolIndexArgs     in x, idx            out y
//	PoolScatter       PoolIndexArgs     in g, idx            out gx
//	AvgPool2D         PoolParams        in x                 out y
//	AvgPool2DTranspose PoolParams       in gy                out gx
//	AdaptiveAvgPool2D nil               in x                 out y
//	AdaptiveAvgPool2DTranspose nil      in gy                out gx
//	ReluBackward, Relu6Backward nil     in g, y              out gx
//	Relu6, SiLU       nil               in x                 out y
//	SiLUBackward      nil               in g, x              out gx
//	AddBiasInPlace    AxisArgs          in y, b              out y (the same tensor: in place)
//	LogSoftmax        AxisArgs          in x                 out y
//	BatchNormStats    nil               in x                 out mean, variance
//	ChannelAffine     nil               in x, scale, shift   out y
//	BatchNormBackward nil               in x, g, mean, invstd, gamma (may be nil)  out gx, ggamma, gbeta
//	Gather            IndexArgs         in x                 out y
//	ScatterAdd        IndexArgs         in base, src         out y
//	IndexSelect       IndexArgs         in x                 out y
//	IndexAdd          IndexArgs         in base, src         out y
//	Permute           PermuteArgs       in x                 out y
//	Narrow            NarrowArgs        in x                 out y
//	Concat            AxisArgs          in xs...             out y
//	Pad               PadArgs           in x                 out y
//	BroadcastTo       nil               in x                 out y
//	SumTo             nil               in x                 out y
//	ResizeBilinear, ResizeBilinearTranspose  ResizeArgs  in x  out y
//	Copy              nil               in x                 out y
//	Fill              FillArgs          in (none)            out y
//	Bernoulli         BernoulliArgs     in (none)            out y (1 where draw i < p, else 0)
type Op struct {
	Name string
	Args any
}

// UnaryArgs are Unary's parameters.
type UnaryArgs struct {
	Op UnaryOp
	P  float32
}

// BinaryArgs are Binary's parameters.
type BinaryArgs struct{ Op BinaryOp }

// ReduceArgs are Reduce's: the op and which axes of x it reduces.
type ReduceArgs struct {
	Op     ReduceOp
	Reduce []bool
}

// AxisArgs carry one axis (non-negative).
type AxisArgs struct{ Axis int }

// MatMulArgs are MatMul's transposition flags; batch axes broadcast as in
// MatMulT.
type MatMulArgs struct{ TransA, TransB bool }

// PoolIndexArgs carry the pooled output's and the input's shapes.
type PoolIndexArgs struct{ Out, In []int }

// IndexArgs are the index ops' parameters: Idx for Gather and ScatterAdd,
// Index for IndexSelect and IndexAdd (host values).
type IndexArgs struct {
	Axis  int
	Idx   *Indices
	Index []int
}

// PermuteArgs is the axis order.
type PermuteArgs struct{ Perm []int }

// NarrowArgs select [Start, Start+Length) along Axis.
type NarrowArgs struct{ Axis, Start, Length int }

// PadArgs are Pad's widths per axis and fill value.
type PadArgs struct {
	Pads  [][2]int
	Value float32
}

// ResizeArgs are the bilinear resize's corner mode.
type ResizeArgs struct{ AlignCorners bool }

// FillArgs is the value Fill writes.
type FillArgs struct{ Value float32 }

// BernoulliArgs draw element i of a Bernoulli tensor from splitmix64 at
// State + (i+1)·0x9E3779B97F4A7C15: z = mix(that); the element is 1 when
// z>>11 < Threshold (Bernoulli's Float64() < P on integers), else 0.
type BernoulliArgs struct {
	State, Threshold uint64
	P                float64
}
