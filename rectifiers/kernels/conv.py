"""2-D convolution (cross-correlation, as in PyTorch): x (N, C, H, W), weight (F, C/groups, kh, kw).

    out[n, f, p, q] = b[f] + Σ_{c, i, j} W[f, c, i, j] · xpad[n, c, p·sh + i·dh, q·sw + j·dw]

Each kernel tap (i, j) sees one strided slab of the padded input, so the
output is a sum over the kh·kw taps, and the backward sends g back along the
same slabs: tap (i, j) of dx receives g times that tap's weights, and
dW[:, :, i, j] correlates g with that tap's slab. For stride 1 that sum is a
full correlation of g with the flipped, transposed kernel (docs/derivations.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import numpy as np

from . import _layout, blas
from ._layout import crop, images_per_im2col_block, pad_nhwc, share_out
from .windows import Padding, Pair, channels_last_windows, output_size, window_offsets


def conv2d_reference(x, weight, bias, stride, padding, dilation, groups=1) -> np.ndarray:
    n, f = len(x), len(weight)
    xg, wg, taps = _groups_and_taps(x, weight, stride, padding, dilation, groups)
    out = sum(np.einsum("ngcpq,gfc->ngfpq", xg[..., r, c], wg[..., i, j]) for i, j, r, c in taps)
    out = out.reshape(n, f, *out.shape[-2:])
    return out if bias is None else out + bias.reshape(1, -1, 1, 1)


def conv2d_backward_reference(grad, x, weight, stride, padding, dilation, groups=1) -> tuple:
    xg, wg, taps = _groups_and_taps(x, weight, stride, padding, dilation, groups)
    gg = grad.reshape(len(x), groups, -1, *grad.shape[2:])
    dxg, dwg = np.zeros_like(xg), np.zeros_like(wg)
    for i, j, rows, cols in taps:
        dxg[..., rows, cols] += np.einsum("ngfpq,gfc->ngcpq", gg, wg[..., i, j])
        dwg[..., i, j] = np.einsum("ngfpq,ngcpq->gfc", gg, xg[..., rows, cols])
    dx = crop(dxg.reshape(len(x), x.shape[1], *dxg.shape[-2:]), padding, *x.shape[2:], False)
    return dx, dwg.reshape(weight.shape), grad.sum(axis=(0, 2, 3))


def _groups_and_taps(x, weight, stride, padding, dilation, groups) -> tuple:
    """x padded as (N, G, C/G, Hp, Wp), W as (G, F/G, C/G, kh, kw), and the taps' slices."""
    xpad = np.pad(x, ((0, 0), (0, 0), *padding))
    kernel = weight.shape[2:]
    out_hw = tuple(
        output_size(size, k, s, d, sum(p))
        for size, k, s, d, p in zip(x.shape[2:], kernel, stride, dilation, padding)
    )
    xg = xpad.reshape(len(x), groups, -1, *xpad.shape[2:])
    wg = weight.reshape(groups, -1, *weight.shape[1:])
    return xg, wg, list(window_offsets(kernel, dilation, stride, out_hw))


# --- fast: im2col + GEMM --------------------------------------------------------------
# im2col lays every window out as one row of a matrix ``cols`` of shape
# (N·Ho·Wo, kh·kw·C), and the convolution becomes one matrix product, the
# operation a CPU does fastest: out = cols @ Wᵀ with W as (F, kh·kw·C).
# The rows are built channels-last, (n, p, q) × (i, j, c), so
#
# * the GEMM's (N·Ho·Wo, F) result already *is* the output in NHWC memory: the
#   NCHW array handed back is a transposed view of it, no copy;
# * a 1×1 convolution with stride 1 needs no im2col at all when its input lies
#   channels-last in memory (the previous conv's output): ``cols`` is a view.
#
# The matrix is never built whole: ``im2col_chunks`` fills it a few images at
# a time into one cache-sized buffer, and each block's rows of the product are
# computed before the next block overwrites it (1.2–1.8× faster, and the 9×-
# the-input matrix never exists). With two or more threads, each takes a share
# of the blocks, copying and multiplying them on one BLAS thread (``each_block``):
# the copies run in parallel too (a 32→32 3×3 forward 19.1 → 14.9 ms, two cores).
#
# Backward, with G = dL/dout as an (N·Ho·Wo, F) matrix: dW = Gᵀ @ cols,
# db = Σ_rows G, and
#   dx, stride 1:  the full correlation of G, zero-padded by dilation·(k − 1) −
#                  padding, with the flipped, transposed kernel: the same im2col
#                  and one GEMM as the forward (1.3–2.7× faster than col2im for
#                  32 or more channels);
#   dx, stride > 1: dcols = G @ W, then col2im: each of the kh·kw taps adds its
#                  slab back into the padded input gradient, as the reference.


