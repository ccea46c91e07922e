"""Batch normalisation over the channel axis (axis 1) of (N, C), (N, C, L) or (N, C, H, W) arrays.

Training, with statistics over the M = N (·L or ·H·W) values of each channel c:

    μ = mean(x),  σ² = mean((x − μ)²) (biased),  x̂ = (x − μ)/√(σ² + ε),  y = γ·x̂ + β
    dβ = Σ g,   dγ = Σ g·x̂,   dx = k·(g − dβ/M − x̂·dγ/M)   with k = γ/√(σ² + ε)

dx is the chain rule through μ and σ² collapsed (derived step by step in
docs/derivations.md). Evaluation uses fixed running statistics: dx = k·g.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import _layout as layout


def batch_norm_train_reference(x, gamma, beta, eps: float) -> tuple:
    """(y, μ, σ²) in the textbook form: every quantity as its own array."""
    axes, shape = per_channel(x)
    mean, var = x.mean(axis=axes), x.var(axis=axes)
    x_hat = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)
    return gamma.reshape(shape) * x_hat + beta.reshape(shape), mean, var


def batch_norm_backward_reference(grad, x, gamma, eps: float) -> tuple:
    """(dx, dγ, dβ) for the training forward."""
    axes, shape = per_channel(x)
    mean, var = x.mean(axis=axes), x.var(axis=axes)
    x_hat = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)
    m = x.size // x.shape[1]
    dbeta, dgamma = grad.sum(axis=axes), (grad * x_hat).sum(axis=axes)
    k = (gamma / np.sqrt(var + eps)).reshape(shape)
    dx = k * (grad - dbeta.reshape(shape) / m - x_hat * dgamma.reshape(shape) / m)
    return dx, dgamma, dbeta


def per_channel(x: np.ndarray) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(the axes to sum over: all but 1, the shape (1, C, 1, …) a (C,) vector broadcasts as)."""
    return (0, *range(2, x.ndim)), (1, -1) + (1,) * (x.ndim - 2)


# --- fast -----------------------------------------------------------------------------
# What differs, and why:
# * every array is walked through a *channel view* (``_layout.channel_view``):
#   rows of positions × channels when it lies channels-last in memory (a conv's
#   output), (N, C, H·W) for a C-ordered array. Either is free, and y and dx
#   come back in x's memory layout;
# * each pass walks the array in cache-sized blocks, so the several operations
#   a block needs (centre, square, scale, shift) find it in cache: the forward
#   reads x twice and writes y, the backward reads g and x twice and writes dx;
# * y = k·x + b with k = γ/√(σ² + ε), b = β − k·μ: one multiply-add per element;
# * x̂ is never stored: x is kept (by reference) and x̂ recomputed per block;
# * the statistics are merged block by block in float64 (Chan et al.), with no
#   Σx² − M·μ² cancellation, so a large mean keeps the variance accurate.


class BatchNormSaved(NamedTuple):
    x: np.ndarray  # the channel view of the input: (M/r, r·C) folded channels-last, or (N, C, S)
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

    def block(rows: slice) -> tuple[int, np.ndarray, np.ndarray]:  # count, mean, Σ(x − mean)²
        chunk = view[rows]
        n_chunk = chunk.size // channels
        chunk_mean = layout.channel_sum(chunk, channels=channels).astype(np.float64) / n_chunk
        centred = chunk - layout.broadcast_channels(chunk_mean.astype(view.dtype), chunk)
        return n_chunk, chunk_mean, layout.channel_sum(centred, centred, channels=channels)

    count, mean, m2 = 0, 0.0, 0.0
    for n_chunk, chunk_mean, chunk_m2 in layout.map_blocks(view, block):  # merged in order
        delta = chunk_mean - mean
        total = count + n_chunk
        mean = mean + delta * (n_chunk / total)
        m2 = m2 + chunk_m2.astype(np.float64) + delta**2 * (count * n_chunk / total)
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
    k, b = layout.broadcast_channels(k, view), layout.broadcast_channels(b, view)
    y = np.empty_like(view)

    def block(rows: slice) -> None:
        np.multiply(view[rows], k, out=y[rows])
        y[rows] += b

    layout.map_blocks(view, block)
    return y


