"""The Tensor methods and module functions PyTorch code reaches for, against torch."""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import rectifiers as rf

from .helpers import compare

SHAPES = st.lists(st.integers(1, 5), min_size=1, max_size=4)


def _data(shape, seed, scale=3.0):
    return (np.random.default_rng(seed).standard_normal(shape) * scale).astype(np.float32)


@settings(max_examples=60, deadline=None)
@given(SHAPES, st.data(), st.integers(0, 2**32 - 1))
def test_softmax_and_log_softmax(shape, draw, seed):
    dim = draw.draw(st.integers(-len(shape), len(shape) - 1))
    x = _data(shape, seed, scale=draw.draw(st.sampled_from([1.0, 30.0, 1e3])))
    compare(lambda t: t.softmax(dim), lambda t: t.softmax(dim), [x])
    compare(lambda t: t.log_softmax(dim), lambda t: t.log_softmax(dim), [x], atol=1e-4)
    compare(lambda t: rf.softmax(t, dim=dim), lambda t: torch.softmax(t, dim=dim), [x])


@settings(max_examples=40, deadline=None)
@given(SHAPES, st.integers(0, 2**32 - 1), st.sampled_from([(-1.0, 1.0), (None, 0.5), (-0.5, None)]))
def test_clamp_clip_clone_relu(shape, seed, bounds):
    x = _data(shape, seed)
    low, high = bounds
    compare(lambda t: t.clamp(low, high), lambda t: t.clamp(low, high), [x])
    compare(lambda t: t.clip(low, high), lambda t: t.clip(low, high), [x])
    compare(lambda t: t.clone() * 2, lambda t: t.clone() * 2, [x])
    x[..., 0] = 0.0  # relu's gradient at exactly 0
    compare(lambda t: t.relu(), lambda t: t.relu(), [x])


@settings(max_examples=40, deadline=None)
@given(SHAPES, st.integers(0, 2**32 - 1))
def test_comparison_methods_and_conversions(shape, seed):
    x = np.round(_data(shape, seed))
    ours, theirs = rf.tensor(x), torch.tensor(x)
    for name in ("eq", "ne", "lt", "le", "gt", "ge"):
        np.testing.assert_array_equal(
            getattr(ours, name)(0.0).data, getattr(theirs, name)(0.0).numpy()
        )
    for name in ("long", "int", "bool", "float", "double"):
        a, b = getattr(ours, name)(), getattr(theirs, name)()
        assert str(a.dtype) == str(b.dtype).replace("torch.", "")
        np.testing.assert_array_equal(a.data, b.numpy())
    assert ours.to("cpu") is ours and ours.cpu() is ours
    assert ours.to(np.float64).dtype == np.float64 and ours.size(0) == theirs.size(0)


@settings(max_examples=30, deadline=None)
@given(SHAPES, st.data(), st.integers(0, 2**32 - 1))
def test_cat_and_stack_with_dim(shape, draw, seed):
    dim = draw.draw(st.integers(-len(shape), len(shape) - 1))
    a, b = _data(shape, seed), _data(shape, seed + 1)
    compare(lambda s, t: rf.cat([s, t], dim=dim), lambda s, t: torch.cat([s, t], dim=dim), [a, b])
    compare(
        lambda s, t: rf.stack([s, t], dim=dim), lambda s, t: torch.stack([s, t], dim=dim), [a, b]
    )


def test_creation_functions():
    array = np.arange(6, dtype=np.float32).reshape(2, 3)
    shared = rf.from_numpy(array)
    array[0, 0] = 9
    assert shared.data[0, 0] == 9  # shares memory, as torch.from_numpy
    like = rf.full_like(shared, 7)
    assert like.shape == (2, 3) and like.dtype == np.float32 and like.data.max() == 7
    assert rf.rand_like(shared).shape == rf.randn_like(shared).shape == rf.empty(2, 3).shape
