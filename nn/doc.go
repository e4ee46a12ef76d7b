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
package nn
