"""Operations that move elements around without changing them.

Their backward moves the gradient back: reshape it back, apply the inverse
permutation, scatter it into the indexed positions, split it along the
concatenation axis.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..function import Function
from ..tensor import Tensor


class Reshape(Function):
    """z = x with a new shape (same elements in the same C order)."""

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.shape = shape

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x_shape = x.shape
        return x.reshape(self.shape)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        return grad.reshape(self.x_shape)


class Permute(Function):
    """z = x with its axes reordered: z.shape[i] = x.shape[axes[i]]."""

    def __init__(self, axes: tuple[int, ...]) -> None:
        self.axes = axes

    def forward(self, x: np.ndarray) -> np.ndarray:
        return x.transpose(self.axes)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        return grad.transpose(np.argsort(self.axes))


class GetItem(Function):
    """z = x[index] for any NumPy index.

    Backward scatters the gradient into zeros of x's shape. An advanced index
    can name the same element twice (``x[[0, 0]]``), so its gradients are
    *added* with ``np.add.at``; a basic index (ints, slices) cannot, and a
    plain assignment is enough.
    """

    def __init__(self, index: Any) -> None:
        self.index = index

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x_shape, self.x_dtype = x.shape, x.dtype
        return x[self.index]

    def backward(self, grad: np.ndarray) -> np.ndarray:
        dx = np.zeros(self.x_shape, dtype=self.x_dtype)
        if _is_basic_index(self.index):
            dx[self.index] = grad
        else:
            np.add.at(dx, self.index, grad)
        return dx


class Concatenate(Function):
    """z = the inputs joined along ``axis``; backward splits the gradient at the seams."""

    def __init__(self, axis: int) -> None:
        self.axis = axis

    def forward(self, *xs: np.ndarray) -> np.ndarray:
        self.seams = np.cumsum([x.shape[self.axis] for x in xs])[:-1]
        return np.concatenate(xs, axis=self.axis)

    def backward(self, grad: np.ndarray) -> tuple:
        return tuple(np.split(grad, self.seams, axis=self.axis))


class Stack(Function):
    """z = the inputs stacked along a new ``axis``; backward takes the slices apart."""

    def __init__(self, axis: int) -> None:
        self.axis = axis

    def forward(self, *xs: np.ndarray) -> np.ndarray:
        return np.stack(xs, axis=self.axis)

    def backward(self, grad: np.ndarray) -> tuple:
        return tuple(np.moveaxis(grad, self.axis, 0))


def _is_basic_index(index: Any) -> bool:
    parts = index if isinstance(index, tuple) else (index,)
    return all(isinstance(p, (int, np.integer, slice)) or p is None or p is Ellipsis for p in parts)


def _check_dim(dim: int, ndim: int, what: str) -> int:
    if not -ndim <= dim < ndim:
        raise ValueError(f"{what}: dimension {dim} is out of range for {ndim} dimensions")
    return dim % ndim


def reshape(x: Tensor, shape: tuple[int, ...]) -> Tensor:
    """``x`` with shape ``shape`` (one entry may be -1)."""
    try:
        return Reshape(tuple(shape))(x)
    except ValueError:
        raise ValueError(
            f"cannot reshape a tensor of shape {x.shape} ({x.numel()} elements) into {tuple(shape)}"
        ) from None


def permute(x: Tensor, axes: tuple[int, ...]) -> Tensor:
    """``x`` with axes reordered (as ``torch.permute`` / ``numpy.transpose(x, axes)``)."""
    if sorted(a % max(x.ndim, 1) for a in axes) != list(range(x.ndim)):
        raise ValueError(f"permute: {tuple(axes)} is not a permutation of {x.ndim} dimensions")
    return Permute(tuple(a % x.ndim for a in axes))(x)


def transpose(x: Tensor, dim0: int, dim1: int) -> Tensor:
    """``x`` with dimensions ``dim0`` and ``dim1`` swapped (as ``torch.transpose``)."""
    axes = list(range(x.ndim))
    dim0, dim1 = _check_dim(dim0, x.ndim, "transpose"), _check_dim(dim1, x.ndim, "transpose")
    axes[dim0], axes[dim1] = axes[dim1], axes[dim0]
    return Permute(tuple(axes))(x)


def flatten(x: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dimensions ``start_dim..end_dim`` into one (as ``torch.flatten``)."""
    if x.ndim == 0:  # a scalar flattens like a 1-element vector (dims 0 and -1 only)
        _check_dim(start_dim, 1, "flatten"), _check_dim(end_dim, 1, "flatten")
        return reshape(x, (1,))
    start, end = _check_dim(start_dim, x.ndim, "flatten"), _check_dim(end_dim, x.ndim, "flatten")
    shape = x.shape[:start] + (-1,) + x.shape[end + 1 :]
    return reshape(x, shape)


