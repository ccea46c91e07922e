"""Max and average pooling over kh×kw windows, NCHW.

Both loop over the kh·kw kernel taps, never over pixels: tap (i, j) of every
window at once is one strided slice of the padded image (``window_offsets``).

Max pooling:  out[n, c, p, q] = max_{i, j} xpad[n, c, p·sh + i, q·sw + j], xpad padded with −∞.
              The gradient goes to the *first* maximal tap in row-major order (as PyTorch),
              so a window of equal values (zeros after a ReLU) passes it to one element only.
Average pooling: out = (1 / (kh·kw)) Σ_{i, j} xpad[...], zeros in the padding counted
              (PyTorch's ``count_include_pad=True``).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._windows import Padding, Pair, crop, output_size, pad_nchw, window_offsets


class PoolSaved(NamedTuple):
    """Geometry, plus (max pooling only) which tap won each window."""

    x_shape: tuple[int, ...]
    kernel: Pair
    stride: Pair
    padding: Padding
    out_hw: Pair
    argmax: np.ndarray | None


def _geometry(x_shape: tuple, kernel: Pair, stride: Pair, padding: Padding) -> Pair:
    h, w = x_shape[2:]
    return (
        output_size(h, kernel[0], stride[0], 1, sum(padding[0])),
        output_size(w, kernel[1], stride[1], 1, sum(padding[1])),
    )


def max_pool2d_forward(
    x: np.ndarray, kernel: Pair, stride: Pair, padding: Padding = ((0, 0), (0, 0))
) -> tuple[np.ndarray, PoolSaved]:
    """Max over each window; remembers the winning tap (int16 index i·kw + j) for the backward."""
    out_hw = _geometry(x.shape, kernel, stride, padding)
    padded = pad_nchw(x, padding, fill=-np.inf)
    taps = window_offsets(kernel, (1, 1), stride, out_hw)
    _, _, rows, cols = next(taps)
    out = padded[:, :, rows, cols].copy(order="K")  # keep x's memory layout (channels-last after a conv)
    argmax = np.zeros_like(out, dtype=np.int16)
    for i, j, rows, cols in taps:
        candidate = padded[:, :, rows, cols]
        better = candidate > out  # strict: ties keep the earlier tap
        np.copyto(out, candidate, where=better)
        np.copyto(argmax, np.int16(i * kernel[1] + j), where=better)
    return out, PoolSaved(x.shape, kernel, stride, padding, out_hw, argmax)


def max_pool2d_backward(grad: np.ndarray, saved: PoolSaved) -> np.ndarray:
    """Route each window's gradient to its winning tap (a sum where windows overlap)."""
    dx_padded = _zeros_padded(saved, grad.dtype)
    overlapping = any(s < k for s, k in zip(saved.stride, saved.kernel))
    for i, j, rows, cols in window_offsets(saved.kernel, (1, 1), saved.stride, saved.out_hw):
        won = saved.argmax == i * saved.kernel[1] + j
        if overlapping:
            dx_padded[:, :, rows, cols] += grad * won
        else:  # each pixel lies in one window only: write, no need to read and add
            np.multiply(grad, won, out=dx_padded[:, :, rows, cols])
    return crop(dx_padded, saved.padding, *saved.x_shape[2:], channels_last=False)


def avg_pool2d_forward(
    x: np.ndarray, kernel: Pair, stride: Pair, padding: Padding = ((0, 0), (0, 0))
) -> tuple[np.ndarray, PoolSaved]:
    """Mean over each window (padding zeros included in the count)."""
    out_hw = _geometry(x.shape, kernel, stride, padding)
    padded = pad_nchw(x, padding)
    out = np.zeros_like(padded[:, :, : out_hw[0], : out_hw[1]])  # same memory layout as x
    for _, _, rows, cols in window_offsets(kernel, (1, 1), stride, out_hw):
        out += padded[:, :, rows, cols]
    out *= x.dtype.type(1.0 / (kernel[0] * kernel[1]))
    return out, PoolSaved(x.shape, kernel, stride, padding, out_hw, None)


def avg_pool2d_backward(grad: np.ndarray, saved: PoolSaved) -> np.ndarray:
    """Each tap of a window receives 1/(kh·kw) of the window's gradient."""
    dx_padded = _zeros_padded(saved, grad.dtype)
    share = grad * grad.dtype.type(1.0 / (saved.kernel[0] * saved.kernel[1]))
    for _, _, rows, cols in window_offsets(saved.kernel, (1, 1), saved.stride, saved.out_hw):
        dx_padded[:, :, rows, cols] += share
    return crop(dx_padded, saved.padding, *saved.x_shape[2:], channels_last=False)


def _zeros_padded(saved: PoolSaved, dtype: np.dtype) -> np.ndarray:
    n, c, h, w = saved.x_shape
    (top, bottom), (left, right) = saved.padding
    return np.zeros((n, c, h + top + bottom, w + left + right), dtype=dtype)
