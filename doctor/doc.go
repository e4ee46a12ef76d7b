// Package doctor implements Model Doctor (Feng et al., AAAI 2022): it
// diagnoses which convolution kernels (channels) each class of a CNN
// classifier relies on, and treats the classifier by constraining its
// gradients during fine-tuning.
//
// The pipeline, on any nn.Module and the dotted name of one of its
// convolution layers (the doctor layer):
//
//   - Sift picks, per class, the most confidently correct training images
//     (to diagnose from) and the least confident ones (to annotate).
//   - Diagnose aggregates relu(∂ label logit / ∂A) over the sifted images
//     per class and channel (A is the doctor layer's output), normalises
//     each class to [0, 1] and thresholds it: a class × channel mask.
//   - Constraint is a loss: cross-entropy plus α·(L_high + L_low) that
//     pushes the gradient of the true class off channels that are not its
//     own and the gradient of the confusing class off the true class's
//     channels, plus β·L_spatial that pushes gradients off the background.
//     The penalties are functions of gradients, so training differentiates
//     them again (second order) — the property the authors' public code
//     silently lost for a year.
//   - Treat fine-tunes the diagnosed model with the constraint and, in the
//     same run, a control with cross-entropy only on the identical
//     schedule, seed and data order, so the gain is measured honestly.
//   - Report writes one HTML page and a JSON summary.
//
// Every stage runs on a device. Sift and Diagnose run where the model is
// (nn.ToDevice): a batch is uploaded, and Sift reads back its softmax
// probabilities, Diagnose a class's channel sums of relu(G) (one batch and
// one download per class); each batch's device memory is freed with it.
// Treatment runs on TreatConfig.Device: Constraint.To uploads the masks
// once, the background weights are built there, and a step reads back the
// logits (for the confusing classes) and the logged terms in one download.
//
// The package never imports zoo: the command line wires a zoo model's
// declared doctor layer to it. docs/how-model-doctor-works.md walks
// through the method with runnable examples from this package.
package doctor
