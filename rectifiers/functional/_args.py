"""Argument parsing and checking shared by the functional forms: errors that name the problem."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.tensor import Tensor


def check_tensor(x: Any, where: str) -> None:
    """Layers and functions take Tensors; a NumPy array or a list gets a clear error, not an AttributeError."""
    if not isinstance(x, Tensor):
        raise TypeError(
            f"{where}: expected a Tensor, got {type(x).__module__}.{type(x).__name__}; "
            "wrap arrays with rectifiers.tensor(x)"
        )


def check_rank(x: Tensor, ndims: tuple[int, ...], layout: str, where: str) -> None:
    check_tensor(x, where)
    if x.ndim not in ndims:
        raise ValueError(f"{where}: expected a {layout} input, got shape {x.shape}")


def check_floating(x: Tensor, where: str) -> None:
    """Refuse integer and bool inputs where PyTorch refuses them (anything that scales or averages).

    Computing such an op in the input's integer dtype would truncate (an average
    pool of uint8 pixels, a slope of 0.01 times an int) and silently be wrong.
    """
    check_tensor(x, where)
    if x.dtype.kind != "f":
        raise TypeError(
            f"{where}: expected a floating-point input, got dtype {x.dtype}; convert it "
            "first, e.g. x.float() (PyTorch refuses this dtype here too)"
        )


def check_not_bool(x: Tensor, where: str) -> None:
    """Refuse bool inputs where PyTorch takes integers but not booleans (ReLU, max pooling)."""
    check_tensor(x, where)
    if x.dtype == np.bool_:
        raise TypeError(
            f"{where}: bool inputs are not supported (got dtype bool); convert them first, "
            "e.g. x.float()"
        )


def check_float(where: str, *tensors: Tensor | None) -> None:
    """All given tensors must share one floating dtype (no silent upcasting)."""
    for t in tensors:
        if t is not None:
            check_tensor(t, where)
    dtypes = {t.dtype for t in tensors if t is not None}
    if any(d.kind != "f" for d in dtypes):
        raise TypeError(
            f"{where}: expected floating-point tensors, got dtypes {sorted(map(str, dtypes))}"
        )
    if len(dtypes) > 1:
        raise TypeError(
            f"{where}: input and parameters have different dtypes {sorted(map(str, dtypes))}; "
            "convert one of them (e.g. model.double() or x.float())"
        )
