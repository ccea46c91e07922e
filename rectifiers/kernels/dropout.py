"""Inverted dropout: zero each element with probability p, scale the survivors by 1/(1 − p).

    y = x · m / (1 − p),  m ~ Bernoulli(1 − p) elementwise;   dx = g · m / (1 − p)

Scaling in training (not at test time) keeps E[y] = x, so evaluation is the identity.
"""

from __future__ import annotations

import numpy as np


def dropout_forward(
    x: np.ndarray, p: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Return (y, scaled_mask); the mask already holds 0 or 1/(1 − p)."""
    keep = rng.random(x.shape, dtype=np.float32) >= p
    scale = 0.0 if p >= 1 else 1.0 / (1.0 - p)
    mask = keep * x.dtype.type(scale)
    return x * mask, mask


def dropout_backward(grad: np.ndarray, mask: np.ndarray) -> np.ndarray:
    return grad * mask
