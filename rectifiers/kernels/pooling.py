"""Max and average pooling over kh×kw windows, NCHW.

Both loop over the kh·kw kernel taps, never over pixels: tap (i, j) of every
window at once is one strided slice of the padded image (``window_offsets``).

Max pooling:  out[n, c, p, q] = max_{i, j} xpad[n, c, p·sh + i, q·sw + j], xpad padded with −∞.
              The gradient goes to the *first* maximal tap in row-major order (as PyTorch),
              so a window of equal values (zeros after a ReLU) passes it to one element only.
              (A NaN input gets no gradient here; PyTorch routes it to the NaN.)
Average pooling: out = (1 / (kh·kw)) Σ_{i, j} xpad[...], zeros in the padding counted
              (PyTorch's ``count_include_pad=True``). Otherwise, and for the windows that
              ``ceil_mode`` lets hang over the border, each window divides by its own count
              (``avg_divisors``), as PyTorch.
Adaptive average pooling to (oh, ow): bin i covers rows ⌊i·H/oh⌋ … ⌈(i+1)·H/oh⌉ − 1 (bins may
              overlap or differ in size when oh does not divide H), one mean per bin.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._chunks import chunks
from ._windows import Padding, Pair, crop, output_size, pad_nchw, window_offsets


class PoolSaved(NamedTuple):
    """Geometry, plus (max pooling only) the padded input and the output, to find the winners."""

    x_shape: tuple[int, ...]
    kernel: Pair
    stride: Pair
    padding: Padding
    out_hw: Pair
    padded: np.ndarray | None = None
    out: np.ndarray | None = None
    divisor: np.ndarray | None = None  # average pooling: per-window counts, when not kh·kw


def _geometry(x_shape: tuple, kernel: Pair, stride: Pair, padding: Padding) -> Pair:
    h, w = x_shape[2:]
    return (
        output_size(h, kernel[0], stride[0], 1, sum(padding[0])),
        output_size(w, kernel[1], stride[1], 1, sum(padding[1])),
    )


def max_pool2d_forward(
    x: np.ndarray, kernel: Pair, stride: Pair, padding: Padding = ((0, 0), (0, 0))
) -> tuple[np.ndarray, PoolSaved]:
    """Max over each window: a running ``np.maximum`` over the kh·kw taps.

    Which tap won is not recorded here (masked writes would cost 10× the max
    itself); the backward finds it again from the saved input and output.
    """
    out_hw = _geometry(x.shape, kernel, stride, padding)
    padded = pad_nchw(x, padding, fill=-np.inf)
    taps = list(window_offsets(kernel, (1, 1), stride, out_hw))
    _, _, rows, cols = taps[0]
    out = np.empty_like(padded[:, :, rows, cols])  # x's memory layout (channels-last after a conv)
    for images in chunks(out):  # the kh·kw passes over a block run in cache
        block, block_out = padded[images], out[images]
        np.copyto(block_out, block[:, :, rows, cols])
        for _, _, rows_ij, cols_ij in taps[1:]:
            np.maximum(block_out, block[:, :, rows_ij, cols_ij], out=block_out)
    return out, PoolSaved(x.shape, kernel, stride, padding, out_hw, padded, out)


def max_pool2d_backward(grad: np.ndarray, saved: PoolSaved) -> np.ndarray:
    """Route each window's gradient to its first maximal tap (row-major), summing where windows overlap."""
    dx_padded = _zeros_padded(saved, grad)
    for images in chunks(saved.padded):  # four passes per tap: let them run in cache
        _route_to_winners(
            grad[images], saved.padded[images], saved.out[images], dx_padded[images], saved
        )
    return crop(dx_padded, saved.padding, *saved.x_shape[2:], channels_last=False)


def _route_to_winners(
    grad: np.ndarray, padded: np.ndarray, out: np.ndarray, dx_padded: np.ndarray, saved: PoolSaved
) -> None:
    """The backward for one block of images: each tap claims the windows it is the first maximum of."""
    overlapping = any(s < k for s, k in zip(saved.stride, saved.kernel))
    unclaimed = np.ones_like(out, dtype=bool)  # windows whose winner is still to be found
    for _, _, rows, cols in window_offsets(saved.kernel, (1, 1), saved.stride, saved.out_hw):
        won = padded[:, :, rows, cols] == out
        won &= unclaimed
        unclaimed ^= won
        if overlapping:
            dx_padded[:, :, rows, cols] += grad * won
        else:  # each pixel lies in one window only: write, no need to read and add
            np.multiply(grad, won, out=dx_padded[:, :, rows, cols])


