#!/usr/bin/env python3
"""Writes fixtures.json: reference values from scipy for the Go tests.

Run from this folder: python3 gen_fixtures.py > fixtures.json
Needs scipy (written against 1.10). The Go tests read only the JSON.

Wilcoxon: zero_method='wilcox' (zeros discarded), correction=False, two-sided.
Up to 25 non-zero differences the p-value is exact: method='exact' when no
two |d| are equal; with ties, scipy.stats.wilcoxon has no exact form (1.10's
method='exact' reads the untied table at a truncated statistic), so the
reference is scipy.stats.permutation_test flipping the signs of the non-zero
differences (all 2^n assignments) with R+ on mean ranks as the statistic.
Above 25, method='approx' (normal, tie-corrected variance).
McNemar: the exact two-sided binomial test on the discordant pairs, i.e.
statsmodels' mcnemar(exact=True), via scipy.stats.binomtest; mid-p as in
Fagerland, Lydersen and Laake (2013).
"""
import json
import sys

import numpy as np
from scipy import stats

EXACT_MAX_N = 25


def wilcoxon_method(d):
    nz = d[d != 0]
    if len(nz) > EXACT_MAX_N:
        return "approx"
    if len(np.unique(np.abs(nz))) != len(nz):
        return "sign-flip"
    return "exact"


def r_plus(x):
    return np.sum(stats.rankdata(np.abs(x))[x > 0])


def sign_flip_p(d):
    nz = d[d != 0]
    res = stats.permutation_test((nz,), r_plus, permutation_type="samples",
                                 n_resamples=np.inf, alternative="two-sided")
    return float(res.pvalue)


def t_quantile(p, nu):
    # scipy 1.10's t.ppf is off by up to ~1e-9 relative (checked against
    # mpmath); Newton steps on its accurate cdf restore full precision.
    q = stats.t.ppf(p, nu)
    for _ in range(3):
        q -= (stats.t.cdf(q, nu) - p) / stats.t.pdf(q, nu)
    return q


def paired_case(name, treated, control):
    t = np.asarray(treated, dtype=float)
    c = np.asarray(control, dtype=float)
    d = t - c
    n = len(d)
    mean = float(np.mean(d))
    sd = float(np.std(d, ddof=1))
    se = sd / np.sqrt(n)
    tt = stats.ttest_rel(t, c)
    cis = {}
    for level in (0.95, 0.90, 0.99):
        q = t_quantile(0.5 + level / 2, n - 1)
        cis[repr(level)] = [mean - q * se, mean + q * se]
    method = wilcoxon_method(d)
    # The statistic does not depend on the method; the exact table is read
    # for the non-zero differences (scipy 1.10 switches to the normal
    # approximation when it sees a zero).
    w = stats.wilcoxon(t, c, zero_method="wilcox", correction=False,
                       alternative="two-sided", method="approx")
    if method == "sign-flip":
        w_p = sign_flip_p(d)
    elif method == "exact":
        w_p = float(stats.wilcoxon(d[d != 0], correction=False,
                                   alternative="two-sided", method="exact").pvalue)
    else:
        w_p = float(w.pvalue)
    return {
        "name": name,
        "treated": list(map(float, t)),
        "control": list(map(float, c)),
        "mean": mean,
        "sd": sd,
        "se": float(se),
        "ci": cis,
        "t": float(tt.statistic),
        "t_p": float(tt.pvalue),
        "w_stat": float(w.statistic),
        "w_p": w_p,
        "w_exact": method != "approx",
    }


def mcnemar_case(name, b01, b10):
    n = b01 + b10
    k = min(b01, b10)
    # statsmodels' form, min(1, 2 * cdf(k)); equal to binomtest at p = 0.5,
    # which refuses n = 0 (statsmodels then gives 1).
    p_sm = min(1.0, 2 * stats.binom.cdf(k, n, 0.5))
    p = stats.binomtest(k, n, 0.5, alternative="two-sided").pvalue if n else p_sm
    assert abs(p - p_sm) <= 1e-12 * max(p, 1e-300), (name, p, p_sm)
    midp = min(1.0, 2 * stats.binom.cdf(k, n, 0.5) - stats.binom.pmf(k, n, 0.5))
    return {"name": name, "b01": b01, "b10": b10, "p": float(p), "mid_p": float(midp)}


def main():
    rng = np.random.default_rng(20240611)
    cases = []

    def rand_case(name, n, shift):
        c = np.round(rng.uniform(0.6, 0.9, n), 6)
        t = c + shift + rng.normal(0, 0.02, n)
        cases.append(paired_case(name, t, c))

    for n in range(2, 11):
        rand_case(f"random_n{n}_pos", n, 0.015)
    for n in (3, 6, 9):
        rand_case(f"random_n{n}_neg", n, -0.02)
    rand_case("random_n20_exact", 20, 0.01)
    rand_case("random_n25_exact_edge", 25, 0.005)
    rand_case("random_n26_approx", 26, 0.005)
    rand_case("random_n40_approx", 40, -0.004)
    # Dyadic values so that the differences, and their ties, are exact.
    cases.append(paired_case("ties_n8",
                             [0.75, 0.5, 0.625, 0.875, 0.5, 0.75, 0.625, 0.5],
                             [0.5, 0.25, 0.5, 0.625, 0.75, 0.5, 0.5, 0.375]))
    cases.append(paired_case("zeros_n9",
                             [0.5, 0.75, 0.625, 0.8125, 0.5, 0.75, 0.6875, 0.9375, 0.5625],
                             [0.5, 0.5, 0.625, 0.5, 0.4375, 0.8125, 0.25, 0.53125, 0.46875]))
    cases.append(paired_case("zeros_and_ties_n12",
                             [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
                             [1, 1, 1, 5, 3, 6, 5, 9, 5, 12, 8, 12]))
    cases.append(paired_case("one_nonzero_n3", [1.0, 2.0, 3.5], [1.0, 2.0, 3.0]))
    # Five seeds' differences in accuracy steps, two equal: the normal
    # approximation says 0.042, below 2/2^5, what five signs can reach.
    cases.append(paired_case("five_seeds_one_tie",
                             [0.5, 0.625, 0.5, 0.75, 0.5],
                             [0.46875, 0.5, 0.484375, 0.578125, 0.46875]))
    cases.append(paired_case("ties_and_zeros_n40_approx",
                             list(range(40)),
                             [i - (i % 4) + 1 for i in range(40)]))
    cases.append(paired_case("integers_n7_neg",
                             [3, 1, 4, 1, 5, 9, 2], [6, 5, 3, 5, 8, 9, 7]))

    mcn = [
        mcnemar_case("none_discordant", 0, 0),
        mcnemar_case("one_sided_5_0", 5, 0),
        mcnemar_case("balanced_7_7", 7, 7),
        mcnemar_case("small_3_11", 3, 11),
        mcnemar_case("odd_12_4", 12, 4),
        mcnemar_case("large_60_90", 60, 90),
        mcnemar_case("large_410_512", 410, 512),
    ]
    json.dump({"paired": cases, "mcnemar": mcn}, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
