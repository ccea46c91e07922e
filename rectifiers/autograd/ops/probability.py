"""Softmax, log-softmax, clamp and clone: small differentiable operations PyTorch code calls on tensors.

Softmax along ``dim``, y_i = e^(x_i − m) / Σ_j e^(x_j − m) with m = max x (the
shift changes nothing but keeps e^x finite). Its backward is a
Jacobian-vector product that never builds the Jacobian:

    dL/dx_i = Σ_j dL/dy_j · y_j (δ_ij − y_i) = y_i · (g_i − Σ_j g_j y_j)

Log-softmax, y = x − m − log Σ e^(x − m), has dL/dx = g − e^y · Σ g.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..tensor import Tensor
from .reductions import normalize_axes


class Softmax(Function):
    """y = softmax(x) along ``dim``;  dx = y · (g − Σ g·y)."""

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def forward(self, x: np.ndarray) -> np.ndarray:
        shifted = np.exp(x - x.max(axis=self.dim, keepdims=True))
        self.y = shifted / shifted.sum(axis=self.dim, keepdims=True)
        return self.y

    def backward(self, grad: np.ndarray) -> np.ndarray:
        return self.y * (grad - (grad * self.y).sum(axis=self.dim, keepdims=True))


class LogSoftmax(Function):
    """y = log softmax(x) along ``dim``;  dx = g − e^y · Σ g."""

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def forward(self, x: np.ndarray) -> np.ndarray:
        shifted = x - x.max(axis=self.dim, keepdims=True)
        self.y = shifted - np.log(np.exp(shifted).sum(axis=self.dim, keepdims=True))
        return self.y

    def backward(self, grad: np.ndarray) -> np.ndarray:
        return grad - np.exp(self.y) * grad.sum(axis=self.dim, keepdims=True)


class Clamp(Function):
    """y = min(max(x, low), high);  dx = g where low ≤ x ≤ high, else 0 (as PyTorch)."""

    def __init__(self, low: float | None, high: float | None) -> None:
        self.low, self.high = low, high

    def forward(self, x: np.ndarray) -> np.ndarray:
        inside = np.ones(x.shape, dtype=bool)
        if self.low is not None:
            inside &= x >= self.low
        if self.high is not None:
            inside &= x <= self.high
        self.inside = inside
        return np.clip(x, self.low, self.high).astype(x.dtype, copy=False)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        return grad * self.inside


class Clone(Function):
    """y = a copy of x;  dx = g."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        return x.copy()

    def backward(self, grad: np.ndarray) -> np.ndarray:
        return grad


def _one_dim(dim: Any, x: Tensor, where: str) -> int:
    if dim is None:
        raise TypeError(f"{where}: give dim (PyTorch's implicit dim is deprecated)")
    if not isinstance(dim, (int, np.integer)):
        raise TypeError(f"{where}: dim must be an int, got {dim!r}")
    return normalize_axes(dim, max(x.ndim, 1))[0]


def _floating(x: Tensor, where: str) -> None:
    if x.dtype.kind != "f":
        raise TypeError(f"{where}: needs a floating-point tensor, got dtype {x.dtype}")


def softmax(x: Tensor, dim: int | None = None) -> Tensor:
    """Softmax along ``dim``, as ``torch.softmax``: non-negative, summing to 1 along ``dim``.

    Examples:
        >>> import rectifiers as rf
        >>> rf.softmax(rf.tensor([0.0, 0.0, 0.0, 0.0]), dim=0)
        tensor([0.25, 0.25, 0.25, 0.25])
    """
    _floating(x, "softmax")
    if x.ndim == 0:
        return softmax(x.reshape(1), dim).reshape(())
    return Softmax(_one_dim(dim, x, "softmax"))(x)


def log_softmax(x: Tensor, dim: int | None = None) -> Tensor:
    """log(softmax(x)) along ``dim``, computed without forming the softmax (stable for large |x|)."""
    _floating(x, "log_softmax")
    if x.ndim == 0:
        return log_softmax(x.reshape(1), dim).reshape(())
    return LogSoftmax(_one_dim(dim, x, "log_softmax"))(x)


def clamp(x: Tensor, min: float | None = None, max: float | None = None) -> Tensor:  # noqa: A002
    """Limit every element to [min, max] (either may be None), as ``torch.clamp``."""
    if min is None and max is None:
        raise ValueError("clamp: give min, max or both")
    return Clamp(min, max)(x)


def clone(x: Tensor) -> Tensor:
    """A copy with its own memory; gradients flow back to ``x`` (as ``torch.clone``)."""
    return Clone()(x)
