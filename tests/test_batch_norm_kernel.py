"""The chunked batch-norm kernel: every layout and chunk size gives the textbook numbers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rectifiers.kernels import _channels
from rectifiers.kernels import batch_norm as bn

from .helpers import channels_last, kernel_blocks, small_chunks


def reference(x, gamma, beta, g, eps=1e-5):
    """The formulas of the module docstring, in float64 on an NCHW array, no chunks."""
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    mean, var = x.mean(axis=axes), x.var(axis=axes)
    x_hat = (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)
    y = gamma.reshape(shape) * x_hat + beta.reshape(shape)
    m = x.size // x.shape[1]
    dbeta, dgamma = g.sum(axis=axes), (g * x_hat).sum(axis=axes)
    k = (gamma / np.sqrt(var + eps)).reshape(shape)
    dx = k * (g - dbeta.reshape(shape) / m - x_hat * dgamma.reshape(shape) / m)
    return y, mean, var, dx, dgamma, dbeta


@given(
    st.sampled_from([(6, 3), (4, 3, 5), (3, 2, 4, 5), (2, 3, 1, 1), (4, 3, 7, 1)]),
    st.booleans(),
    st.sampled_from([1, 40, 1 << 20]),
    st.sampled_from([1, 6, 2048]),
)
def test_matches_the_formulas_for_every_layout_and_chunk_size(shape, last, block_bytes, row):
    rng = np.random.default_rng(0)
    x, g = rng.standard_normal(shape), rng.standard_normal(shape)
    gamma, beta = rng.standard_normal(shape[1]), rng.standard_normal(shape[1])
    if last and len(shape) > 2:
        x, g = channels_last(x), channels_last(g)
    with kernel_blocks(block_bytes, folded_row=row):
        y, saved, mean, var = bn.batch_norm_train_forward(x, gamma, beta, 1e-5)
        dx, dgamma, dbeta = bn.batch_norm_backward(g, saved)
    expected = reference(x, gamma, beta, g)
    for got, want in zip((y, mean, var, dx, dgamma, dbeta), expected):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)
    for out in (y, dx):  # the memory layout is kept
        assert _channels.is_channels_last(out) == _channels.is_channels_last(x)
        assert out.flags.c_contiguous == x.flags.c_contiguous


@pytest.mark.parametrize("last", [False, True])
def test_variance_stays_accurate_in_float32_when_the_mean_is_large(last):
    rng = np.random.default_rng(1)
    x = (1e4 + rng.standard_normal((16, 4, 8, 8))).astype(np.float32)
    if last:
        x = channels_last(x)
    with small_chunks(512):  # many chunks to merge
        _, _, mean, var = bn.batch_norm_train_forward(x, None, None, 1e-5)
    x64 = x.astype(np.float64)
    np.testing.assert_allclose(var, x64.var(axis=(0, 2, 3)), rtol=1e-4)
    np.testing.assert_allclose(mean, x64.mean(axis=(0, 2, 3)), rtol=1e-6)
