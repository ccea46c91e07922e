"""Reductions: sum, mean, max, min over some or all axes.

The backward of a reduction broadcasts the output gradient back over the
reduced axes: every summed element receives the gradient of the sum.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..tensor import Tensor

Axis = Any  # None, an int, or a tuple of ints


def normalize_axes(axis: Axis, ndim: int) -> tuple[int, ...]:
    """The reduced axes as non-negative ints; raises ValueError for an axis out of range."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    for a in axes:
        if not -ndim <= a < (ndim or 1):
            raise ValueError(f"axis {a} is out of range for a tensor with {ndim} dimensions")
    return tuple(sorted(a % (ndim or 1) for a in axes))


def expand_reduced(grad: np.ndarray, shape: tuple, axes: tuple, keepdims: bool) -> np.ndarray:
    """Broadcast the gradient of a reduction back to the input's shape (a read-only view)."""
    if not keepdims:
        grad = np.expand_dims(grad, axes)
    return np.broadcast_to(grad, shape)


class Sum(Function):
    """z = Σ x over ``axes``;  dz/dx = 1 for every summed element."""

    def __init__(self, axes: tuple[int, ...], keepdims: bool) -> None:
        self.axes, self.keepdims = axes, keepdims

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x_shape = x.shape
        return np.sum(x, axis=self.axes, keepdims=self.keepdims)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        return expand_reduced(grad, self.x_shape, self.axes, self.keepdims)


class Mean(Function):
    """z = (1/n) Σ x over ``axes``;  dz/dx = 1/n."""

    def __init__(self, axes: tuple[int, ...], keepdims: bool) -> None:
        self.axes, self.keepdims = axes, keepdims

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x_shape = x.shape
        self.count = int(np.prod([x.shape[a] for a in self.axes]))
        return np.mean(x, axis=self.axes, keepdims=self.keepdims)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        return expand_reduced(grad / self.count, self.x_shape, self.axes, self.keepdims)


class Extremum(Function):
    """z = max (or min) of x over ``axes``.

    The gradient goes to the elements equal to the extremum, shared equally
    between ties (as ``torch.amax``; NumPy's ``max`` semantics, values only).
    """

    def __init__(self, axes: tuple[int, ...], keepdims: bool, reduce: Any) -> None:
        self.axes, self.keepdims, self.reduce = axes, keepdims, reduce

    def forward(self, x: np.ndarray) -> np.ndarray:
        if x.size == 0:
            raise ValueError(f"cannot take the {self.reduce.__name__} of an empty tensor")
        z = self.reduce(x, axis=self.axes, keepdims=True)
        self.hits = x == z
        return z if self.keepdims else np.squeeze(z, self.axes)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        count = self.hits.sum(axis=self.axes, keepdims=True)
        if not self.keepdims:
            grad = np.expand_dims(grad, self.axes)
        return self.hits * (grad / count)


def sum(x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Sum over ``axis`` (None: all), as ``numpy.sum``."""
    return Sum(normalize_axes(axis, x.ndim), keepdims)(x)


def mean(x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Mean over ``axis`` (None: all), as ``numpy.mean``."""
    return Mean(normalize_axes(axis, x.ndim), keepdims)(x)


def max(x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Maximum over ``axis`` (None: all), values only, as ``numpy.max`` / ``torch.amax``."""
    return Extremum(normalize_axes(axis, x.ndim), keepdims, np.max)(x)


def min(x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Minimum over ``axis`` (None: all), values only, as ``numpy.min`` / ``torch.amin``."""
    return Extremum(normalize_axes(axis, x.ndim), keepdims, np.min)(x)
