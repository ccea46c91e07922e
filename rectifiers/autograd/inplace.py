"""In-place operations (``t += 1``, ``t.mul_(2)``, ``t.zero_()``) and the version counter that guards them.

Three cases, as in PyTorch:

* **A leaf that requires grad** (a parameter) may be changed in place only
  under ``no_grad()`` — otherwise its gradient would silently describe a value
  it no longer holds: ``RuntimeError``.
* **Recording is on and the operation involves the graph** (a non-leaf, or
  an operand that requires grad): the operation is recorded out of place and
  the tensor takes over the result (its new array and ``grad_fn``), so the
  gradient flows through it and what earlier operations saved stays intact.
* **Otherwise** (under ``no_grad()``, or tensors outside any graph) the
  array is changed in place, with PyTorch's casting rule (an int tensor
  cannot take ``+= 0.5``), and the tensor's **version** goes up by one.

Every in-place change is numbered (``changes``) and the changed array is
noted with its number. Each recorded function remembers the number at its
forward; before its backward runs, if anything changed since, it checks
whether an array it saved is among the changed ones. If so the saved values
are no longer those the forward used, and the backward raises instead of
returning a wrong gradient (PyTorch does this with a version counter per
tensor). Without in-place changes this costs one integer comparison per
function. ``detach()`` shares the array, so a change through it is seen too;
writes into ``tensor.data`` itself, or into a reshaped view of an array,
bypass all this (as PyTorch's ``.data``).
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

import numpy as np

from .grad_mode import is_grad_enabled

if TYPE_CHECKING:
    from .tensor import Tensor

changes = [0]  # how many in-place changes so far (a list, so importers see it move)
_changed: dict[int, tuple[weakref.ref, int]] = {}  # id(array) → (array, number of its last change)

LEAF_MESSAGE = (
    "a leaf Variable that requires grad is being used in an in-place operation "
    "(do it under rectifiers.no_grad(), as an optimiser update is)"
)
MODIFIED_MESSAGE = (
    "one of the variables needed for gradient computation has been modified by an inplace "
    "operation: {name} saved an array of shape {shape} for its backward, and it was changed "
    "after the forward. Compute what the backward needs before changing the tensor, or "
    "change a copy of it"
)


def check_leaf(tensor: Tensor) -> None:
    if tensor.requires_grad and tensor.grad_fn is None and is_grad_enabled():
        raise RuntimeError(LEAF_MESSAGE)


def apply(tensor: Tensor, other: Any, operation: str) -> Tensor:
    """``tensor ∘= other`` for ∘ in add, sub, mul, div, pow (see the module docstring)."""
    from . import ops

    check_leaf(tensor)
    other_in_graph = getattr(other, "requires_grad", False)
    if is_grad_enabled() and (tensor.requires_grad or other_in_graph):
        result = getattr(ops, operation)(tensor, other)
        _check_cast(result.dtype, tensor.dtype, operation)
        take_over(tensor, result)
        return tensor
    x, y = ops.promote(tensor, other, divides=operation == "div")
    _check_cast(x.dtype, tensor.dtype, operation)
    ufunc = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.true_divide,
             "pow": np.power}[operation]  # fmt: skip
    ufunc(tensor.data, y.data.astype(tensor.dtype, copy=False), out=tensor.data)
    bump(tensor)
    return tensor


def write(tensor: Tensor, values: np.ndarray) -> Tensor:
    """Overwrite ``tensor``'s values in place (zero_, fill_, copy_, clamp_, normal_, …)."""
    check_leaf(tensor)
    if tensor.grad_fn is not None and is_grad_enabled():
        raise RuntimeError(
            "in-place overwrite of a tensor computed in a graph: its gradient would be wrong; "
            "do it under rectifiers.no_grad() or on a detached tensor"
        )
    np.copyto(tensor.data, values, casting="same_kind")
    bump(tensor)
    return tensor


def take_over(tensor: Tensor, result: Tensor) -> None:
    """Make ``tensor`` the result of a recorded operation (the in-place form of it)."""
    tensor.data, tensor.grad_fn = result.data, result.grad_fn
    tensor._requires_grad = result.requires_grad


def bump(tensor: Tensor) -> None:
    """Count an in-place change of ``tensor``'s array (its version, and the global numbering)."""
    tensor._version_counter()[0] += 1
    changes[0] += 1
    key = id(tensor.data)
    entry = _changed.get(key)
    if entry is not None and entry[0]() is tensor.data:
        _changed[key] = (entry[0], changes[0])
    else:
        _changed[key] = (
            weakref.ref(tensor.data, lambda _, key=key: _changed.pop(key, None)),
            changes[0],
        )


def _check_cast(result: np.dtype, target: np.dtype, operation: str) -> None:
    if not np.can_cast(result, target, casting="same_kind"):
        raise RuntimeError(
            f"in-place {operation}: result type {result} can't be cast to the desired "
            f"output type {target}"
        )


def check_saved_arrays(function: Any) -> None:
    """Raise if an array ``function`` saved was changed in place after its forward (engine hook)."""
    for value in vars(function).values():
        if not isinstance(value, np.ndarray):
            continue
        entry = _changed.get(id(value))
        if entry is not None and entry[1] > function.recorded_at and entry[0]() is value:
            raise RuntimeError(
                MODIFIED_MESSAGE.format(name=type(function).__name__, shape=value.shape)
            )
