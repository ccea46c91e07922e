"""Uniform draws laid out like the array they will multiply."""

from __future__ import annotations

import numpy as np


def fill_uniform(out: np.ndarray, rng: np.random.Generator) -> None:
    """Fill ``out`` with U[0, 1) draws in memory order.

    ``out`` must be contiguous in some axis order, as ``np.empty_like(x)`` (or
    an axis-0 slice of it) is for any x: its flat view in memory order is then
    a view, and filling it fills ``out``. Drawing in memory order rather than
    index order keeps a channels-last array's draws channels-last: the
    elements are exchangeable, and the products that follow stay contiguous.
    """
    flat = out.ravel(order="K")
    if flat.dtype in (np.float32, np.float64):
        rng.random(dtype=flat.dtype, out=flat)
    else:  # float16: NumPy draws float32 or float64 only
        flat[...] = rng.random(flat.shape, dtype=np.float32)
