"""The PReLU kernel in every memory layout, fold factor and block size matches its formulas."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rectifiers.kernels import _channels
from rectifiers.kernels import activations as act

from .helpers import channels_last, kernel_blocks


def in_layout(a: np.ndarray, layout: str) -> np.ndarray:
    if layout == "channels_last":
        return channels_last(a)
    if layout == "strided" and a.ndim > 2:
        return np.repeat(a, 2, axis=-1)[..., ::2]
    return a


@given(
    st.sampled_from([(5,), (6, 3), (4, 3, 5), (3, 2, 4, 5), (2, 3, 7, 1)]),
    st.sampled_from(["nchw", "channels_last", "strided"]),
    st.booleans(),
    st.sampled_from([1, 6, 2048]),
    st.sampled_from([1, 40, 1 << 20]),
)
def test_matches_the_formulas(shape, layout, shared, row, block_bytes):
    rng = np.random.default_rng(0)
    x, g = rng.standard_normal(shape), rng.standard_normal(shape)
    channels = 1 if shared or len(shape) < 2 else shape[1]
    slope = rng.uniform(0, 0.5, channels)
    a = slope.reshape((1, -1) + (1,) * (len(shape) - 2)) if channels > 1 else slope[0]
    x, g = in_layout(x, layout), in_layout(g, layout)
    with kernel_blocks(block_bytes, folded_row=row):
        y = act.prelu_forward(x, slope)
        dx, dslope = act.prelu_backward(g, x, slope)
    np.testing.assert_allclose(y, np.where(x > 0, x, a * x), rtol=1e-12)
    np.testing.assert_allclose(dx, np.where(x > 0, g, a * g), rtol=1e-12)
    axes = tuple(i for i in range(len(shape)) if i != 1 or channels == 1)
    np.testing.assert_allclose(
        dslope, np.sum(np.minimum(x, 0) * g, axis=axes).reshape(channels), rtol=1e-10
    )
    if layout == "channels_last" and len(shape) > 2:  # keeps a conv output's layout
        assert _channels.is_channels_last(y) and _channels.is_channels_last(dx)


@pytest.mark.parametrize("slope", [0.0, 0.01, 1 / 5.5, 1.0, 1.5, -0.3])
def test_leaky_forward_special_values(slope):
    """Either form (max(x, a·x) for 0 < a ≤ 1, x·scale otherwise) gives x > 0 ? x : a·x."""
    x = np.array([np.inf, -np.inf, np.nan, 0.0, -0.0, 2.0, -2.0, 1e-45], np.float32)
    with np.errstate(invalid="ignore"):
        expected = np.where(x > 0, x, np.float32(slope) * x)
        got = act.leaky_forward(x, np.float32(slope))
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(np.signbit(got), np.signbit(expected))
    g = np.full_like(x, 3.7)  # dx = g exactly where x > 0, a·g elsewhere (PyTorch: NaN → a·g)
    dx = act.leaky_backward(g, x, np.float32(slope))
    np.testing.assert_array_equal(dx, np.where(x > 0, g, np.float32(slope) * g))
