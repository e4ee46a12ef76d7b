// Package train is the training loop shared by the command line and the
// doctor: epochs over a data.Loader, evaluation with per-class metrics, a
// checkpoint after every epoch and exact resume.
//
// Exact resume rests on three facts: the loader's batches are a pure
// function of (seed, epoch, batch index); every random stream inside the
// model (dropout masks) is reseeded from (seed, epoch) at the start of each
// epoch; and the checkpoint holds everything else that changes (weights,
// batch-norm statistics, optimizer state, epoch, history). A run killed at
// any point and resumed from its last checkpoint ends with the same bits as
// an uninterrupted run.
//
// Options.Device trains on a device: Run moves the model there and back,
// each batch is uploaded once, and a step reads back the loss, one scalar
// for the gradient check and the predictions; checkpoints and weights are
// copied to the host to be written. Step runs one step outside Run.
//
// The loss is pluggable (LossFunc), which is how the doctor adds its
// gradient constraint to the cross-entropy without a loop of its own.
package train
