"""Functions that make new tensors: from data, filled with a constant, or random.

Random constructors take an explicit ``numpy.random.Generator`` (or a
``seed``), falling back to the library's default generator
(:func:`rectifiers.manual_seed`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .autograd.tensor import Tensor, as_array, shape_argument
from .random import resolve_generator

DEFAULT_DTYPE = np.float32


def _dtype(dtype: Any) -> np.dtype:
    return np.dtype(DEFAULT_DTYPE if dtype is None else dtype)


def _float_dtype(dtype: Any) -> np.dtype:
    dtype = np.dtype(DEFAULT_DTYPE if dtype is None else dtype)
    if dtype.kind != "f":
        raise TypeError(f"random tensors are floating point; got dtype {dtype}")
    return dtype


def tensor(data: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A new tensor holding a copy of ``data``.

    Python floats become float32 and ints int64 (as ``torch.tensor``); NumPy
    arrays keep their dtype unless ``dtype`` is given.
    """
    return Tensor(as_array(data, dtype).copy(), requires_grad)


def zeros(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros (float32 by default)."""
    return Tensor(np.zeros(shape_argument(shape), dtype=_dtype(dtype)), requires_grad)


def ones(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones (float32 by default)."""
    return Tensor(np.ones(shape_argument(shape), dtype=_dtype(dtype)), requires_grad)


def full(shape: Any, fill_value: float, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor filled with ``fill_value`` (float32 by default)."""
    return Tensor(np.full(shape, fill_value, dtype=_dtype(dtype)), requires_grad)


def zeros_like(other: Tensor, requires_grad: bool = False) -> Tensor:
    """Zeros with ``other``'s shape and dtype."""
    return Tensor(np.zeros_like(other.data), requires_grad)


def ones_like(other: Tensor, requires_grad: bool = False) -> Tensor:
    """Ones with ``other``'s shape and dtype."""
    return Tensor(np.ones_like(other.data), requires_grad)


def arange(*args: float, dtype: Any = None) -> Tensor:
    """Evenly spaced values, as ``numpy.arange`` (int64 for ints, float32 for floats)."""
    return Tensor(np.arange(*args), dtype=dtype)


def randn(
    *shape: Any,
    generator: np.random.Generator | None = None,
    seed: int | None = None,
    dtype: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Samples of the standard normal distribution N(0, 1)."""
    rng = resolve_generator(generator, seed)
    data = rng.standard_normal(shape_argument(shape), dtype=_float_dtype(dtype))
    return Tensor(data, requires_grad)


def rand(
    *shape: Any,
    generator: np.random.Generator | None = None,
    seed: int | None = None,
    dtype: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Samples of the uniform distribution U[0, 1)."""
    rng = resolve_generator(generator, seed)
    return Tensor(rng.random(shape_argument(shape), dtype=_float_dtype(dtype)), requires_grad)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing ``array``'s memory (no copy; changes show in both), as ``torch.from_numpy``."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {type(array).__name__}")
    return Tensor(array)


def full_like(
    other: Tensor, fill_value: float, dtype: Any = None, requires_grad: bool = False
) -> Tensor:
    """``fill_value`` with ``other``'s shape (and dtype, unless given)."""
    return Tensor(np.full_like(other.data, fill_value, dtype=dtype), requires_grad)


def empty(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """An uninitialised tensor (float32 by default): its values are whatever memory held."""
    return Tensor(np.empty(shape_argument(shape), dtype=_dtype(dtype)), requires_grad)


def rand_like(other: Tensor, generator: np.random.Generator | None = None) -> Tensor:
    """U[0, 1) samples with ``other``'s shape and (floating) dtype."""
    return rand(*other.shape, generator=generator, dtype=other.dtype)


def randn_like(other: Tensor, generator: np.random.Generator | None = None) -> Tensor:
    """N(0, 1) samples with ``other``'s shape and (floating) dtype."""
    return randn(*other.shape, generator=generator, dtype=other.dtype)
