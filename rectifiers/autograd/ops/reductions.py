"""Reductions: sum, mean, max, min, argmax, argmin over some or all dimensions.

The backward of a reduction broadcasts the output gradient back over the
reduced axes: every summed element receives the gradient of the sum.

Arguments follow PyTorch: ``dim`` and ``keepdim`` (NumPy's ``axis`` and
``keepdims`` are accepted as aliases). ``max``/``min`` mean three things, as
in PyTorch: with no ``dim``, the extremum of all elements (gradient shared
between ties); with a ``dim``, the pair (values, indices) along it (gradient
to the chosen index, the first extremum); with a tensor, the elementwise
extremum. ``amax``/``amin`` give the values over one or several dims.
"""

from __future__ import annotations

import builtins
from typing import Any, NamedTuple

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


class TakeAlong(Function):
    """z = x at ``index`` along ``dim`` (the values of a max/min with a dim); the gradient goes there."""

    def __init__(self, index: np.ndarray, dim: int, keepdim: bool) -> None:
        self.index, self.dim, self.keepdim = index, dim, keepdim

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x_shape = x.shape
        values = np.take_along_axis(x, self.index, axis=self.dim)
        return values if self.keepdim else np.squeeze(values, self.dim)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        if not self.keepdim:
            grad = np.expand_dims(grad, self.dim)
        dx = np.zeros(self.x_shape, dtype=grad.dtype)
        np.put_along_axis(dx, self.index, grad, axis=self.dim)
        return dx


class ValuesIndices(NamedTuple):
    """What ``max``/``min`` with a ``dim`` return, as ``torch.return_types.max``."""

    values: Tensor
    indices: Tensor


def as_tensor(x: Any) -> Tensor:
    """A NumPy array (e.g. PyTorch code's ``out.data``, which is the array here) as a tensor."""
    return x if isinstance(x, Tensor) else Tensor(np.asarray(x))


def _dims(dim: Axis, keepdim: bool, axis: Axis, keepdims: bool | None) -> tuple[Axis, bool]:
    """Resolve PyTorch's names and NumPy's aliases (giving both is an error)."""
    if axis is not None:
        if dim is not None:
            raise TypeError("give dim or axis (its NumPy alias), not both")
        dim = axis
    return dim, bool(keepdim if keepdims is None else keepdims)


