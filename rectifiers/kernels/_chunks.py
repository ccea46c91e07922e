"""Walking a large array one cache-sized block at a time.

A kernel that needs several NumPy passes over an array (compare, scale,
shift, multiply, reduce) runs them block by block instead: the block is read
from main memory once and the later passes find it in cache. On this kind of
machine, for a 128×64×32×32 channels-last array on one thread, that took the
PReLU forward from 25 to 17 ms and its backward from 44 to 21 ms. Blocks are
slices along axis 0 (images), which are contiguous in memory for both NCHW and
channels-last arrays.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import EllipsisType

import numpy as np

CHUNK_BYTES = 1 << 20  # fits a core's L2 cache with room for the temporaries


def chunks(a: np.ndarray) -> Iterator[slice | EllipsisType]:
    """Slices along axis 0 covering about ``CHUNK_BYTES`` of ``a`` each (at least one row).

    A 0-d array has no axis 0: it is one block, indexed by ``...``.
    """
    if a.ndim == 0:
        yield ...
        return
    step = max(1, CHUNK_BYTES // max(1, a[:1].nbytes))
    for start in range(0, len(a), step):
        yield slice(start, start + step)
