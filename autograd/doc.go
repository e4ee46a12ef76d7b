// Package autograd records how values are computed (define-by-run) and
// differentiates them to any order.
//
// A *Value wraps a tensor.Tensor. Ops on values that require gradients
// record a node: the op's name, its inputs, and a backward function that
// maps the output's gradient to the inputs' gradients. Each backward
// function is written with this package's own differentiable ops, never
// with raw tensor kernels. That single rule is what makes higher-order
// derivatives work: with createGraph the backward pass records its own
// graph, which can be differentiated again (torch.autograd.grad with
// create_graph=True). Model Doctor needs exactly this: its penalty is a
// function of ∂logit/∂feature-map, differentiated again with respect to the
// weights, through convolution, pooling, batch norm and every activation.
//
// The closed families that make this possible:
//   - conv2d, its input gradient (a transposed convolution) and its weight
//     gradient are each other's derivatives;
//   - gather and scatter-add (max-pool is a gather with the argmax indices);
//   - avg-pool and its transpose; broadcast and sum-to; pad and crop.
//
// Entry points: Grad (torch.autograd.grad), (*Value).Backward (gradients
// accumulate in leaves' Grad), NoGrad, and Detach. Passing intermediate
// values (for example a captured feature map) to Grad gives gradients with
// respect to them.
//
// # Graph memory
//
// Backward and Grad release the nodes they traverse (their saved inputs
// and closures) unless the graph is retained; Grad with createGraph retains
// by default, as PyTorch does. A second pass over a released graph panics
// with a message that says so.
//
// # Buffer reuse
//
// A pass that records no graph (Backward, Grad without createGraph) owns
// every gradient it computes: it counts the references to each gradient's
// storage and hands a storage back to the tensor allocator as soon as the
// last one is consumed, so the next gradient of that size reuses it. A
// leaf's gradient is the pass's own buffer when nothing else holds it (a
// copy otherwise). Backward functions ask needGrad and skip the inputs that
// need no gradient (a network's input, frozen weights, the weights that
// Grad with respect to a feature map does not want).
//
// Activations are the caller's to give up: with GradOptions.FreeValues a
// pass that releases the graph also hands back the storage of the values
// whose nodes it released, except the outputs, Grad's inputs, Keep, and
// any value whose Tensor or Data was taken. A training loop that passes it
// (and lists the logits it reads afterwards in Keep) runs each step in the
// buffers of the previous one; reading a freed value panics and says so.
// Buffers that backward closures keep (max pooling's indices) are counted
// over the nodes that keep them and go back with the last one.
//
// # Devices
//
// A graph runs where its values are (tensor's Devices): every op is a
// tensor op on its operands' device, and the tensors the package makes
// itself follow them — gradient seeds, the zeros of index ops' and
// where's backward, the per-sample weights of cross-entropy, batch norm's
// running-statistics update (tensor ops there, the host loop otherwise).
// What still crosses: dropout masks are drawn on the host and uploaded
// (until tensor has a device RNG), class weights are uploaded per call,
// and anomaly detection reads every output back. Value.MoveTo moves a leaf
// (a parameter); Items reads several scalars with one download. Device
// storage has no pin (tensor.Pin is host memory's), so FreeValues spares
// a value whose Tensor was taken by remembering it on the Value.
//
// # Concurrency
//
// The no-grad switch is process-wide (Go has no goroutine-local state):
// build graphs from one goroutine at a time. The tensor kernels underneath
// use all cores.
//
// # Precision of the gradient checks
//
// Values are float32. The finite-difference tests (first and second order)
// use central differences of directional derivatives accumulated in
// float64, with step 1e-2 on inputs of order 1 kept at least 0.05 away from
// kinks; float32 rounding then contributes about 1e-5 relative and the
// truncation error about 1e-4, so a tolerance of 1e-2 relative separates
// correct gradients from wrong ones (which are off by O(1)). Exact values
// come from the PyTorch fixtures, computed in float64 from float32 inputs.
package autograd
