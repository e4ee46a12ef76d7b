// Package study describes and summarises a controlled Model Doctor study:
// a plan is a grid of cells — (model, width, data set, seed) — run under
// one protocol; each cell's result is a small JSON file; Merge builds the
// tables (Markdown and JSON) and a plot from those files alone, wherever
// they were computed.
//
// A cell pre-trains a model, sifts and diagnoses it on the training split,
// then fine-tunes every arm from the same pre-trained weights with the same
// data order: a cross-entropy-only control and Model Doctor at each α of
// the plan's grid, at each fine-tuning learning rate. A stratified
// validation split of the training set (one per seed, shared by all the
// cell's arms) drives every choice: the epoch of each run, then the α and
// learning rate of the treated model and the learning rate of the
// control. The test split is evaluated after every epoch but never used
// for a choice. The authors' selection (the epoch with the best test
// accuracy) is reported beside it, labelled, to show how much it inflates.
//
// Files: plan.go (the grid and protocol), result.go (a cell's result file),
// selection.go (choosing on validation), merge.go and table.go (the
// summary), plot.go (treated − control per model with its interval). The
// statistics are in package study/stats; running a cell is the command
// line's job (cmd/modeldoctor, "study run").
package study
