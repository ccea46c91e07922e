"""Statistics over seeds for the examples: means with confidence intervals, paired comparisons.

Not part of the library: the examples import it as a sibling module. Needs
SciPy (``pip install -e '.[examples]'``) for Student's t distribution.

A run's error depends on its seed (initial weights, data order, training
subset, random slopes). With n seeds per configuration:

* **mean ± std** and a 95 % confidence interval for the mean,
  mean ± t(0.975, n − 1)·std/√n;
* **paired comparisons**: the same seed gives two rectifiers the same data,
  order and (up to each rectifier's gain) the same initial weights, so the
  per-seed *differences* d_s = error_B(s) − error_A(s) remove what the seeds
  share. Their mean gets a paired t-test (H0: mean difference 0) and two
  95 % intervals: Student's t, and a bootstrap percentile interval (resampling
  the seeds; it assumes no normality, but with 5 seeds it is too narrow).

A difference is *resolved* when the t interval excludes 0 (p < 0.05). Where
several rectifiers are each compared with one baseline, one of four true-null
comparisons passes p < 0.05 by chance with probability up to 1 − 0.95⁴ ≈ 19 %;
:func:`holm` adjusts the family's p-values so that the chance of any false
"resolved" stays at 5 % (Holm's step-down method).

>>> s = summarise([0.10, 0.12, 0.11])
>>> round(s["mean"], 3), round(s["ci"][0], 3), round(s["ci"][1], 3)
(0.11, 0.085, 0.135)
>>> c = compare([0.10, 0.12, 0.11, 0.13], [0.12, 0.15, 0.12, 0.16])
>>> round(c["mean_difference"], 4), c["resolved"], round(c["p"], 3)
(0.0225, True, 0.018)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def summarise(values: Sequence[float], level: float = 0.95) -> dict:
    """n, mean, std (n − 1), and the t confidence interval of the mean (None for one value;
    everything None for none: every run of it diverged, say)."""
    from scipy import stats

    x = np.asarray(values, dtype=np.float64)
    if len(x) == 0:
        return {"n": 0, "mean": None, "std": None, "ci": None}
    n, mean = len(x), float(x.mean())
    if n < 2:
        return {"n": n, "mean": mean, "std": None, "ci": None}
    std = float(x.std(ddof=1))
    half = float(stats.t.ppf((1 + level) / 2, n - 1)) * std / np.sqrt(n)
    return {"n": n, "mean": mean, "std": std, "ci": (float(mean - half), float(mean + half))}


def compare(
    baseline: Sequence[float],
    other: Sequence[float],
    level: float = 0.95,
    resamples: int = 10000,
    seed: int = 0,
) -> dict:
    """Paired comparison of per-seed values (same order of seeds): other − baseline."""
    from scipy import stats

    a, b = np.asarray(baseline, np.float64), np.asarray(other, np.float64)
    if a.shape != b.shape or len(a) < 2:
        raise ValueError(
            f"compare: need two equal-length lists of ≥ 2 paired values, got {a.shape} and {b.shape}"
        )
    d = b - a
    summary = summarise(d, level)
    if summary["std"] == 0:
        p = 0.0 if summary["mean"] != 0 else 1.0
    else:
        p = float(stats.ttest_rel(b, a).pvalue)
    rng = np.random.default_rng(seed)
    means = d[rng.integers(0, len(d), (resamples, len(d)))].mean(axis=1)
    tail = (1 - level) / 2 * 100
    bootstrap = tuple(float(v) for v in np.percentile(means, [tail, 100 - tail]))
    low, high = summary["ci"]
    return {
        "n": len(d),
        "mean_difference": summary["mean"],
        "std_difference": summary["std"],
        "ci": (low, high),
        "bootstrap_ci": bootstrap,
        "p": p,
        "resolved": bool(low > 0 or high < 0),
        "differences": d.tolist(),
    }


def holm(pvalues: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values of a family of m tests, in the order given.

    Sort the p-values p₍₁₎ ≤ … ≤ p₍ₘ₎; the k-th smallest is adjusted to
    max over j ≤ k of min(1, (m − j + 1)·p₍ⱼ₎). Rejecting where the adjusted p
    is below α keeps the family-wise error rate at α, without Bonferroni's cost
    for the smaller p-values.

    >>> [round(p, 3) for p in holm([0.01, 0.04, 0.03, 0.20])]
    [0.04, 0.09, 0.09, 0.2]
    """
    order = np.argsort(pvalues, kind="stable")
    m, running, adjusted = len(order), 0.0, [0.0] * len(order)
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * float(pvalues[i])))
        adjusted[i] = running
    return adjusted


def points(x: float) -> str:
    """An error rate as percentage points, 2 decimals: 0.1234 → '12.34'."""
    return f"{100 * x:.2f}"


def mean_ci(summary: dict) -> str:
    """'12.34 ± 0.56 [11.70, 12.98]' (mean ± std [95 % CI]) in percentage points; '—' for no values."""
    if summary["mean"] is None:
        return "—"
    if summary["std"] is None:
        return points(summary["mean"])
    low, high = summary["ci"]
    return f"{points(summary['mean'])} ± {points(summary['std'])} [{points(low)}, {points(high)}]"


def difference(comparison: dict) -> str:
    """'+1.23 [0.40, 2.06], p = 0.012' in percentage points, then ', Holm 0.036' where the
    comparison has a Holm-adjusted p (``p_holm``)."""
    low, high = comparison["ci"]
    text = (
        f"{100 * comparison['mean_difference']:+.2f} [{points(low)}, {points(high)}], "
        f"p = {comparison['p']:.3f}"
    )
    if "p_holm" in comparison:
        text += f", Holm {comparison['p_holm']:.3f}"
    return text
