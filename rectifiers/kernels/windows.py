"""Sliding-window geometry: output sizes, kernel taps and strided window views (conv, pooling)."""

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