class ConvSaved(NamedTuple):
    """What the backward needs: the padded channels-last input and the geometry.

    The forward's padded copy is kept (not x) so the weight gradient need not pad again.
    """

    x_padded: np.ndarray | None  # (N, Hp, Wp, C); a view of x when there is no padding
    weight: np.ndarray
    x_shape: tuple[int, ...]
    stride: Pair
    padding: Padding
    dilation: Pair
    groups: int
    out_hw: Pair


def conv2d_forward(
    x: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray | None,
    stride: Pair = (1, 1),
    padding: Padding = ((0, 0), (0, 0)),
    dilation: Pair = (1, 1),
    groups: int = 1,
    keep_input: bool = True,
) -> tuple[np.ndarray, ConvSaved]:
    """Equal to ``conv2d_reference``: the output (NCHW shape, NHWC memory) and what the backward needs.

    ``keep_input=False`` keeps no reference to x (no weight gradient will be asked for).
    Arguments are assumed valid (``rectifiers.functional.conv2d`` checks them).
    """
    n, c, h, w = x.shape
    f, _, kh, kw = weight.shape
    ho = output_size(h, kh, stride[0], dilation[0], sum(padding[0]))
    wo = output_size(w, kw, stride[1], dilation[1], sum(padding[1]))
    x_padded = pad_nhwc(x.transpose(0, 2, 3, 1), padding)
    windows = channels_last_windows(x_padded, (kh, kw), stride, dilation, (ho, wo))
    out = np.empty((n * ho * wo, f), dtype=x.dtype)
    for in_ch, out_ch in group_channels(weight, groups):
        _windows_times(windows[..., in_ch], _weight_matrix(weight[out_ch]).T, out[:, out_ch])
    if bias is not None:
        out += bias
    out_nchw = out.reshape(n, ho, wo, f).transpose(0, 3, 1, 2)
    kept = x_padded if keep_input else None
    saved = ConvSaved(kept, weight, x.shape, stride, padding, dilation, groups, (ho, wo))
    return out_nchw, saved


def group_channels(weight: np.ndarray, groups: int) -> Iterator[tuple[slice, slice]]:
    """(input channels, output channels) of each group, in order.

    >>> list(group_channels(np.zeros((4, 3, 1, 1)), groups=2))
    [(slice(0, 3, None), slice(0, 2, None)), (slice(3, 6, None), slice(2, 4, None))]
    """
    f, c_per_group = weight.shape[:2]
    f_per_group = f // groups
    for g in range(groups):
        yield (
            slice(g * c_per_group, (g + 1) * c_per_group),
            slice(g * f_per_group, (g + 1) * f_per_group),
        )


