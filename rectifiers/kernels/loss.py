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


class CrossEntropySaved(NamedTuple):
    probs: np.ndarray
    targets: np.ndarray
    reduction: str


def cross_entropy_forward(
    logits: np.ndarray, targets: np.ndarray, reduction: str = "mean"
) -> tuple[np.ndarray, CrossEntropySaved]:
    """Loss per ``reduction`` ("mean", "sum" or "none") and what the backward needs."""
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
