// Package optim holds optimizers (SGD, Adam, AdamW), learning-rate
// schedules and gradient clipping, matching PyTorch's update rules step for
// step (checked against fixtures written with PyTorch).
//
// Optimizers update the parameters' values in place from the gradients
// that autograd accumulated in each parameter's Grad. Their state (momentum
// buffers, moment estimates, step counts) can be saved and restored as
// named tensors, so a resumed run continues bit for bit.
//
// Parameters on a device (nn.ToDevice) are updated there by tensor ops
// computing the host loops' float32 operations in their order, with state
// buffers on the parameters' device that follow them when they move;
// State always returns host copies.
//
// Schedules are pure functions of the epoch: the learning rate of epoch e
// does not depend on history, so resuming needs only the epoch number.
package optim
