"""Batch normalisation over the channel axis (axis 1) of (N, C), (N, C, L) or (N, C, H, W) arrays.

Training, with statistics over the M = N (·L or ·H·W) values of each channel:

    μ = (1/M) Σ x,   σ² = (1/M) Σ (x − μ)²   (the *biased* variance),
    x̂ = (x − μ) / √(σ² + ε),   y = γ x̂ + β.

Backward (all three gradients in one pass over the saved x̂), with g = dL/dy:

    dβ = Σ g,   dγ = Σ g x̂,   dx = γ / (M √(σ² + ε)) · (M g − dβ − x̂ dγ)

The last formula is the chain rule through μ and σ² collapsed: each x
influences every y of its channel through the batch statistics.

Evaluation normalises with fixed (running) statistics, so x̂ = (x − μ_run) / √(σ²_run + ε)
and dx = γ g / √(σ²_run + ε) simply.

Layout: every array is handled as an (M, C) matrix, channels last. After a
convolution (whose output is channels-last in memory, see ``conv.py``) that
matrix is a free view; the per-channel sums are then column sums, and
``einsum`` forms Σ (x − μ)² and Σ g x̂ without a temporary array.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class BatchNormSaved(NamedTuple):
    x_hat: np.ndarray  # (M, C)
    inv_std: np.ndarray  # (C,)
    gamma: np.ndarray | None
    training: bool


def as_rows(x: np.ndarray) -> np.ndarray:
    """(N, C, *spatial) → (M, C), channels last: a view when x lies channels-last in memory."""
    channels_last = np.moveaxis(x, 1, -1)
    return channels_last.reshape(-1, x.shape[1])


def from_rows(rows: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """(M, C) → an array of ``shape`` (N, C, *spatial), a view that stays channels-last in memory."""
    n, c, *spatial = shape
    return np.moveaxis(rows.reshape(n, *spatial, c), -1, 1)


def batch_norm_train_forward(
    x: np.ndarray, gamma: np.ndarray | None, beta: np.ndarray | None, eps: float
) -> tuple[np.ndarray, BatchNormSaved, np.ndarray, np.ndarray]:
    """Normalise with the batch's statistics; also return them: (y, saved, mean, biased var)."""
    rows = as_rows(x)
    mean = rows.mean(axis=0)
    x_hat = rows - mean
    var = np.einsum("mc,mc->c", x_hat, x_hat) / len(rows)
    inv_std = (1.0 / np.sqrt(var + eps)).astype(x.dtype)
    x_hat *= inv_std
    y = _affine(x_hat, gamma, beta)
    return from_rows(y, x.shape), BatchNormSaved(x_hat, inv_std, gamma, True), mean, var


def batch_norm_eval_forward(
    x: np.ndarray,
    gamma: np.ndarray | None,
    beta: np.ndarray | None,
    running_mean: np.ndarray,
    running_var: np.ndarray,
    eps: float,
) -> tuple[np.ndarray, BatchNormSaved]:
    """Normalise with fixed statistics (evaluation mode)."""
    inv_std = (1.0 / np.sqrt(running_var + eps)).astype(x.dtype)
    x_hat = as_rows(x) - running_mean.astype(x.dtype)
    x_hat *= inv_std
    y = _affine(x_hat, gamma, beta)
    return from_rows(y, x.shape), BatchNormSaved(x_hat, inv_std, gamma, False)


def batch_norm_backward(
    grad: np.ndarray, saved: BatchNormSaved, need_input: bool = True
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """(dx, dγ, dβ) for either mode; dx is None when not needed."""
    g, x_hat = as_rows(grad), saved.x_hat
    dbeta = g.sum(axis=0)
    dgamma = np.einsum("mc,mc->c", g, x_hat)
    dx = None
    if need_input:
        gamma = np.ones_like(saved.inv_std) if saved.gamma is None else saved.gamma
        scale = gamma * saved.inv_std
        dx = g * scale
        if saved.training:  # the batch statistics depend on x too
            m = len(g)
            dx -= x_hat * (scale * dgamma / m)
            dx -= scale * dbeta / m
        dx = from_rows(dx, grad.shape)
    return dx, dgamma, dbeta


def _affine(x_hat: np.ndarray, gamma: np.ndarray | None, beta: np.ndarray | None) -> np.ndarray:
    y = x_hat * gamma if gamma is not None else x_hat.copy()
    if beta is not None:
        y += beta
    return y
