"""RReLU (Xu et al. 2015): a leaky ReLU whose slope is random in training, fixed in evaluation.

Training: every element draws its own negative slope, and keeps it for the backward:

    "slope" (PyTorch):     a ~ U(lower, upper)           (default 1/8 … 1/3)
    "divisor" (Xu et al.): d ~ U(lower, upper), a = 1/d   (paper: 3 … 8)
    scale = 1 where x > 0, a elsewhere;   y = x·scale,   dL/dx = g·scale

Evaluation is a Leaky ReLU with the mean slope ((lower + upper)/2, or
2/(lower + upper) for divisors): see ``functional.rrelu_eval_slope``.
"""

from __future__ import annotations

import numpy as np

from ._layout import chunks
from ._random import fill_uniform


def rrelu_train_reference(x, lower, upper, parameterization, rng) -> tuple[np.ndarray, np.ndarray]:
    draws = rng.random(x.shape, dtype=x.dtype) * (upper - lower) + lower
    slopes = draws if parameterization == "slope" else 1 / draws
    scale = np.where(x > 0, 1, slopes).astype(x.dtype)
    return x * scale, scale


def rrelu_train_backward_reference(grad: np.ndarray, scale: np.ndarray) -> np.ndarray:
    return grad * scale


# --- fast -----------------------------------------------------------------------------
# What differs: the slopes are drawn block by block straight into the scale
# array and used while the block is in cache, in x's *memory* order (e.g.
# channels-last after a conv): the elements are exchangeable, and matching x's
# layout keeps the products contiguous. For a C-ordered x the draws, and so y
# and the scale, equal the reference's bit for bit. Every element gets a draw,
# positive or not, so the stream a seed gives does not depend on the data.


def rrelu_train_forward(
    x: np.ndarray,
    lower: float,
    upper: float,
    parameterization: str,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """(y, scale), equal to ``rrelu_train_reference`` (in memory order, see above).

    >>> y, scale = rrelu_train_forward(np.array([-1.0, 2.0]), 3, 8, "divisor", np.random.default_rng(0))
    >>> bool(1 / 8 <= scale[0] <= 1 / 3), scale[1], y[1]
    (True, np.float64(1.0), np.float64(2.0))
    """
    y, scale = np.empty_like(x), np.empty_like(x)
    slopes = (lower, upper) if parameterization == "slope" else (1.0 / upper, 1.0 / lower)
    max_picks_one = 0 <= slopes[0] and slopes[1] <= 1
    for rows in chunks(x):
        block = scale[rows]
        draw_slopes(block, lower, upper, parameterization, rng)
        positive = x[rows] > 0
        if max_picks_one:  # slopes in [0, 1]: max(slope, mask) is 1 where x > 0, else the slope
            np.maximum(block, positive, out=block)
        else:
            np.copyto(block, 1, where=positive)
        np.multiply(x[rows], block, out=y[rows])
    return y, scale


def draw_slopes(
    out: np.ndarray, lower: float, upper: float, parameterization: str, rng: np.random.Generator
) -> None:
    """Fill ``out`` (contiguous in some axis order) with slopes, in memory order."""
    fill_uniform(out, rng)
    out *= upper - lower
    out += lower
    if parameterization == "divisor":
        np.reciprocal(out, out=out)


def rrelu_train_backward(grad: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """dx = g·scale: the reference itself (one multiplication)."""
    return grad * scale