def batch_norm_train_forward(
    x: np.ndarray, gamma: np.ndarray | None, beta: np.ndarray | None, eps: float
) -> tuple[np.ndarray, BatchNormSaved, np.ndarray, np.ndarray]:
    """Normalise with the batch's statistics; also return them: (y, saved, mean, biased var)."""
    channels_last = layout.is_channels_last(x)
    view = layout.channel_view(x, channels_last)
    mean64, var64 = batch_statistics(view, x.shape[1])
    mean = mean64.astype(x.dtype)
    inv_std = (1.0 / np.sqrt(var64 + eps)).astype(x.dtype)
    y = normalise(view, mean, inv_std, gamma, beta)
    saved = BatchNormSaved(view, mean, inv_std, gamma, True, channels_last)
    y = layout.from_channel_view(y, x.shape, channels_last)
    return y, saved, mean, var64.astype(x.dtype)


def update_running_statistics(
    running_mean: np.ndarray,
    running_var: np.ndarray,
    mean: np.ndarray,
    var: np.ndarray,
    momentum: float,
    count: int,
) -> None:
    """In place: running ← (1 − momentum)·running + momentum·batch, as PyTorch.

    The running variance tracks the *unbiased* batch variance σ²·M/(M − 1),
    M = ``count`` values per channel, although training normalises with the biased one.
    """
    running_mean *= 1 - momentum
    running_mean += momentum * mean.astype(running_mean.dtype)
    running_var *= 1 - momentum
    running_var += momentum * (var * (count / (count - 1))).astype(running_var.dtype)


def batch_norm_eval_forward(
    x: np.ndarray,
    gamma: np.ndarray | None,
    beta: np.ndarray | None,
    running_mean: np.ndarray,
    running_var: np.ndarray,
    eps: float,
) -> tuple[np.ndarray, BatchNormSaved]:
    """Normalise with fixed statistics (evaluation mode)."""
    channels_last = layout.is_channels_last(x)
    view = layout.channel_view(x, channels_last)
    mean = running_mean.astype(x.dtype)
    inv_std = (1.0 / np.sqrt(running_var + eps)).astype(x.dtype)
    y = normalise(view, mean, inv_std, gamma, beta)
    saved = BatchNormSaved(view, mean, inv_std, gamma, False, channels_last)
    return layout.from_channel_view(y, x.shape, channels_last), saved


def batch_norm_backward(
    grad: np.ndarray, saved: BatchNormSaved, need_input: bool = True
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """(dx, dγ, dβ) for either mode; dx is None when not needed."""
    g, x = layout.channel_view(grad, saved.channels_last), saved.x
    mean = layout.broadcast_channels(saved.mean, x)
    channels = saved.mean.size

    def sums(rows: slice) -> tuple[np.ndarray, np.ndarray]:  # dβ = Σ g, Σ g·(x − μ)
        centred = x[rows] - mean
        return (
            layout.channel_sum(g[rows], channels=channels),
            layout.channel_sum(g[rows], centred, channels=channels),
        )

    dbeta, dgamma = np.zeros_like(saved.mean), np.zeros_like(saved.mean)
    for dbeta_part, dgamma_part in layout.map_blocks(x, sums):  # added in block order
        dbeta += dbeta_part
        dgamma += dgamma_part
    dgamma *= saved.inv_std  # dγ = Σ g·x̂ = inv_std · Σ g·(x − μ)
    if not need_input:
        return None, dgamma, dbeta
    k = saved.inv_std if saved.gamma is None else saved.inv_std * saved.gamma
    dx = np.empty_like(g)
    if not saved.training:
        np.multiply(g, layout.broadcast_channels(k, x), out=dx)
    else:  # dx = k·(g − dβ/M − x̂·dγ/M)
        m = x.size // channels
        slope = layout.broadcast_channels(saved.inv_std * dgamma / m, x)
        shift, k = layout.broadcast_channels(dbeta / m, x), layout.broadcast_channels(k, x)

        def block(rows: slice) -> None:
            x_hat_slope = x[rows] - mean
            x_hat_slope *= slope
            np.subtract(g[rows], x_hat_slope, out=dx[rows])
            dx[rows] -= shift
            dx[rows] *= k

        layout.map_blocks(x, block)
    return layout.from_channel_view(dx, grad.shape, saved.channels_last), dgamma, dbeta
