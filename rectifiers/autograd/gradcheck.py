"""Check a backward pass against central finite differences.

For a function f with inputs x₁..xₖ and a fixed random cotangent v (the
shape of the output), both sides compute the gradient of the scalar
s(x) = Σ v · f(x):

* analytic: one ``backward(v)`` through the graph;
* numeric: for every input element, (s(x + ε·e) − s(x − ε·e)) / 2ε.

A random v makes it very unlikely that a wrong gradient hides in v's null
space, and costs one backward instead of one per output element.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .grad_mode import no_grad
from .tensor import Tensor


class GradcheckError(AssertionError):
    """Raised by :func:`gradcheck` when analytic and numeric gradients disagree."""


def gradcheck(
    fn: Callable[..., Tensor],
    inputs: Sequence[Tensor] | Tensor,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    seed: int = 0,
    raise_exception: bool = True,
) -> bool:
    """Compare ``fn``'s backward with central finite differences.

    Args:
        fn: maps the input tensors to one output tensor.
        inputs: float64 tensors; those with ``requires_grad=True`` are checked.
        eps: finite-difference step.
        atol, rtol: the check passes when |analytic − numeric| ≤ atol + rtol·|numeric|
            for every element.
        seed: seeds the random cotangent v.
        raise_exception: raise :class:`GradcheckError` on failure (else return False).

    Returns:
        True when every checked gradient matches.

    Examples:
        >>> import rectifiers as rf
        >>> x = rf.tensor([0.5, -1.0, 2.0], dtype="float64", requires_grad=True)
        >>> rf.autograd.gradcheck(lambda t: (t * t.exp()).sum(), [x])
        True
    """
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    checked = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    if not checked:
        raise ValueError("gradcheck: no input has requires_grad=True")
    for i in checked:
        if inputs[i].dtype != np.float64:
            raise TypeError(
                f"gradcheck: input {i} has dtype {inputs[i].dtype}; finite differences need "
                "float64 inputs (float32 rounding swamps the difference)"
            )
    output = fn(*inputs)
    if not isinstance(output, Tensor):
        raise TypeError(f"gradcheck: fn must return a Tensor, got {type(output).__name__}")
    cotangent = np.random.default_rng(seed).standard_normal(output.shape)

    def scalar(*arrays: np.ndarray) -> float:
        return float(np.sum(cotangent * fn(*arrays).data))

    for i in checked:
        inputs[i].grad = None
    output.backward(cotangent.astype(output.dtype))
    for i in checked:
        grad = inputs[i].grad
        analytic = np.zeros(inputs[i].shape) if grad is None else grad.data
        numeric = _numeric_grad(scalar, inputs, i, eps)
        failure = _worst_mismatch(analytic, numeric, atol, rtol)
        if failure:
            if raise_exception:
                raise GradcheckError(f"gradcheck: input {i} (shape {inputs[i].shape}): {failure}")
            return False
    return True


def _numeric_grad(scalar: Callable[..., float], inputs: list, i: int, eps: float) -> np.ndarray:
    probes = [Tensor._wrap(t.data.copy()) if isinstance(t, Tensor) else t for t in inputs]
    x = probes[i].data
    grad = np.zeros(x.shape)
    with no_grad():
        for position in np.ndindex(x.shape):
            original = x[position]
            x[position] = original + eps
            above = scalar(*probes)
            x[position] = original - eps
            below = scalar(*probes)
            x[position] = original
            grad[position] = (above - below) / (2 * eps)
    return grad


def _worst_mismatch(analytic: np.ndarray, numeric: np.ndarray, atol: float, rtol: float) -> str:
    excess = np.abs(analytic - numeric) - (atol + rtol * np.abs(numeric))
    if excess.size == 0 or (np.all(excess <= 0) and np.all(np.isfinite(analytic))):
        return ""
    worst = np.unravel_index(
        np.nanargmax(np.where(np.isfinite(excess), excess, np.inf)), excess.shape
    )
    return (
        f"worst element {tuple(int(k) for k in worst)}: analytic {analytic[worst]:.6g}, "
        f"numeric {numeric[worst]:.6g}, |difference| {abs(analytic[worst] - numeric[worst]):.3g} "
        f"> atol + rtol·|numeric| = {atol + rtol * abs(numeric[worst]):.3g}"
    )
