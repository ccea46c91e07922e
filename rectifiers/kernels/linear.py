"""Fully connected layer: y = x Wᵀ + b.

Shapes: x (*, in), weight (out, in), bias (out,), y (*, out). With x and
G = dL/dy flattened to 2-D over the leading dimensions:

    dx = G W,   dW = Gᵀ x,   db = Σ_rows G

These are already the fast form: each is one matrix product (BLAS), so the
reference and the fast kernel are the same functions.
"""

from __future__ import annotations

import numpy as np


def linear_forward(x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None) -> np.ndarray:
    y = x @ weight.T
    if bias is not None:
        y += bias
    return y


def linear_backward(
    grad: np.ndarray,
    x: np.ndarray,
    weight: np.ndarray,
    need_input: bool = True,
    need_weight: bool = True,
    need_bias: bool = True,
) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray | None]:
    g_rows = grad.reshape(-1, weight.shape[0])
    dx = grad @ weight if need_input else None
    dweight = g_rows.T @ x.reshape(-1, weight.shape[1]) if need_weight else None
    dbias = g_rows.sum(axis=0) if need_bias else None
    return dx, dweight, dbias
