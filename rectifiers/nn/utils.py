"""Gradient clipping, as ``torch.nn.utils``: ``clip_grad_norm_`` and ``clip_grad_value_``."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from ..autograd.grad_mode import no_grad
from ..autograd.inplace import bump
from ..autograd.tensor import Tensor
from ..checks import check_number


def _grads(parameters: Any) -> list[Tensor]:
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    return [p for p in params if p.grad is not None]


@no_grad()
def clip_grad_norm_(
    parameters: Iterable[Tensor] | Tensor,
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
) -> Tensor:
    """Scale all gradients together so that their joint ``norm_type``-norm is at most ``max_norm``.

    total = (Σ_p ‖g_p‖^q)^(1/q) over every parameter's gradient (q = ∞: the
    largest |g|); if total > max_norm, every g is multiplied by
    max_norm / (total + 1e-6), as PyTorch. Returns the total norm (before
    clipping) as a 0-d tensor.

    Examples:
        >>> import rectifiers as rf
        >>> w = rf.ones(4, requires_grad=True)
        >>> w.grad = rf.full((4,), 3.0)
        >>> round(clip_grad_norm_([w], max_norm=1.0).item(), 4), round(float(w.grad.data[0]), 4)
        (6.0, 0.5)
    """
    max_norm = check_number("clip_grad_norm_", "max_norm", max_norm, 0.0)
    norm_type = float(norm_type)
    grads = _grads(parameters)
    if not grads:
        return Tensor(np.zeros((), np.float32))
    if norm_type == math.inf:
        total = max(float(np.abs(p.grad.data).max()) for p in grads)
    else:
        total = sum(
            float(np.sum(np.abs(p.grad.data.astype(np.float64)) ** norm_type)) for p in grads
        )
        total = total ** (1.0 / norm_type)
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(
            f"clip_grad_norm_: the total norm of order {norm_type} of the gradients is {total}"
        )
    factor = max_norm / (total + 1e-6)
    if factor < 1:
        for p in grads:
            p.grad.data *= p.grad.dtype.type(factor)
            bump(p.grad)
    return Tensor(np.asarray(total, dtype=grads[0].grad.dtype))


@no_grad()
def clip_grad_value_(parameters: Iterable[Tensor] | Tensor, clip_value: float) -> None:
    """Clip every gradient element to [−clip_value, clip_value], in place, as PyTorch."""
    clip_value = check_number("clip_grad_value_", "clip_value", clip_value, 0.0)
    for p in _grads(parameters):
        np.clip(p.grad.data, -clip_value, clip_value, out=p.grad.data)
        bump(p.grad)


__all__ = ["clip_grad_norm_", "clip_grad_value_"]
