"""Pooling options PyTorch code uses: ceil_mode, count_include_pad, divisor_override, uneven adaptive bins."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as TF
from hypothesis import given, settings
from hypothesis import strategies as st

import rectifiers.nn.functional as F
from rectifiers import nn

from .helpers import compare


@settings(max_examples=120, deadline=None)
@given(
    st.integers(3, 9), st.integers(3, 9), st.integers(1, 4), st.integers(1, 3), st.data(),
    st.booleans(), st.booleans(), st.integers(0, 2**32 - 1),
)  # fmt: skip
def test_max_and_avg_pool_options(h, w, k, s, draw, ceil_mode, include_pad, seed):
    k = min(k, h, w)
    p = draw.draw(st.integers(0, k // 2))
    x = np.random.default_rng(seed).standard_normal((2, 3, h, w)).astype(np.float32)
    compare(lambda t: F.max_pool2d(t, k, s, p, ceil_mode=ceil_mode),
            lambda t: TF.max_pool2d(t, k, s, p, ceil_mode=ceil_mode), [x])  # fmt: skip
    compare(lambda t: F.avg_pool2d(t, k, s, p, ceil_mode, include_pad),
            lambda t: TF.avg_pool2d(t, k, s, p, ceil_mode, include_pad), [x])  # fmt: skip
    compare(lambda t: F.avg_pool2d(t, k, s, p, ceil_mode, include_pad, divisor_override=3),
            lambda t: TF.avg_pool2d(t, k, s, p, ceil_mode, include_pad, divisor_override=3), [x])  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 9),
    st.integers(1, 9),
    st.integers(1, 6),
    st.integers(1, 6),
    st.integers(0, 2**32 - 1),
)
def test_adaptive_average_pooling_to_any_size(h, w, oh, ow, seed):
    x = np.random.default_rng(seed).standard_normal((2, 3, h, w)).astype(np.float32)
    compare(
        lambda t: F.adaptive_avg_pool2d(t, (oh, ow)),
        lambda t: TF.adaptive_avg_pool2d(t, (oh, ow)),
        [x],
    )


def test_modules_take_the_options():
    x = np.random.default_rng(0).standard_normal((1, 2, 7, 7)).astype(np.float32)
    compare(nn.MaxPool2d(3, 2, ceil_mode=True), torch.nn.MaxPool2d(3, 2, ceil_mode=True), [x])
    compare(nn.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False),
            torch.nn.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False), [x])  # fmt: skip
    compare(nn.AdaptiveAvgPool2d((3, None)), torch.nn.AdaptiveAvgPool2d((3, None)), [x])
