"""Elementwise operations with NumPy broadcasting.

For a binary operation z = f(x, y) the backward receives dL/dz (the shape of z)
and returns dL/dx, dL/dy reduced back to the shapes of x and y
(:func:`unbroadcast`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function, unbroadcast
from ..promotion import division_dtype, is_scalar, result_dtype
from ..tensor import Tensor


class Add(Function):
    """z = x + y;  dz/dx = 1, dz/dy = 1."""

    def forward(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        self.x_shape, self.y_shape = x.shape, y.shape
        return x + y

    def backward(self, grad: np.ndarray) -> tuple:
        return unbroadcast(grad, self.x_shape), unbroadcast(grad, self.y_shape)


class Sub(Function):
    """z = x - y;  dz/dx = 1, dz/dy = -1."""

    def forward(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        self.x_shape, self.y_shape = x.shape, y.shape
        return x - y

    def backward(self, grad: np.ndarray) -> tuple:
        dy = -unbroadcast(grad, self.y_shape) if self.needs_input_grad[1] else None
        return unbroadcast(grad, self.x_shape), dy


class Mul(Function):
    """z = x * y;  dz/dx = y, dz/dy = x."""

    def forward(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        self.x, self.y = x, y
        return x * y

    def backward(self, grad: np.ndarray) -> tuple:
        need_x, need_y = self.needs_input_grad
        dx = unbroadcast(grad * self.y, self.x.shape) if need_x else None
        dy = unbroadcast(grad * self.x, self.y.shape) if need_y else None
        return dx, dy


class Div(Function):
    """z = x / y;  dz/dx = 1/y, dz/dy = -x/y² = -z/y."""

    def forward(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        self.x_shape, self.y = x.shape, y
        self.z = x / y
        return self.z

    def backward(self, grad: np.ndarray) -> tuple:
        need_x, need_y = self.needs_input_grad
        dx = unbroadcast(grad / self.y, self.x_shape) if need_x else None
        dy = unbroadcast(-grad * self.z / self.y, self.y.shape) if need_y else None
        return dx, dy


class Pow(Function):
    """z = x ** y;  dz/dx = y·x^(y-1), dz/dy = z·ln x.

    As in PyTorch, dz/dx is 0 where y = 0 (even at x = 0) and dz/dy is 0
    where x = 0 and y ≥ 0, instead of the nan that 0·inf would give.
    """

    def forward(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        self.x, self.y = x, y
        self.z = np.power(x, y)
        return self.z

    def backward(self, grad: np.ndarray) -> tuple:
        x, y, z = self.x, self.y, self.z
        need_x, need_y = self.needs_input_grad
        dx = dy = None
        with np.errstate(divide="ignore", invalid="ignore"):
            if need_x:
                slope = np.where(y == 0, 0, y * np.power(x, y - 1))
                dx = unbroadcast(grad * slope, x.shape)
            if need_y:
                slope = np.where((x == 0) & (y >= 0), 0, z * np.log(x))
                dy = unbroadcast(grad * slope, y.shape)
        return dx, dy


class Neg(Function):
    """z = -x."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        return -x

    def backward(self, grad: np.ndarray) -> np.ndarray:
        return -grad


class Exp(Function):
    """z = eˣ;  dz/dx = z."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.z = np.exp(x)
        return self.z

    def backward(self, grad: np.ndarray) -> np.ndarray:
        return grad * self.z


class Log(Function):
    """z = ln x;  dz/dx = 1/x."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x
        return np.log(x)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore"):
            return grad / self.x


class Sqrt(Function):
    """z = √x;  dz/dx = 1/(2z) (inf at x = 0, as PyTorch)."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.z = np.sqrt(x)
        return self.z

    def backward(self, grad: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore"):
            return grad / (2 * self.z)


class Tanh(Function):
    """z = tanh x;  dz/dx = 1 - z²."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.z = np.tanh(x)
        return self.z

    def backward(self, grad: np.ndarray) -> np.ndarray:
        return grad * (1 - self.z * self.z)


class Sigmoid(Function):
    """z = 1/(1 + e⁻ˣ);  dz/dx = z(1 - z).

    Computed as (1 + tanh(x/2))/2, which is the same function and never overflows.
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.z = 0.5 * (1 + np.tanh(0.5 * x))
        return self.z

    def backward(self, grad: np.ndarray) -> np.ndarray:
        return grad * self.z * (1 - self.z)


class Abs(Function):
    """z = |x|;  dz/dx = sign(x) (0 at x = 0, as PyTorch)."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.sign = np.sign(x)
        return np.abs(x)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        return grad * self.sign


