"""The rectifier family: forward and backward of ReLU, Leaky ReLU, PReLU and RReLU.

All four are y = x for x > 0 and y = a·x for x ≤ 0; they differ in the slope a:

    ReLU        a = 0
    Leaky ReLU  a fixed (PyTorch default 0.01; Xu et al. write y = x / d with d = 100 or 5.5)
    PReLU       a learned, one per channel or one per layer (He et al. 2015)
    RReLU       a random per element in training, its mean in evaluation (Xu et al. 2015)

so all share dy/dx = 1 for x > 0 and a for x ≤ 0. Written as one array,

    scale = 1 where x > 0, a elsewhere     y = x · scale     dx = g · scale,

every leaky variant is two multiplications around one ``scale``; ReLU keeps
only the boolean mask (1 byte per element). PReLU's slope gradient also needs
the negative inputs themselves:

    dL/da = Σ dL/dy · min(x, 0)   over every position that shares a.

At x = 0 exactly the gradient takes the negative branch (slope a), as PyTorch.

Speed: for slopes in [0, 1] ``scale`` is built with arithmetic on the mask,
mask·(1 − a) + a, rather than ``np.where`` or a masked copy (2–4× faster),
and the forward is max(x, a·x) when 0 < a ≤ 1 (two passes, no mask). The
leaky kernels work chunk by chunk (``_chunks.py``) so the mask, the scale and
the product of a block stay in cache. Leaky ReLU and PReLU keep no scale
array for the backward: they keep x (a reference) and rebuild the scale per
chunk.
"""

from __future__ import annotations

import numpy as np

from ._channels import (
    broadcast_channels,
    channel_sum,
    channel_view,
    from_channel_view,
    is_channels_last,
)
from ._chunks import chunks
from ._random import fill_uniform