def im2col_chunks(
    windows: np.ndarray, images: list[slice] | None = None
) -> Iterator[tuple[slice, np.ndarray]]:
    """Yield (rows, cols): the im2col matrix of a few images at a time.

    ``windows`` is the (N, Ho, Wo, kh, kw, C) view of ``channels_last_windows``;
    ``cols`` is the (images·Ho·Wo, kh·kw·C) matrix of the images whose output
    rows are ``rows``; ``images`` picks the blocks (default: all of ``image_blocks``).
    Every chunk reuses one buffer: use it before the next. When the matrix is a
    free view of the input (1×1 kernel, stride 1, channels-last input, no
    padding), it is yielded whole, uncopied.
    """
    n, ho, wo, kh, kw, c = windows.shape
    if is_free_view(windows):  # the input is the matrix: its rows, uncopied
        matrix = windows.reshape(n * ho * wo, c)
        for block in images or [slice(0, n)]:
            rows = slice(block.start * ho * wo, block.stop * ho * wo)
            yield rows, matrix[rows]
        return
    images = image_blocks(windows) if images is None else images
    buffer = np.empty((images[0].stop - images[0].start, ho, wo, kh, kw, c), dtype=windows.dtype)
    for block in images:
        chunk = buffer[: block.stop - block.start]
        np.copyto(chunk, windows[block])
        rows = slice(block.start * ho * wo, block.stop * ho * wo)
        yield rows, chunk.reshape(-1, kh * kw * c)


def is_free_view(windows: np.ndarray) -> bool:
    """A 1×1, stride-1 window view of a channels-last input: its im2col matrix is the input."""
    kh, kw = windows.shape[3:5]
    return kh == kw == 1 and windows[:, :, :, 0, 0, :].flags.c_contiguous


def image_blocks(windows: np.ndarray) -> list[slice]:
    """The images of each im2col block: as many as fill ``IM2COL_CHUNK_BYTES``."""
    n = len(windows)
    step = images_per_im2col_block(n, windows[:1].size * windows.itemsize)
    return [slice(start, min(start + step, n)) for start in range(0, n, step)]


def each_block(windows: np.ndarray, work: Callable[[slice, np.ndarray], Any]) -> list[Any]:
    """``work(rows, cols)`` for every im2col block, in block order.

    With more than one thread (``_layout.THREADS``) and a BLAS that can be told
    to use one (``blas.py``), the blocks are shared out over the threads — each
    copies its blocks into its own buffer and multiplies them on one BLAS thread —
    so the copies run in parallel too. The blocks are the same either way, so are
    the results.
    """
    blocks = image_blocks(windows)
    one_thread = _layout.THREADS < 2 or not blas.controllable  # then BLAS's own threads
    if one_thread or len(blocks) < 2:  # (a 1×1 view: one whole GEMM)
        return [work(rows, cols) for rows, cols in im2col_chunks(windows)]

    def run(images: list[slice]) -> list[Any]:
        return [work(rows, cols) for rows, cols in im2col_chunks(windows, images)]

    with blas.one_blas_thread():
        return share_out(blocks, run)


def _windows_times(windows: np.ndarray, matrix: np.ndarray, out: np.ndarray) -> None:
    """out = im2col(windows) @ matrix, block by block, into ``out`` of shape (N·Ho·Wo, F)."""
    each_block(windows, lambda rows, cols: np.matmul(cols, matrix, out=out[rows]))


def conv2d_backward(
    grad: np.ndarray,
    saved: ConvSaved,
    need_input: bool = True,
    need_weight: bool = True,
    need_bias: bool = True,
) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray | None]:
    """(dx, dweight, dbias), equal to ``conv2d_backward_reference``; each None when not needed."""
    f = saved.weight.shape[0]
    # Made NHWC once, here (free when it already is, as a gradient arriving from
    # the layers after a conv usually is); every path below works on it.
    g_nhwc = np.ascontiguousarray(grad.transpose(0, 2, 3, 1))
    g_rows = g_nhwc.reshape(-1, f)
    dweight = _weight_grad(g_rows, saved) if need_weight else None
    dx = None
    if need_input:
        correlation_padding = _correlation_padding(saved)
        if saved.stride == (1, 1) and correlation_padding is not None:
            dx_nhwc = _input_grad_by_correlation(g_nhwc, correlation_padding, saved)
        else:
            dx_nhwc = _input_grad_by_col2im(g_rows, saved)
        dx = dx_nhwc.transpose(0, 3, 1, 2)
    dbias = _layout.column_sums(g_rows) if need_bias else None
    return dx, dweight, dbias


