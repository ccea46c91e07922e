"""Matrix multiplication with NumPy's ``@`` semantics (1-D operands, batched stacks)."""

from __future__ import annotations

import numpy as np

from ..function import Function, unbroadcast
from ..tensor import Tensor


class MatMul(Function):
    """Z = A @ B;  dL/dA = G @ Bᵀ, dL/dB = Aᵀ @ G.

    1-D operands are treated as a row (A) or a column (B) vector and the
    inserted axis is removed again; broadcast batch axes are summed back.
    """

    def forward(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        self.a, self.b = a, b
        return a @ b

    def backward(self, grad: np.ndarray) -> tuple:
        a, b = self.a, self.b
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        batch = np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2])
        g = grad.reshape(batch + (a2.shape[-2], b2.shape[-1]))
        need_a, need_b = self.needs_input_grad
        da = unbroadcast(g @ np.swapaxes(b2, -1, -2), a2.shape).reshape(a.shape) if need_a else None
        db = unbroadcast(np.swapaxes(a2, -1, -2) @ g, b2.shape).reshape(b.shape) if need_b else None
        return da, db


def matmul(a: Tensor, b: Tensor) -> Tensor:
    """Matrix product ``a @ b`` (as ``numpy.matmul``)."""
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(f"matmul needs at least 1-D operands, got shapes {a.shape} and {b.shape}")
    inner_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if a.shape[-1] != inner_b:
        raise ValueError(
            f"matmul: shapes {a.shape} and {b.shape} do not align: "
            f"{a.shape[-1]} (last dim of the first) != {inner_b} "
            f"({'only' if b.ndim == 1 else 'second-to-last'} dim of the second)"
        )
    try:
        np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    except ValueError:
        raise ValueError(
            f"matmul: batch dimensions of {a.shape} and {b.shape} cannot be broadcast"
        ) from None
    return MatMul()(a, b)
