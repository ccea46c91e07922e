"""Helpers for the tests: float64 tensors for gradient checks."""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np

import rectifiers as rf
from rectifiers.kernels import _layout


def leaf64(array, requires_grad: bool = True) -> rf.Tensor:
    """A float64 leaf tensor, as gradcheck needs."""
    return rf.Tensor(np.asarray(array, dtype=np.float64), requires_grad=requires_grad)


def random64(shape, seed: int = 0, low: float = -2.0, high: float = 2.0) -> rf.Tensor:
    return leaf64(np.random.default_rng(seed).uniform(low, high, size=shape))


def away_from(array: np.ndarray, points=(0.0,), margin: float = 0.05) -> np.ndarray:
    """Push values at least ``margin`` away from kinks, so finite differences are valid."""
    array = np.array(array, dtype=np.float64)
    for p in points:
        near = np.abs(array - p) < margin
        array[near] = p + np.where(array[near] >= p, margin, -margin)
    return array


@contextmanager
def small_chunks(size: int):
    """Run the blocked kernels (``kernels/_layout.py``) with blocks of about ``size`` bytes."""
    saved_setting, _layout.CHUNK_BYTES = _layout.CHUNK_BYTES, size
    try:
        yield
    finally:
        _layout.CHUNK_BYTES = saved_setting


@contextmanager
def kernel_blocks(
    block_bytes: int, folded_row: int = _layout.FOLDED_ROW, im2col_bytes=None, threads: int = 2
):
    """Blocks of about ``block_bytes``, channels-last rows folded to ≥ ``folded_row`` values,
    (when given) im2col buffers of about ``im2col_bytes``, and the blocks of every pass,
    however small, shared out over ``threads`` threads."""
    saved = _layout.FOLDED_ROW, _layout.IM2COL_CHUNK_BYTES, _layout.THREADS, _layout.PARALLEL_BYTES
    _layout.FOLDED_ROW = folded_row
    _layout.IM2COL_CHUNK_BYTES = im2col_bytes or _layout.IM2COL_CHUNK_BYTES
    _layout.THREADS, _layout.PARALLEL_BYTES = threads, 0
    try:
        with small_chunks(block_bytes):
            yield
    finally:
        (_layout.FOLDED_ROW, _layout.IM2COL_CHUNK_BYTES, _layout.THREADS,
         _layout.PARALLEL_BYTES) = saved  # fmt: skip


def channels_last(a: np.ndarray) -> np.ndarray:
    """The same (N, C, …) values with the channel axis innermost in memory (as a conv output)."""
    if a.ndim <= 2:
        return a
    return np.ascontiguousarray(np.moveaxis(a, 1, -1)).transpose(
        0, a.ndim - 1, *range(1, a.ndim - 1)
    )