def relu_forward(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """y = max(x, 0); returns (y, mask x > 0)."""
    return np.maximum(x, 0), x > 0


def relu_backward(grad: np.ndarray, positive: np.ndarray) -> np.ndarray:
    """dx = g where x > 0, else 0."""
    return grad * positive


def slope_scale(positive: np.ndarray, slope: float | np.ndarray, dtype: np.dtype) -> np.ndarray:
    """1 where x > 0, ``slope`` elsewhere (a scalar, or per-channel slopes that broadcast).

    For slopes in [0, 1], mask·(1 − a) + a on the mask as 0.0/1.0: exact there
    (the rounding of 1 − a is undone by adding a, to the nearest float: 1) and
    faster than ``np.where`` or ``np.maximum`` with a scalar. A slope outside
    [0, 1] (a learned PReLU slope may leave it) would round — for a = −0.3 in
    float32, 1.3 − 0.3 is 0.99999994 — so those take ``np.where``.
    """
    if not _in_unit_interval(slope):
        return np.where(positive, dtype.type(1), slope).astype(dtype, copy=False)
    scale = positive.astype(dtype)
    scale *= 1 - slope
    scale += slope
    return scale


def _in_unit_interval(slope: float | np.ndarray) -> bool:
    return bool(0 <= np.min(slope) and np.max(slope) <= 1)


def leaky_forward(x: np.ndarray, slope: float | np.ndarray) -> np.ndarray:
    """y = x · scale, chunk by chunk; ``slope`` a scalar or an array that broadcasts against x.

    For slopes in (0, 1] this is max(x, a·x): two passes over a block instead
    of four (1.5× faster on 128×64×32×32). A zero slope is left out: 0·∞ is NaN.
    """
    y = np.empty_like(x)
    as_max = _in_unit_interval(slope) and np.min(slope) > 0
    for rows in chunks(x):
        if as_max:
            np.multiply(x[rows], slope, out=y[rows])
            np.maximum(y[rows], x[rows], out=y[rows])
        else:
            np.multiply(x[rows], slope_scale(x[rows] > 0, slope, x.dtype), out=y[rows])
    return y


def leaky_backward(grad: np.ndarray, x: np.ndarray, slope: float | np.ndarray) -> np.ndarray:
    """dx = g · scale, with the scale rebuilt from x chunk by chunk."""
    dx = np.empty_like(grad)
    for rows in chunks(x):
        np.multiply(grad[rows], slope_scale(x[rows] > 0, slope, x.dtype), out=dx[rows])
    return dx


def leaky_relu_forward(x: np.ndarray, slope: float) -> np.ndarray:
    """y = x if x > 0 else slope·x. The backward needs x itself (keep a reference)."""
    return leaky_forward(x, x.dtype.type(slope))


def leaky_relu_backward(grad: np.ndarray, x: np.ndarray, slope: float) -> np.ndarray:
    """dx = g where x > 0, slope·g elsewhere."""
    return leaky_backward(grad, x, x.dtype.type(slope))


def prelu_forward(x: np.ndarray, slope: np.ndarray) -> np.ndarray:
    """y = x if x > 0 else a_c·x, with a of shape (1,) (shared) or (C,) (channel c = axis 1).

    The backward needs x itself (keep a reference).
    """
    if _shared(slope, x):
        return leaky_forward(x, x.dtype.type(slope[0]))
    channels_last = is_channels_last(x)
    view = channel_view(x, channels_last)
    y = leaky_forward(view, broadcast_channels(slope.astype(x.dtype), view))
    return from_channel_view(y, x.shape, channels_last)


def prelu_backward(
    grad: np.ndarray, x: np.ndarray, slope: np.ndarray, need_input: bool = True
) -> tuple[np.ndarray | None, np.ndarray]:
    """(dx, da): dx = g·scale;  da_c = Σ g·min(x, 0) over all positions of channel c.

    Both come from one walk over the blocks of x and g, each block read once.
    """
    shared = _shared(slope, x)
    if shared:
        x_view, g_view, a = x, grad, x.dtype.type(slope[0])

        def slope_grad(negative: np.ndarray, g: np.ndarray) -> np.ndarray:
            return np.vdot(negative, g)

    else:
        channels_last = is_channels_last(x)
        x_view, g_view = channel_view(x, channels_last), channel_view(grad, channels_last)
        a = broadcast_channels(slope.astype(x.dtype), x_view)

        def slope_grad(negative: np.ndarray, g: np.ndarray) -> np.ndarray:
            return channel_sum(negative, g, channels=slope.size)

    dx = np.empty_like(g_view) if need_input else None
    dslope = np.zeros(slope.shape, dtype=grad.dtype)
    for rows in chunks(x_view):
        x_block, g_block = x_view[rows], g_view[rows]
        if need_input:
            np.multiply(g_block, slope_scale(x_block > 0, a, x.dtype), out=dx[rows])
        dslope += slope_grad(np.minimum(x_block, 0), g_block)
    if dx is not None and not shared:
        dx = from_channel_view(dx, grad.shape, channels_last)
    return dx, dslope


def _shared(slope: np.ndarray, x: np.ndarray) -> bool:
    """One slope for every element: a (1,) slope, or an input without a channel axis."""
    return slope.shape == (1,) or x.ndim < 2


def rrelu_train_forward(
    x: np.ndarray,
    lower: float,
    upper: float,
    parameterization: str,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """y = x·s, s = 1 where x > 0 and a random slope elsewhere, one per element; returns (y, s).

    "slope" (PyTorch):     a ~ U(lower, upper)          (default 1/8 … 1/3)
    "divisor" (Xu et al.): d ~ U(lower, upper), a = 1/d  (paper: 3 … 8)

    Keeping s (PyTorch calls it the noise) makes the backward one multiply:
    dx = g·s. The slopes are drawn block by block into s, each block used
    while it is in cache, in x's memory order (e.g. channels-last): the
    elements are exchangeable, and matching x's layout keeps the products
    contiguous. Every element gets a draw, positive or not, so the stream a
    seed gives does not depend on the data.
    """
    y, scale = np.empty_like(x), np.empty_like(x)
    slopes = (lower, upper) if parameterization == "slope" else (1.0 / upper, 1.0 / lower)
    max_picks_one = 0 <= slopes[0] and slopes[1] <= 1
    for rows in chunks(x):
        block = scale[rows]
        _draw_slopes(block, lower, upper, parameterization, rng)
        positive = x[rows] > 0
        if max_picks_one:  # slopes in [0, 1]: max(slope, mask) is 1 where x > 0, else the slope
            np.maximum(block, positive, out=block)
        else:
            np.copyto(block, 1, where=positive)
        np.multiply(x[rows], block, out=y[rows])
    return y, scale


def _draw_slopes(
    out: np.ndarray, lower: float, upper: float, parameterization: str, rng: np.random.Generator
) -> None:
    """Fill ``out`` (contiguous in some axis order) with slopes, in memory order."""
    fill_uniform(out, rng)
    out *= upper - lower
    out += lower
    if parameterization == "divisor":
        np.reciprocal(out, out=out)


def rrelu_train_backward(grad: np.ndarray, scale: np.ndarray) -> np.ndarray:
    return grad * scale
