"""Sliding windows over images as strided views: the shared piece of conv and pooling."""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided

Pair = tuple[int, int]
Padding = tuple[Pair, Pair]  # ((top, bottom), (left, right))


def output_size(size: int, kernel: int, stride: int, dilation: int, pad_total: int) -> int:
    """Positions a window of ``kernel`` taps (``dilation`` apart) takes along one axis."""
    return (size + pad_total - dilation * (kernel - 1) - 1) // stride + 1


def window_offsets(kernel: Pair, dilation: Pair, stride: Pair, out_hw: Pair):
    """For each kernel tap (i, j): the slices that pick what that tap sees at every output position.

    Looping over the kh·kw taps (never over pixels) is how pooling and col2im
    stay vectorised: each tap reads or writes one strided slab of the image.
    """
    (kh, kw), (dh, dw), (sh, sw), (ho, wo) = kernel, dilation, stride, out_hw
    for i in range(kh):
        for j in range(kw):
            rows = slice(i * dh, i * dh + sh * (ho - 1) + 1, sh)
            cols = slice(j * dw, j * dw + sw * (wo - 1) + 1, sw)
            yield i, j, rows, cols


def channels_last_windows(
    x_nhwc: np.ndarray, kernel: Pair, stride: Pair, dilation: Pair, out_hw: Pair
) -> np.ndarray:
    """A read-only view (N, Ho, Wo, kh, kw, C) of every window of a padded NHWC image.

    No data is copied: the view steps ``stride`` pixels between output positions
    and ``dilation`` pixels between kernel taps.
    """
    n, _, _, c = x_nhwc.shape
    s_n, s_h, s_w, s_c = x_nhwc.strides
    shape = (n, out_hw[0], out_hw[1], kernel[0], kernel[1], c)
    strides = (s_n, s_h * stride[0], s_w * stride[1], s_h * dilation[0], s_w * dilation[1], s_c)
    return as_strided(x_nhwc, shape=shape, strides=strides, writeable=False)


def pad_channels_last(x: np.ndarray, padding: Padding, fill: float = 0.0) -> np.ndarray:
    """Pad H and W of an NCHW array and return it as an (N, Hp, Wp, C) array.

    When there is no padding and ``x`` already lies channels-last in memory
    (the output of a conv), this is a free view.
    """
    (top, bottom), (left, right) = padding
    nhwc = x.transpose(0, 2, 3, 1)
    if top == bottom == left == right == 0:
        return nhwc
    n, h, w, c = nhwc.shape
    padded = np.full((n, h + top + bottom, w + left + right, c), fill, dtype=x.dtype)
    padded[:, top : top + h, left : left + w, :] = nhwc
    return padded


def pad_nchw(x: np.ndarray, padding: Padding, fill: float = 0.0) -> np.ndarray:
    """Pad H and W of an NCHW array with ``fill``, keeping x's memory layout."""
    (top, bottom), (left, right) = padding
    if top == bottom == left == right == 0:
        return x
    n, c, h, w = x.shape
    padded = np.full_like(x, fill, shape=(n, c, h + top + bottom, w + left + right))
    padded[:, :, top : top + h, left : left + w] = x
    return padded


def crop(x: np.ndarray, padding: Padding, h: int, w: int, channels_last: bool) -> np.ndarray:
    """Undo padding: the inner h×w part of a padded image (NHWC or NCHW)."""
    (top, _), (left, _) = padding
    if channels_last:
        return x[:, top : top + h, left : left + w, :]
    return x[:, :, top : top + h, left : left + w]
