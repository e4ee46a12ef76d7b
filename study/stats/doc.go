// Package stats holds the statistics of the controlled study of Model
// Doctor: a treated model against a cross-entropy control, paired by seed,
// and two models' predictions on the same test images.
//
//   - PairedDiff summarises the per-seed differences treated − control:
//     mean, sample standard deviation, standard error, a Student's t
//     confidence interval (CI, CI95), the paired t-test and the Wilcoxon
//     signed-rank test.
//   - McNemar compares two classifiers on the same images through their
//     discordant pairs, with the exact binomial test and its mid-p variant.
//   - Verdict states a p-value against a significance level in words.
//
// Every p-value is two-sided and reproduces a named scipy or statsmodels
// call (see each function); testdata/gen_fixtures.py writes the reference
// values the tests compare against, so the tests need no Python.
package stats
