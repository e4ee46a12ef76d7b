// Package zoo holds the 16 CNN classifiers of the Model Doctor paper (and a
// few small ones for quick work) as nn modules, by name, at parity with the
// 32×32 (CIFAR-style) PyTorch definitions the authors' code uses: the same
// state-dict names, shapes and order, so weights exported from PyTorch load
// directly, and the same logits (checked against fixtures in testdata).
//
// Each model declares its doctor layer: the convolution whose output Model
// Doctor constrains. The doctor package never imports zoo; the command line
// wires a zoo model's declared layer to it.
package zoo
