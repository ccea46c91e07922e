"""Cross-entropy from logits with integer class targets, and its fused softmax backward.

For logits z (N, C) and targets t (N,):

    log p = z − logsumexp(z),   logsumexp(z) = m + log Σ_c exp(z_c − m),  m = max_c z_c
    loss_n = −log p[n, t_n]

Subtracting the row maximum m first keeps exp from overflowing. The backward
of softmax and the log together is simply

    dloss_n / dz = p − onehot(t_n)

(divided by N for the mean reduction).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


def cross_entropy_reference(logits: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """The mean loss, the textbook way: softmax, then −log of the target's probability."""
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return -np.log(probs[np.arange(len(targets)), targets]).mean()


def cross_entropy_backward_reference(logits: np.ndarray, targets: np.ndarray) -> np.ndarray:
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    onehot = np.eye(logits.shape[1])[targets]
    return (probs - onehot) / len(targets)


# --- fast (and safe) ------------------------------------------------------------------
# What differs: the row maximum is subtracted before exp (the reference overflows
# for logits above ~88 in float32), log p is computed without forming p first
# (no log of an underflowed 0), and the probabilities are kept for the backward.


class CrossEntropySaved(NamedTuple):
    probs: np.ndarray
    targets: np.ndarray
    reduction: str


def cross_entropy_forward(
    logits: np.ndarray, targets: np.ndarray, reduction: str = "mean"
) -> tuple[np.ndarray, CrossEntropySaved]:
    """Loss per ``reduction`` ("mean", "sum" or "none") and what the backward needs.

    Equal to ``cross_entropy_reference`` for "mean" (where the reference does not overflow).
    """
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(len(targets))
    losses = -log_probs[rows, targets]
    if reduction == "mean":
        loss = losses.mean()
    elif reduction == "sum":
        loss = losses.sum()
    else:
        loss = losses
    probs = np.exp(log_probs, out=log_probs)
    return np.asarray(loss, dtype=logits.dtype), CrossEntropySaved(probs, targets, reduction)


def cross_entropy_backward(grad: np.ndarray, saved: CrossEntropySaved) -> np.ndarray:
    """dL/dlogits = (softmax − onehot) · dL/dloss (per row for reduction "none")."""
    dlogits = saved.probs.copy()
    n = len(saved.targets)
    dlogits[np.arange(n), saved.targets] -= 1
    if saved.reduction == "mean":
        dlogits *= grad / n
    elif saved.reduction == "sum":
        dlogits *= grad
    else:
        dlogits *= grad[:, None]
    return dlogits


# --- the general form: class weights, an ignored class, label smoothing -----------------
#
# With weights w (C,), smoothing ε and C classes, every loss PyTorch's cross_entropy and
# nll_loss compute is a weighted sum of log-probabilities,
#
#     loss_n = −Σ_c A[n, c] · log p[n, c],
#     A[n, c] = (1 − ε) · w[t_n] · [c = t_n] + ε · w[c] / C     (0 for an ignored row),
#
# averaged ("mean") over the total weight Σ_n w[t_n] of the rows not ignored. Its gradient
# with respect to the logits is p[n] · Σ_c A[n, c] − A[n] (softmax and log together), and
# with respect to given log-probabilities (nll_loss) simply −A[n].


class WeightedSaved(NamedTuple):
    coefficients: np.ndarray  # A, (N, C)
    probs: np.ndarray | None  # softmax, or None when the input already held log-probabilities
    scale: float  # 1 / Σ w[t_n] for "mean", else 1
    reduction: str


def class_coefficients(
    targets: np.ndarray,
    classes: int,
    weight: np.ndarray | None,
    ignore_index: int,
    smoothing: float,
    dtype: np.dtype,
) -> tuple[np.ndarray, float]:
    """(A, total weight of the rows not ignored), as in the comment above."""
    n = len(targets)
    w = np.ones(classes, dtype) if weight is None else weight.astype(dtype, copy=False)
    kept = targets != ignore_index
    safe = np.where(kept, targets, 0)
    coefficients = np.zeros((n, classes), dtype)
    coefficients[np.arange(n), safe] = (1 - smoothing) * w[safe]
    if smoothing:
        coefficients += smoothing * w / classes
    coefficients[~kept] = 0
    return coefficients, float(w[safe][kept].sum())


def weighted_loss_forward(
    values: np.ndarray,
    coefficients: np.ndarray,
    total_weight: float,
    reduction: str,
    from_logits: bool,
) -> tuple[np.ndarray, WeightedSaved]:
    """loss_n = −Σ_c A[n, c] log p[n, c]; ``values`` are logits (softmax taken) or log-probabilities."""
    if from_logits:
        shifted = values - values.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    else:
        log_probs = values
    losses = -(coefficients * log_probs).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):  # every row ignored: 0/0 = nan, as torch
        scale = 1.0 / total_weight if reduction == "mean" and total_weight else float("nan")
    if reduction == "mean":
        loss = losses.sum() * scale if total_weight else np.asarray(np.nan)
    elif reduction == "sum":
        loss, scale = losses.sum(), 1.0
    else:
        loss, scale = losses, 1.0
    probs = np.exp(log_probs) if from_logits else None
    saved = WeightedSaved(coefficients, probs, scale, reduction)
    return np.asarray(loss, dtype=values.dtype), saved


def weighted_loss_backward(grad: np.ndarray, saved: WeightedSaved) -> np.ndarray:
    """d/dlogits = p · Σ_c A − A; d/dlog-probabilities = −A; times dL/dloss (per row for "none")."""
    a = saved.coefficients
    d = -a if saved.probs is None else saved.probs * a.sum(axis=1, keepdims=True) - a
    factor = grad[:, None] if saved.reduction == "none" else grad * saved.scale
    return (d * factor).astype(a.dtype, copy=False)