def _weight_grad(g_rows: np.ndarray, saved: ConvSaved) -> np.ndarray:
    """dW = Gᵀ @ cols per group, summed over image chunks of the saved input's im2col."""
    weight = saved.weight
    f, c_per_group, kh, kw = weight.shape
    windows = channels_last_windows(
        saved.x_padded, (kh, kw), saved.stride, saved.dilation, saved.out_hw
    )
    dweight = np.empty_like(weight)
    for in_ch, out_ch in group_channels(weight, saved.groups):
        dw_matrix = np.zeros((f // saved.groups, kh * kw * c_per_group), dtype=weight.dtype)
        g_group = g_rows[:, out_ch]
        for part in each_block(windows[..., in_ch], lambda rows, cols, g=g_group: g[rows].T @ cols):
            dw_matrix += part  # added in block order: the same sum for any thread count
        dweight[out_ch] = dw_matrix.reshape(-1, kh, kw, c_per_group).transpose(0, 3, 1, 2)
    return dweight


def _correlation_padding(saved: ConvSaved) -> Padding | None:
    """Padding of G for the stride-1 input gradient: dilation·(k − 1) − padding on each side.

    None when the forward's padding reaches wider than the kernel (it would be negative).
    """
    kernel = saved.weight.shape[2:]
    pads = tuple(
        (d * (k - 1) - before, d * (k - 1) - after)
        for d, k, (before, after) in zip(saved.dilation, kernel, saved.padding)
    )
    return None if min(min(p) for p in pads) < 0 else pads


def _input_grad_by_correlation(
    g_nhwc: np.ndarray, padding: Padding, saved: ConvSaved
) -> np.ndarray:
    """dx (N, H, W, C) for stride 1: im2col of the padded G, times the flipped kernel."""
    weight = saved.weight
    c_per_group, kh, kw = weight.shape[1:]
    n, c, h, w = saved.x_shape
    windows = channels_last_windows(
        pad_nhwc(g_nhwc, padding), (kh, kw), (1, 1), saved.dilation, (h, w)
    )
    dx = np.empty((n * h * w, c), dtype=g_nhwc.dtype)
    for in_ch, out_ch in group_channels(weight, saved.groups):
        flipped = weight[out_ch, :, ::-1, ::-1].transpose(1, 2, 3, 0).reshape(c_per_group, -1)
        _windows_times(windows[..., out_ch], flipped.T, dx[:, in_ch])
    return dx.reshape(n, h, w, c)


def _input_grad_by_col2im(g_rows: np.ndarray, saved: ConvSaved) -> np.ndarray:
    """dx (N, H, W, C) for any stride: dcols = G @ W per group, then col2im, then crop the padding."""
    n, c, h, w = saved.x_shape
    (top, bottom), (left, right) = saved.padding
    dx_padded = np.zeros((n, h + top + bottom, w + left + right, c), dtype=g_rows.dtype)
    for in_ch, out_ch in group_channels(saved.weight, saved.groups):
        dcols = g_rows[:, out_ch] @ _weight_matrix(saved.weight[out_ch])
        _col2im(dcols, dx_padded[..., in_ch], saved)
    return crop(dx_padded, saved.padding, h, w, channels_last=True)


def _weight_matrix(weight: np.ndarray) -> np.ndarray:
    """(F, C, kh, kw) → (F, kh·kw·C): the filter as one row, in the (i, j, c) order of ``cols``."""
    return weight.transpose(0, 2, 3, 1).reshape(len(weight), -1)


def _col2im(dcols: np.ndarray, dx_padded: np.ndarray, saved: ConvSaved) -> None:
    """Add each window row of ``dcols`` back to the pixels it was read from.

    Overlapping windows read a pixel several times, so its gradient is a sum.
    One strided add per kernel tap (kh·kw of them) covers every window at once.
    """
    kernel = saved.weight.shape[2:]
    ho, wo = saved.out_hw
    taps = dcols.reshape(len(dx_padded), ho, wo, *kernel, -1)
    for i, j, rows, cols in window_offsets(kernel, saved.dilation, saved.stride, saved.out_hw):
        dx_padded[:, rows, cols, :] += taps[:, :, :, i, j, :]