def sum(  # noqa: A001
    x: Tensor,
    dim: Axis = None,
    keepdim: bool = False,
    *,
    axis: Axis = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Sum over ``dim`` (an int, a tuple, or None for all), as ``torch.sum``."""
    x = as_tensor(x)
    dim, keepdim = _dims(dim, keepdim, axis, keepdims)
    return Sum(normalize_axes(dim, x.ndim), keepdim)(x)


def mean(
    x: Tensor,
    dim: Axis = None,
    keepdim: bool = False,
    *,
    axis: Axis = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Mean over ``dim`` (an int, a tuple, or None for all), as ``torch.mean``."""
    x = as_tensor(x)
    dim, keepdim = _dims(dim, keepdim, axis, keepdims)
    if x.dtype.kind != "f":
        raise TypeError(f"mean: needs a floating-point tensor, got dtype {x.dtype} (as torch.mean)")
    return Mean(normalize_axes(dim, x.ndim), keepdim)(x)


def amax(
    x: Tensor,
    dim: Axis = None,
    keepdim: bool = False,
    *,
    axis: Axis = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Maximum values over ``dim`` (int, tuple or None), ties sharing the gradient, as ``torch.amax``."""
    x = as_tensor(x)
    dim, keepdim = _dims(dim, keepdim, axis, keepdims)
    return Extremum(normalize_axes(dim, x.ndim), keepdim, np.max)(x)


def amin(
    x: Tensor,
    dim: Axis = None,
    keepdim: bool = False,
    *,
    axis: Axis = None,
    keepdims: bool | None = None,
) -> Tensor:
    """Minimum values over ``dim`` (int, tuple or None), as ``torch.amin``."""
    x = as_tensor(x)
    dim, keepdim = _dims(dim, keepdim, axis, keepdims)
    return Extremum(normalize_axes(dim, x.ndim), keepdim, np.min)(x)


def max(  # noqa: A001
    x: Tensor,
    dim: Any = None,
    keepdim: bool = False,
    *,
    axis: Axis = None,
    keepdims: bool | None = None,
) -> Any:
    """As ``torch.max``: all elements (no ``dim``), ``(values, indices)`` along ``dim``, or elementwise.

    ``axis=`` (NumPy's name) gives the values only, as ``numpy.max`` — and as
    this method did before it followed PyTorch.

    Examples:
        >>> import rectifiers as rf
        >>> logits = rf.tensor([[0.1, 2.0, 0.3], [1.5, 0.2, 0.1]])
        >>> _, predicted = logits.max(1)
        >>> predicted
        tensor([1, 0])
    """
    x = as_tensor(x)
    return _extremum(x, dim, keepdim, axis, keepdims, np.max, np.argmax)


def min(  # noqa: A001
    x: Tensor,
    dim: Any = None,
    keepdim: bool = False,
    *,
    axis: Axis = None,
    keepdims: bool | None = None,
) -> Any:
    """As ``torch.min``: all elements (no ``dim``), ``(values, indices)`` along ``dim``, or elementwise."""
    x = as_tensor(x)
    return _extremum(x, dim, keepdim, axis, keepdims, np.min, np.argmin)


def _extremum(
    x: Tensor, dim: Any, keepdim: bool, axis: Axis, keepdims: bool | None, reduce: Any, arg: Any
) -> Any:
    if isinstance(dim, Tensor):  # torch.max(a, b): elementwise
        from .elementwise import maximum, minimum

        return (maximum if reduce is np.max else minimum)(x, dim)
    if axis is not None or keepdims is not None:  # NumPy's spelling: values only
        dim, keepdim = _dims(dim, keepdim, axis, keepdims)
        return Extremum(normalize_axes(dim, x.ndim), keepdim, reduce)(x)
    if dim is None:
        return Extremum(normalize_axes(None, x.ndim), False, reduce)(x)
    if not isinstance(dim, (int, np.integer)):
        raise TypeError(
            f"{reduce.__name__}: dim must be an int (use amax/amin for several), got {dim!r}"
        )
    index = _arg_index(x, dim, arg)
    values = TakeAlong(index, _dim(dim, x), True)(_at_least_1d(x))
    indices = Tensor._wrap(index)
    if not keepdim or x.ndim == 0:
        values, indices = values.squeeze(_dim(dim, x)), indices.squeeze(_dim(dim, x))
    return ValuesIndices(values, indices)


def argmax(x: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Index of the first maximum along ``dim`` (of the flattened tensor when None), int64."""
    x = as_tensor(x)
    return _arg(x, dim, keepdim, np.argmax)


def argmin(x: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Index of the first minimum along ``dim`` (of the flattened tensor when None), int64."""
    x = as_tensor(x)
    return _arg(x, dim, keepdim, np.argmin)


def _arg(x: Tensor, dim: Any, keepdim: bool, arg: Any) -> Tensor:
    if dim is None:
        if x.numel() == 0:
            raise ValueError(f"{arg.__name__}: the tensor is empty")
        flat = arg(x.data.reshape(-1))
        shape = (1,) * x.ndim if keepdim else ()
        return Tensor._wrap(np.asarray(flat, dtype=np.int64).reshape(shape))
    index = _arg_index(x, dim, arg)
    return Tensor._wrap(index if keepdim else np.squeeze(index, _dim(dim, x)))


def _arg_index(x: Tensor, dim: int, arg: Any) -> np.ndarray:
    data = _at_least_1d(x).data
    axis = _dim(dim, x)
    if data.shape[axis] == 0:
        raise ValueError(f"{arg.__name__}: dimension {dim} of shape {x.shape} is empty")
    return arg(data, axis=axis, keepdims=True).astype(np.int64)


def _dim(dim: int, x: Tensor) -> int:
    """``dim`` as a non-negative axis; a 0-d tensor behaves as 1-d (dims 0 and -1)."""
    return normalize_axes(dim, builtins.max(x.ndim, 1))[0]


def _at_least_1d(x: Tensor) -> Tensor:
    return x.reshape(1) if x.ndim == 0 else x
