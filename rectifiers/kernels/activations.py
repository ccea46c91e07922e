"""The rectifier family: forward and backward of ReLU, Leaky ReLU, PReLU and RReLU.

All four are y = x for x > 0 and y = a·x for x ≤ 0; they differ in the slope a:

    ReLU        a = 0
    Leaky ReLU  a fixed (PyTorch default 0.01; Xu et al. write y = x / d with d = 100 or 5.5)
    PReLU       a learned, one per channel or one per layer (He et al. 2015)
    RReLU       a random per element in training, its mean in evaluation (Xu et al. 2015)

so all share dy/dx = 1 for x > 0 and a for x ≤ 0. The backward needs only
*which* inputs were positive (a boolean mask, 1 byte per element), except
PReLU's slope gradient, which needs the negative inputs themselves:

    dL/da = Σ dL/dy · min(x, 0)   over every position that shares a.

At x = 0 exactly the gradient takes the negative branch (slope a), as PyTorch.
"""

from __future__ import annotations

import numpy as np


def relu_forward(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """y = max(x, 0); returns (y, mask x > 0)."""
    return np.maximum(x, 0), x > 0


def relu_backward(grad: np.ndarray, positive: np.ndarray) -> np.ndarray:
    """dx = g where x > 0, else 0."""
    return grad * positive


def leaky_relu_forward(x: np.ndarray, slope: float) -> tuple[np.ndarray, np.ndarray]:
    """y = x if x > 0 else slope·x; returns (y, mask x > 0)."""
    positive = x > 0
    return np.where(positive, x, x * x.dtype.type(slope)), positive


def leaky_relu_backward(grad: np.ndarray, positive: np.ndarray, slope: float) -> np.ndarray:
    """dx = g where x > 0, else slope·g."""
    return np.where(positive, grad, grad * grad.dtype.type(slope))


def per_channel(slope: np.ndarray, ndim: int) -> np.ndarray:
    """Slopes of shape (C,) (or (1,)) → (1, C, 1, …): one per channel of axis 1."""
    if ndim < 2:
        return slope
    return slope.reshape((1, -1) + (1,) * (ndim - 2))


def prelu_forward(x: np.ndarray, slope: np.ndarray) -> np.ndarray:
    """y = x if x > 0 else a_c·x, with a of shape (1,) (shared) or (C,) (channel c = axis 1)."""
    return np.where(x > 0, x, x * per_channel(slope, x.ndim))


def prelu_backward(
    grad: np.ndarray, x: np.ndarray, slope: np.ndarray, need_input: bool = True
) -> tuple[np.ndarray | None, np.ndarray]:
    """(dx, da): dx = g·(1 or a_c);  da_c = Σ g·min(x, 0) over all positions of channel c."""
    positive = x > 0
    a = per_channel(slope, x.ndim)
    dx = np.where(positive, grad, grad * a) if need_input else None
    contribution = np.where(positive, 0, grad * x)
    if slope.size == 1:
        dslope = contribution.sum(dtype=grad.dtype).reshape(slope.shape)
    else:
        axes = (0,) + tuple(range(2, x.ndim))
        dslope = contribution.sum(axis=axes)
    return dx, dslope


def rrelu_sample_slopes(
    shape: tuple[int, ...],
    lower: float,
    upper: float,
    parameterization: str,
    rng: np.random.Generator,
    dtype: np.dtype,
) -> np.ndarray:
    """One random negative slope per element.

    "slope" (PyTorch):   a ~ U(lower, upper)           (default 1/8 … 1/3)
    "divisor" (Xu et al.): d ~ U(lower, upper), a = 1/d  (paper: 3 … 8)
    """
    draws = rng.uniform(lower, upper, shape).astype(dtype)
    if parameterization == "divisor":
        np.reciprocal(draws, out=draws)
    return draws


def rrelu_train_forward(x: np.ndarray, slopes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """y = x·s with s = 1 where x > 0 and the drawn slope elsewhere; returns (y, s).

    Keeping s (PyTorch calls it the noise) makes the backward one multiply: dx = g·s.
    """
    scale = np.where(x > 0, x.dtype.type(1), slopes)
    return x * scale, scale


def rrelu_train_backward(grad: np.ndarray, scale: np.ndarray) -> np.ndarray:
    return grad * scale
