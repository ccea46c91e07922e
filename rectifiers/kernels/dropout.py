"""Inverted dropout: zero each element with probability p, scale the survivors by 1/(1 − p).

    y = x · m / (1 − p),  m ~ Bernoulli(1 − p) elementwise;   dx = g · m / (1 − p)

Scaling in training (not at test time) keeps E[y] = x, so evaluation is the identity.
"""

from __future__ import annotations

import numpy as np

from ._random import fill_uniform


def dropout_reference(x: np.ndarray, p: float, rng: np.random.Generator) -> tuple:
    keep = rng.random(x.shape, dtype=np.float32) >= p
    mask = keep * x.dtype.type(0.0 if p >= 1 else 1.0 / (1.0 - p))
    return x * mask, mask


# --- fast -----------------------------------------------------------------------------
# What differs: the uniforms are drawn in x's memory order (channels-last after a
# conv) rather than index order, so every product walks memory in order; for a
# C-ordered x the draws, the mask and y equal the reference's bit for bit.


def dropout_forward(
    x: np.ndarray, p: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """(y, scaled mask): equal to ``dropout_reference``; the mask already holds 0 or 1/(1 − p)."""
    uniforms = np.empty_like(x, dtype=np.float32)
    fill_uniform(uniforms, rng)
    scale = 0.0 if p >= 1 else 1.0 / (1.0 - p)
    mask = np.empty_like(x)
    np.multiply(uniforms >= p, x.dtype.type(scale), out=mask)
    return x * mask, mask


def dropout_backward(grad: np.ndarray, mask: np.ndarray) -> np.ndarray:
    return grad * mask
