"""Batch normalisation over the channel axis (axis 1) of (N, C), (N, C, L) or (N, C, H, W) arrays.

Training, with statistics over the M = N (·L or ·H·W) values of each channel:

    μ = (1/M) Σ x,   σ² = (1/M) Σ (x − μ)²   (the *biased* variance),
    x̂ = (x − μ) / √(σ² + ε),   y = γ x̂ + β  =  k·x + b  with  k = γ/√(σ² + ε),  b = β − k·μ.

Backward (all three gradients from g = dL/dy and the saved x):

    dβ = Σ g,   dγ = Σ g x̂,   dx = k · (g − dβ/M − x̂ · dγ/M)

The last formula is the chain rule through μ and σ² collapsed: each x
influences every y of its channel through the batch statistics.

Evaluation normalises with fixed (running) statistics, so x̂ = (x − μ_run) / √(σ²_run + ε)
and dx = k·g simply.

Layout: every array is handled through a *channel view* (``_channels.py``) —
rows of positions × channels when it lies channels-last in memory (the output
of a convolution, see ``conv.py``), an (N, C, H·W) array when it is a
C-ordered NCHW array. Either view is free, and y and dx come back in the same
memory layout as x.

Speed: each pass walks the array in cache-sized chunks along axis 0 (see
``_chunks.py``), so the several NumPy operations a chunk needs (centre,
square, scale, shift) run on data still in cache; main memory is read once
per pass. The forward reads x twice and writes y; the backward reads g and x
twice and writes dx. x̂ is not stored: x is saved (by reference) and x̂
recomputed.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._channels import (
    broadcast_channels,
    channel_sum,
    channel_view,
    from_channel_view,
    is_channels_last,
)
from ._chunks import chunks


class BatchNormSaved(NamedTuple):
    x: np.ndarray  # the channel view of the input: (M, C) or (N, C, S)
    mean: np.ndarray  # (C,): the statistics x was normalised with
    inv_std: np.ndarray  # (C,)
    gamma: np.ndarray | None  # (C,)
    training: bool
    channels_last: bool


def batch_statistics(view: np.ndarray, channels: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and biased variance (float64, shape (C,)) of a channel view, in one pass over memory.

    Each chunk's mean and sum of squared deviations are found in cache, then
    merged (Chan et al.'s pairwise update), which keeps the variance accurate
    even when the mean is large: no Σx² − M·μ² cancellation.
    """
    count, mean, m2 = 0, 0.0, 0.0
    for rows in chunks(view):
        chunk = view[rows]
        n_chunk = chunk.size // channels
        chunk_mean = channel_sum(chunk, channels=channels).astype(np.float64) / n_chunk
        centred = chunk - broadcast_channels(chunk_mean.astype(view.dtype), chunk)
        chunk_m2 = channel_sum(centred, centred, channels=channels).astype(np.float64)
        delta = chunk_mean - mean
        total = count + n_chunk
        mean = mean + delta * (n_chunk / total)
        m2 = m2 + chunk_m2 + delta**2 * (count * n_chunk / total)
        count = total
    return mean, m2 / count


def normalise(
    view: np.ndarray,
    mean: np.ndarray,
    inv_std: np.ndarray,
    gamma: np.ndarray | None,
    beta: np.ndarray | None,
) -> np.ndarray:
    """y = k·x + b per channel (k = γ·inv_std, b = β − k·μ), chunk by chunk."""
    k = inv_std if gamma is None else inv_std * gamma
    b = -k * mean if beta is None else beta - k * mean
    k, b = broadcast_channels(k, view), broadcast_channels(b, view)
    y = np.empty_like(view)
    for rows in chunks(view):
        np.multiply(view[rows], k, out=y[rows])
        y[rows] += b
    return y


def batch_norm_train_forward(
    x: np.ndarray, gamma: np.ndarray | None, beta: np.ndarray | None, eps: float
) -> tuple[np.ndarray, BatchNormSaved, np.ndarray, np.ndarray]:
    """Normalise with the batch's statistics; also return them: (y, saved, mean, biased var)."""
    channels_last = is_channels_last(x)
    view = channel_view(x, channels_last)
    mean64, var64 = batch_statistics(view, x.shape[1])
    mean = mean64.astype(x.dtype)
    inv_std = (1.0 / np.sqrt(var64 + eps)).astype(x.dtype)
    y = normalise(view, mean, inv_std, gamma, beta)
    saved = BatchNormSaved(view, mean, inv_std, gamma, True, channels_last)
    y = from_channel_view(y, x.shape, channels_last)
    return y, saved, mean, var64.astype(x.dtype)


def batch_norm_eval_forward(
    x: np.ndarray,
    gamma: np.ndarray | None,
    beta: np.ndarray | None,
    running_mean: np.ndarray,
    running_var: np.ndarray,
    eps: float,
) -> tuple[np.ndarray, BatchNormSaved]:
    """Normalise with fixed statistics (evaluation mode)."""
    channels_last = is_channels_last(x)
    view = channel_view(x, channels_last)
    mean = running_mean.astype(x.dtype)
    inv_std = (1.0 / np.sqrt(running_var + eps)).astype(x.dtype)
    y = normalise(view, mean, inv_std, gamma, beta)
    saved = BatchNormSaved(view, mean, inv_std, gamma, False, channels_last)
    return from_channel_view(y, x.shape, channels_last), saved


def batch_norm_backward(
    grad: np.ndarray, saved: BatchNormSaved, need_input: bool = True
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """(dx, dγ, dβ) for either mode; dx is None when not needed."""
    g, x = channel_view(grad, saved.channels_last), saved.x
    mean = broadcast_channels(saved.mean, x)
    channels = saved.mean.size
    dbeta, dgamma = np.zeros_like(saved.mean), np.zeros_like(saved.mean)
    for rows in chunks(x):  # dβ = Σ g,  dγ = Σ g·x̂ = inv_std · Σ g·(x − μ)
        centred = x[rows] - mean
        dbeta += channel_sum(g[rows], channels=channels)
        dgamma += channel_sum(g[rows], centred, channels=channels)
    dgamma *= saved.inv_std
    if not need_input:
        return None, dgamma, dbeta
    k = saved.inv_std if saved.gamma is None else saved.inv_std * saved.gamma
    dx = np.empty_like(g)
    if not saved.training:
        np.multiply(g, broadcast_channels(k, x), out=dx)
    else:  # dx = k·(g − dβ/M − x̂·dγ/M)
        m = x.size // channels
        slope = broadcast_channels(saved.inv_std * dgamma / m, x)
        shift, k = broadcast_channels(dbeta / m, x), broadcast_channels(k, x)
        for rows in chunks(x):
            x_hat_slope = x[rows] - mean
            x_hat_slope *= slope
            np.subtract(g[rows], x_hat_slope, out=dx[rows])
            dx[rows] -= shift
            dx[rows] *= k
    return from_channel_view(dx, grad.shape, saved.channels_last), dgamma, dbeta
