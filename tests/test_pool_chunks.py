"""Max pooling block by block (``kernels/_chunks.py``) gives the one-block result, ties included."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from rectifiers.kernels import pooling

from .helpers import small_chunks
from .test_kernels_gradcheck import pool_geometry


def forward_backward(x: np.ndarray, g: dict, block_bytes: int) -> tuple[np.ndarray, np.ndarray]:
    pads = tuple((p, p) for p in g["padding"])
    with small_chunks(block_bytes):
        out, saved = pooling.max_pool2d_forward(x, g["kernel_size"], g["stride"], pads)
        grad = np.random.default_rng(1).standard_normal(out.shape)
        return out, pooling.max_pool2d_backward(grad, saved)


@given(pool_geometry(), st.booleans(), st.sampled_from([1, 100]))
def test_blocks_match_one_block(g, channels_last, block_bytes):
    # rounded ReLU outputs: many windows hold ties, the case where "first maximum" matters
    x = np.maximum(np.round(np.random.default_rng(0).standard_normal((5,) + g["shape"][1:])), 0)
    if channels_last:
        x = np.ascontiguousarray(x.transpose(0, 2, 3, 1)).transpose(0, 3, 1, 2)
    out_one, dx_one = forward_backward(x, g, 1 << 30)
    out, dx = forward_backward(x, g, block_bytes)
    np.testing.assert_array_equal(out, out_one)
    np.testing.assert_array_equal(dx, dx_one)
    # each window's gradient lands once in total, however many of its taps tie
    with small_chunks(block_bytes):
        _, saved = pooling.max_pool2d_forward(
            x, g["kernel_size"], g["stride"], tuple((p, p) for p in g["padding"])
        )
        ones = np.ones(saved.out.shape)
        assert pooling.max_pool2d_backward(ones, saved).sum() == ones.size