def avg_pool2d_forward(
    x: np.ndarray,
    kernel: Pair,
    stride: Pair,
    padding: Padding = ((0, 0), (0, 0)),
    divisor: np.ndarray | None = None,
) -> tuple[np.ndarray, PoolSaved]:
    """Mean over each window: the window sum over kh·kw, or over ``divisor`` (oh, ow) per window."""
    out_hw = _geometry(x.shape, kernel, stride, padding)
    padded = pad_nchw(x, padding)
    out = np.zeros_like(padded[:, :, : out_hw[0], : out_hw[1]])  # same memory layout as x
    for _, _, rows, cols in window_offsets(kernel, (1, 1), stride, out_hw):
        out += padded[:, :, rows, cols]
    if divisor is None:
        out *= x.dtype.type(1.0 / (kernel[0] * kernel[1]))
    else:
        out /= divisor.astype(x.dtype)
    return out, PoolSaved(x.shape, kernel, stride, padding, out_hw, divisor=divisor)


def avg_divisors(
    x_hw: Pair, kernel: Pair, stride: Pair, pad: Pair, out_hw: Pair, count_include_pad: bool
) -> np.ndarray:
    """How many elements each window averages, (oh, ow), as PyTorch counts them.

    A window starting at s·i − p covers up to the padded border; with
    ``count_include_pad=False`` only the input's own elements count.
    """
    counts = []
    for size, k, s, p, o in zip(x_hw, kernel, stride, pad, out_hw):
        start = np.arange(o) * s - p
        end = np.minimum(start + k, size + p)
        if not count_include_pad:
            start, end = np.maximum(start, 0), np.minimum(end, size)
        counts.append(end - start)
    return np.outer(*counts)


def adaptive_bins(size: int, out: int) -> list[tuple[int, int]]:
    """PyTorch's adaptive bins: [⌊i·size/out⌋, ⌈(i+1)·size/out⌉) for i < out."""
    return [(i * size // out, -(-(i + 1) * size // out)) for i in range(out)]


def adaptive_avg_pool2d_forward(x: np.ndarray, out_hw: Pair) -> np.ndarray:
    """One mean per (row bin, column bin); a loop over the oh·ow bins, each a vectorised mean."""
    rows, cols = adaptive_bins(x.shape[2], out_hw[0]), adaptive_bins(x.shape[3], out_hw[1])
    out = np.empty(x.shape[:2] + tuple(out_hw), dtype=x.dtype)
    for i, (r0, r1) in enumerate(rows):
        for j, (c0, c1) in enumerate(cols):
            out[:, :, i, j] = x[:, :, r0:r1, c0:c1].mean(axis=(2, 3))
    return out


def adaptive_avg_pool2d_backward(grad: np.ndarray, x_shape: tuple[int, ...]) -> np.ndarray:
    """Each bin spreads its gradient evenly over its elements (summed where bins overlap)."""
    rows, cols = adaptive_bins(x_shape[2], grad.shape[2]), adaptive_bins(x_shape[3], grad.shape[3])
    dx = np.zeros(x_shape, dtype=grad.dtype)
    for i, (r0, r1) in enumerate(rows):
        for j, (c0, c1) in enumerate(cols):
            share = grad[:, :, i, j] / grad.dtype.type((r1 - r0) * (c1 - c0))
            dx[:, :, r0:r1, c0:c1] += share[:, :, None, None]
    return dx


def avg_pool2d_backward(grad: np.ndarray, saved: PoolSaved) -> np.ndarray:
    """Each tap of a window receives 1/(kh·kw) (or 1/count) of the window's gradient."""
    dx_padded = _zeros_padded(saved, grad)
    if saved.divisor is None:
        share = grad * grad.dtype.type(1.0 / (saved.kernel[0] * saved.kernel[1]))
    else:
        share = grad / saved.divisor.astype(grad.dtype)
    for _, _, rows, cols in window_offsets(saved.kernel, (1, 1), saved.stride, saved.out_hw):
        dx_padded[:, :, rows, cols] += share
    return crop(dx_padded, saved.padding, *saved.x_shape[2:], channels_last=False)


def _zeros_padded(saved: PoolSaved, like: np.ndarray) -> np.ndarray:
    """Zeros of the padded input's shape, channels-last in memory when ``like`` is (as after a conv)."""
    n, c, h, w = saved.x_shape
    (top, bottom), (left, right) = saved.padding
    hp, wp = h + top + bottom, w + left + right
    if like.strides[1] == like.itemsize and c > 1:
        return np.zeros((n, hp, wp, c), dtype=like.dtype).transpose(0, 3, 1, 2)
    return np.zeros((n, c, hp, wp), dtype=like.dtype)