def squeeze(x: Tensor, dim: int | None = None) -> Tensor:
    """Drop dimension ``dim`` if it has size 1 (all size-1 dimensions when ``dim`` is None)."""
    if dim is None:
        shape = tuple(n for n in x.shape if n != 1)
    else:
        dim = _check_dim(dim, x.ndim, "squeeze")
        shape = x.shape[:dim] + x.shape[dim + 1 :] if x.shape[dim] == 1 else x.shape
    return reshape(x, shape)


def unsqueeze(x: Tensor, dim: int) -> Tensor:
    """Insert a dimension of size 1 at ``dim``."""
    dim = _check_dim(dim, x.ndim + 1, "unsqueeze")
    return reshape(x, x.shape[:dim] + (1,) + x.shape[dim:])


def getitem(x: Tensor, index: Any) -> Tensor:
    """``x[index]`` with NumPy indexing; gradients of repeated indices add up."""
    try:
        return GetItem(index)(x)
    except IndexError as error:
        raise IndexError(
            f"index {index!r} does not fit a tensor of shape {x.shape}: {error}"
        ) from None


def concatenate(tensors: Sequence[Tensor], axis: int = 0, *, dim: int | None = None) -> Tensor:
    """Join tensors along an existing axis (as ``numpy.concatenate`` / ``torch.cat``; ``dim`` = ``axis``)."""
    axis = axis if dim is None else dim
    tensors = _tensor_list(tensors, "concatenate")
    axis = _check_dim(axis, tensors[0].ndim, "concatenate")
    shapes = [t.shape for t in tensors]
    if any(
        len(s) != len(shapes[0])
        or s[:axis] + s[axis + 1 :] != shapes[0][:axis] + shapes[0][axis + 1 :]
        for s in shapes
    ):
        raise ValueError(f"concatenate along axis {axis}: shapes {shapes} differ off that axis")
    return Concatenate(axis)(*tensors)


def stack(tensors: Sequence[Tensor], axis: int = 0, *, dim: int | None = None) -> Tensor:
    """Join same-shape tensors along a new axis (as ``numpy.stack`` / ``torch.stack``; ``dim`` = ``axis``)."""
    axis = axis if dim is None else dim
    tensors = _tensor_list(tensors, "stack")
    shapes = [t.shape for t in tensors]
    if any(s != shapes[0] for s in shapes):
        raise ValueError(f"stack: all tensors need the same shape, got {shapes}")
    axis = _check_dim(axis, tensors[0].ndim + 1, "stack")
    return Stack(axis)(*tensors)


def _tensor_list(tensors: Sequence[Any], what: str) -> list[Tensor]:
    if isinstance(tensors, Tensor) or not isinstance(tensors, Sequence) or len(tensors) == 0:
        raise ValueError(f"{what} needs a non-empty list of tensors")
    return [t if isinstance(t, Tensor) else Tensor(t) for t in tensors]


def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join tensors along dimension ``dim``, as ``torch.cat``."""
    return concatenate(tensors, dim)
