// Package nn builds networks from autograd ops: modules with named
// parameters and buffers, layers, losses, initialisation and weights files.
//
// Names follow PyTorch's state-dict convention ("features.0.weight",
// "layer1.0.bn1.running_mean"), so weights exported from a PyTorch twin of a
// model load directly. Every module embeds Base, which registers
// parameters, buffers and children in order; StateDict walks them in
// PyTorch's order (own parameters, own buffers, then children).
//
// Modules call their children through Forward(child, x) rather than
// child.Forward(x): that is where output hooks run, which is how the doctor
// captures a named layer's feature map without the model knowing.
//
// Every layer is a composition of autograd ops, so a network is
// differentiable to any order.
//
// The Module interface reaches the embedded Base through ModuleBase (for
// example m.ModuleBase().AddHook(h) on a module found by name). The method
// cannot be called Base: a struct that embeds Base has a field of that
// name, which hides any method of the same name, so no module would
// satisfy the interface.
//
// # Building blocks
//
// Beyond convolution, linear, batch-norm, pooling and activation layers:
// Concat (channel concatenation), ChannelShuffle, SqueezeExcite (with
// children named as PyTorch's SE blocks name theirs; see its doc), and
// Upsample / ResizeNearest / autograd.ResizeBilinear for resizing with
// PyTorch's coordinates. A residual connection is just autograd.Add.
// CrossEntropyLoss and NLLLoss are thin Criterion values over the losses
// in package autograd.
//
// # Weights files
//
// Weights are stored in the safetensors format, which PyTorch reads and
// writes (safetensors.torch.save_file / load_file): SaveWeights and
// LoadWeights for a module's state dict, SaveSafetensors and
// ReadSafetensors for arbitrary tensors (checkpoints). Floats are written
// as F32 and integer buffers (num_batches_tracked) as I64; F64, F16, BF16
// and integer types are converted to float32 on reading. Writes are atomic
// (temporary file, fsync, rename, fsync of the directory). Reading
// validates the whole file before anything is converted, and a load
// checks every name and shape before anything is copied, so a bad file
// never leaves a model half loaded; errors name the file and the problem.
//
// LoadWeights also reads what torch.save(model.state_dict()) writes (a zip
// of a pickle and raw storages; pth.go, pth_pickle.go). The format is told
// from the content, never the extension (weightsfile.go). The unpickler
// accepts only the opcodes and globals a state dict of tensors needs, and
// refuses anything else by name: loading a .pth never runs code.
//
// ToDevice (device.go) moves a module's parameters and buffers to a
// device and back; integer counters (num_batches_tracked) stay on the
// host. Weights files are written from host memory: SaveWeights copies a
// model on a device (HostCopy), EncodeSafetensors refuses device tensors,
// and loads upload into a model on a device.
//
// NonFinite and FirstNonFiniteGrad (finite.go) name the tensors holding
// NaN or Inf: the checks before evaluating weights and after each
// backward pass.
package nn
