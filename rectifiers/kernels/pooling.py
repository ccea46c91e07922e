"""Max and average pooling over kh×kw windows of (N, C, H, W) arrays.

Tap (i, j) of every window at once is one strided slab of the padded input
(``windows.window_offsets``), so both poolings loop over the kh·kw taps,
never over pixels:

    max:  out = max over the taps (padding −∞); the gradient goes to the *first*
          maximal tap in row-major order (as PyTorch), so a window of equal values
          (zeros after a ReLU) passes it to one element only
    avg:  out = (1/(kh·kw)) Σ over the taps (zeros in the padding counted); each
          tap gets 1/(kh·kw) of the window's gradient. With ``count_include_pad=False``
          or ``ceil_mode`` each window divides by its own count (``avg_divisors``).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._layout import crop, is_channels_last, map_blocks, pad_nchw, zeros
from .windows import Padding, Pair, output_size, window_offsets


def max_pool2d_reference(x, kernel, stride, padding) -> np.ndarray:
    return np.max(tap_slabs(pad_nchw(x, padding, -np.inf), kernel, stride), axis=0)


def max_pool2d_backward_reference(grad, x, kernel, stride, padding) -> np.ndarray:
    padded = pad_nchw(x, padding, -np.inf)
    winner = np.argmax(tap_slabs(padded, kernel, stride), axis=0)  # the first maximum
    dx = np.zeros_like(padded)
    for tap, (_, _, rows, cols) in enumerate(taps_of(padded, kernel, stride)):
        dx[:, :, rows, cols] += np.where(winner == tap, grad, 0)
    return crop(dx, padding, *x.shape[2:], channels_last=False)


def avg_pool2d_reference(x, kernel, stride, padding) -> np.ndarray:
    return np.mean(tap_slabs(pad_nchw(x, padding), kernel, stride), axis=0)


def avg_pool2d_backward_reference(grad, x, kernel, stride, padding) -> np.ndarray:
    dx = np.zeros_like(pad_nchw(x, padding))
    for _, _, rows, cols in taps_of(dx, kernel, stride):
        dx[:, :, rows, cols] += grad / (kernel[0] * kernel[1])
    return crop(dx, padding, *x.shape[2:], channels_last=False)


def tap_slabs(padded: np.ndarray, kernel: Pair, stride: Pair) -> np.ndarray:
    """(kh·kw, N, C, Ho, Wo): what each tap sees at every output position."""
    return np.stack(
        [padded[:, :, rows, cols] for _, _, rows, cols in taps_of(padded, kernel, stride)]
    )


def taps_of(padded: np.ndarray, kernel: Pair, stride: Pair):
    """The kernel taps over an already padded input (no padding left to account for)."""
    out_hw = _geometry(padded.shape, kernel, stride, ((0, 0), (0, 0)))
    return window_offsets(kernel, (1, 1), stride, out_hw)


# --- fast -----------------------------------------------------------------------------
# What differs: max pooling keeps a running maximum instead of stacking the taps
# (no (kh·kw)× array), and walks blocks of images so the kh·kw passes over a
# block run in cache; which tap won is not recorded in the forward (masked
# writes cost 10× the max itself): the backward finds it again from the saved
# input and output. Buffers are made in x's memory layout (channels-last after
# a conv). Adaptive average pooling has no separate reference: it is one
# vectorised mean per bin already.


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
    """Equal to ``max_pool2d_reference``: a running ``np.maximum`` over the kh·kw taps."""
    out_hw = _geometry(x.shape, kernel, stride, padding)
    padded = pad_nchw(x, padding, fill=-np.inf)
    taps = list(window_offsets(kernel, (1, 1), stride, out_hw))
    _, _, rows, cols = taps[0]
    out = np.empty_like(padded[:, :, rows, cols])  # x's memory layout (channels-last after a conv)

    def block(images: slice) -> None:  # the kh·kw passes over a block of images run in cache
        block, block_out = padded[images], out[images]
        np.copyto(block_out, block[:, :, rows, cols])
        for _, _, rows_ij, cols_ij in taps[1:]:
            np.maximum(block_out, block[:, :, rows_ij, cols_ij], out=block_out)

    map_blocks(out, block)
    return out, PoolSaved(x.shape, kernel, stride, padding, out_hw, padded, out)


def max_pool2d_backward(grad: np.ndarray, saved: PoolSaved) -> np.ndarray:
    """Equal to ``max_pool2d_backward_reference``: each window's gradient to its first maximal
    tap (row-major), summed where windows overlap."""
    dx_padded = _zeros_padded(saved, grad)

    def block(images: slice) -> None:  # four passes per tap: let them run in cache
        _route_to_winners(
            grad[images], saved.padded[images], saved.out[images], dx_padded[images], saved
        )

    map_blocks(saved.padded, block)
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
    """Zeros of the padded input's shape, in ``like``'s memory layout (channels-last after a conv)."""
    n, c, h, w = saved.x_shape
    (top, bottom), (left, right) = saved.padding
    shape = (n, c, h + top + bottom, w + left + right)
    return zeros(shape, like.dtype, channels_last=is_channels_last(like))
