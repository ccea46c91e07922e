"""Batch normalisation over the channel axis (axis 1) of (N, C) or (N, C, H, W) arrays.

Training, with statistics over the M = N (·H·W) values of each channel:

    μ = (1/M) Σ x,   σ² = (1/M) Σ (x − μ)²   (the *biased* variance),
    x̂ = (x − μ) / √(σ² + ε),   y = γ x̂ + β.

Backward (all three gradients in one pass over the saved x̂), with g = dL/dy:

    dβ = Σ g,   dγ = Σ g x̂,   dx = γ / (M √(σ² + ε)) · (M g − dβ − x̂ dγ)

The last formula is the chain rule through μ and σ² collapsed: each x
influences every y of its channel through the batch statistics.

Evaluation normalises with fixed (running) statistics, so x̂ = (x − μ_run) / √(σ²_run + ε)
and dx = γ g / √(σ²_run + ε) simply.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class BatchNormSaved(NamedTuple):
    x_hat: np.ndarray
    inv_std: np.ndarray  # (C,)
    gamma: np.ndarray | None
    training: bool


def _channel_axes(x: np.ndarray) -> tuple[int, ...]:
    return (0,) + tuple(range(2, x.ndim))


def _per_channel(v: np.ndarray, ndim: int) -> np.ndarray:
    """Shape (C,) → (1, C, 1, …) so that it broadcasts along axis 1."""
    return v.reshape((1, -1) + (1,) * (ndim - 2))


def batch_norm_train_forward(
    x: np.ndarray, gamma: np.ndarray | None, beta: np.ndarray | None, eps: float
) -> tuple[np.ndarray, BatchNormSaved, np.ndarray, np.ndarray]:
    """Normalise with the batch's statistics; also return them: (y, saved, mean, biased var)."""
    axes = _channel_axes(x)
    mean = x.mean(axis=axes)
    x_hat = x - _per_channel(mean, x.ndim)
    var = np.mean(np.square(x_hat), axis=axes)
    inv_std = (1.0 / np.sqrt(var + eps)).astype(x.dtype)
    x_hat *= _per_channel(inv_std, x.ndim)
    y = _affine(x_hat, gamma, beta)
    return y, BatchNormSaved(x_hat, inv_std, gamma, True), mean, var


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
    x_hat = (x - _per_channel(running_mean, x.ndim)) * _per_channel(inv_std, x.ndim)
    return _affine(x_hat, gamma, beta), BatchNormSaved(x_hat, inv_std, gamma, False)


def batch_norm_backward(
    grad: np.ndarray, saved: BatchNormSaved, need_input: bool = True
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """(dx, dγ, dβ) for either mode; dx is None when not needed."""
    x_hat, ndim = saved.x_hat, grad.ndim
    axes = _channel_axes(grad)
    dbeta = grad.sum(axis=axes)
    dgamma = np.sum(grad * x_hat, axis=axes)
    dx = None
    if need_input:
        gamma = np.ones_like(saved.inv_std) if saved.gamma is None else saved.gamma
        if saved.training:
            m = grad.size // grad.shape[1]
            dx = grad * grad.dtype.type(m)
            dx -= _per_channel(dbeta, ndim)
            dx -= x_hat * _per_channel(dgamma, ndim)
            dx *= _per_channel(gamma * saved.inv_std / m, ndim)
        else:
            dx = grad * _per_channel(gamma * saved.inv_std, ndim)
    return dx, dgamma, dbeta


def _affine(x_hat: np.ndarray, gamma: np.ndarray | None, beta: np.ndarray | None) -> np.ndarray:
    y = x_hat * _per_channel(gamma, x_hat.ndim) if gamma is not None else x_hat.copy()
    if beta is not None:
        y += _per_channel(beta, x_hat.ndim)
    return y