class Maximum(Function):
    """z = max(x, y) elementwise; the gradient goes to the larger input, split in half on ties."""

    def forward(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        self.x_shape, self.y_shape = x.shape, y.shape
        self.x_share = np.where(x > y, 1.0, np.where(x == y, 0.5, 0.0)).astype(np.result_type(x, y))
        return np.maximum(x, y)

    def backward(self, grad: np.ndarray) -> tuple:
        to_x = grad * self.x_share
        return unbroadcast(to_x, self.x_shape), unbroadcast(grad - to_x, self.y_shape)


class Minimum(Maximum):
    """z = min(x, y) elementwise: max(x, y) with the roles of larger and smaller swapped."""

    def forward(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        self.x_shape, self.y_shape = x.shape, y.shape
        self.x_share = np.where(x < y, 1.0, np.where(x == y, 0.5, 0.0)).astype(np.result_type(x, y))
        return np.minimum(x, y)


class Where(Function):
    """z = x where condition else y (the condition gets no gradient)."""

    def __init__(self, condition: np.ndarray) -> None:
        self.condition = condition

    def forward(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        self.x_shape, self.y_shape = x.shape, y.shape
        return np.where(self.condition, x, y)

    def backward(self, grad: np.ndarray) -> tuple:
        zero = np.zeros((), dtype=grad.dtype)
        dx = unbroadcast(np.where(self.condition, grad, zero), self.x_shape)
        dy = unbroadcast(np.where(self.condition, zero, grad), self.y_shape)
        return dx, dy


class Cast(Function):
    """z = x converted to ``dtype``; the gradient is converted back."""

    def __init__(self, dtype: Any) -> None:
        self.dtype = np.dtype(dtype)

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x_dtype = x.dtype
        return x.astype(self.dtype)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        return grad.astype(self.x_dtype)


_NUMBERS = (float, int)


def _binary(function: type[Function], name: str):  # type: ignore[no-untyped-def]
    divides = function is Div

    def apply(x: Any, y: Any) -> Tensor:
        # The common cases need no promotion: two tensors of one floating dtype, or a floating
        # tensor and a Python number (which takes the tensor's dtype).
        if isinstance(x, Tensor) and x.data.dtype.kind == "f":
            if isinstance(y, Tensor):
                if y.data.dtype != x.data.dtype:
                    x, y = promote(x, y, divides)
            elif type(y) in _NUMBERS:
                y = Tensor._wrap(np.array(y, dtype=x.data.dtype))
            else:
                x, y = promote(x, y, divides)
        elif type(x) in _NUMBERS and isinstance(y, Tensor) and y.data.dtype.kind == "f":
            x = Tensor._wrap(np.array(x, dtype=y.data.dtype))
        else:
            x, y = promote(x, y, divides)
        try:
            return function()(x, y)
        except ValueError:
            try:
                np.broadcast_shapes(x.shape, y.shape)
            except ValueError:
                raise ValueError(
                    f"{name}: shapes {x.shape} and {y.shape} cannot be broadcast together"
                ) from None
            raise

    apply.__name__ = name
    apply.__doc__ = (
        f"Differentiable ``{name}`` with broadcasting and PyTorch's type promotion "
        f"(see :class:`{function.__name__}` and :mod:`rectifiers.autograd.promotion`)."
    )
    return apply


def promote(x: Any, y: Any, divides: bool = False) -> tuple[Tensor, Tensor]:
    """Both operands as tensors of the dtype the operation computes in (PyTorch's rules)."""
    if not isinstance(x, Tensor) and not is_scalar(x):
        x = Tensor(x)
    if not isinstance(y, Tensor) and not is_scalar(y):
        y = Tensor(y)
    dtype = result_dtype(
        x.dtype if isinstance(x, Tensor) else x, y.dtype if isinstance(y, Tensor) else y
    )
    if divides:
        dtype = division_dtype(dtype)
    return _with_dtype(x, dtype), _with_dtype(y, dtype)


def _with_dtype(value: Any, dtype: np.dtype) -> Tensor:
    if not isinstance(value, Tensor):  # a number: wraps modulo 2^k into unsigned types, as torch
        return Tensor._wrap(np.asarray(value).astype(dtype))
    if value.dtype == dtype:
        return value
    if value.requires_grad:
        return Cast(dtype)(value)  # differentiable: the gradient is cast back
    return Tensor._wrap(value.data.astype(dtype))


add = _binary(Add, "add")
sub = _binary(Sub, "sub")
mul = _binary(Mul, "mul")
div = _binary(Div, "div")
pow = _binary(Pow, "pow")  # noqa: A001  (the operator's name)
maximum = _binary(Maximum, "maximum")
minimum = _binary(Minimum, "minimum")


def neg(x: Tensor) -> Tensor:
    return Neg()(x)


def exp(x: Tensor) -> Tensor:
    """Elementwise eˣ."""
    return Exp()(x)


def log(x: Tensor) -> Tensor:
    """Elementwise natural logarithm."""
    return Log()(x)


def sqrt(x: Tensor) -> Tensor:
    """Elementwise square root."""
    return Sqrt()(x)


def tanh(x: Tensor) -> Tensor:
    """Elementwise hyperbolic tangent."""
    return Tanh()(x)


def sigmoid(x: Tensor) -> Tensor:
    """Elementwise logistic function 1/(1 + e⁻ˣ)."""
    return Sigmoid()(x)


def abs(x: Tensor) -> Tensor:  # noqa: A001
    """Elementwise absolute value."""
    return Abs()(x)


def cast(x: Tensor, dtype: Any) -> Tensor:
    """Differentiable dtype conversion."""
    return Cast(dtype)(x)


def where(condition: Any, x: Any, y: Any) -> Tensor:
    """``x`` where ``condition`` is true, else ``y`` (as ``numpy.where``); differentiable in x and y."""
    condition = np.asarray(getattr(condition, "data", condition), dtype=bool)
    x, y = promote(x, y)
    try:
        np.broadcast_shapes(condition.shape, x.shape, y.shape)
    except ValueError:
        raise ValueError(
            f"where: condition {condition.shape}, x {x.shape} and y {y.shape} "
            "cannot be broadcast together"
        ) from None
    return Where(condition)(x, y)
