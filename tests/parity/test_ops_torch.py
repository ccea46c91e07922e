"""Every autograd operation against torch in float32: forward and gradients."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import rectifiers as rf

from .helpers import compare

rng = np.random.default_rng(0)


def data(*shape, low=-2.0, high=2.0):
    return rng.uniform(low, high, shape).astype(np.float32)


@pytest.mark.parametrize(
    "ours, theirs",
    [
        (lambda x, y: x + y, lambda x, y: x + y),
        (lambda x, y: x - y, lambda x, y: x - y),
        (lambda x, y: x * y, lambda x, y: x * y),
        (lambda x, y: x / y, lambda x, y: x / y),
        (lambda x, y: x**y, lambda x, y: x**y),
        (rf.maximum, torch.maximum),
        (lambda x, y: rf.where(x > 1.0, x, y), lambda x, y: torch.where(x > 1.0, x, y)),
    ],
)
def test_binary(ours, theirs):
    compare(ours, theirs, [data(3, 1, 4, low=0.5), data(5, 1, low=0.5)])


@pytest.mark.parametrize(
    "name, low",
    [("exp", -2), ("log", 0.1), ("sqrt", 0.1), ("tanh", -2), ("sigmoid", -2), ("abs", -2)],
)
def test_unary(name, low):
    compare(lambda x: getattr(x, name)(), lambda x: getattr(x, name)(), [data(4, 5, low=low)])


def test_sigmoid_saturates_like_torch():
    compare(
        lambda x: x.sigmoid(),
        lambda x: x.sigmoid(),
        [np.array([-100, -20, 0, 20, 100], np.float32)],
    )


@pytest.mark.parametrize("axis, keepdims", [(None, False), (0, False), (1, True), ((0, 2), False)])
def test_reductions(axis, keepdims):
    dims = tuple(range(3)) if axis is None else axis
    x = data(3, 4, 5)
    compare(lambda t: t.sum(axis, keepdims), lambda t: t.sum(dims, keepdims), [x])
    compare(lambda t: t.mean(axis, keepdims), lambda t: t.mean(dims, keepdims), [x])
    compare(lambda t: t.amax(axis, keepdims), lambda t: t.amax(dims, keepdims), [x])
    compare(lambda t: t.amin(axis, keepdims), lambda t: t.amin(dims, keepdims), [x])
    compare(lambda t: t.max(axis=axis, keepdims=keepdims), lambda t: t.amax(dims, keepdims), [x])


def test_max_ties_like_torch():
    x = np.array([[1, 3, 3], [2, 2, 2]], np.float32)
    compare(lambda t: t.amax(1), lambda t: t.amax(1), [x])  # ties share the gradient
    compare(lambda t: t.max(), lambda t: t.max(), [x])
    compare(lambda t: t.max(1).values, lambda t: t.max(1).values, [x])  # the first index gets it
    compare(lambda t: t.min(0).values, lambda t: t.min(0).values, [x])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(1, 4), min_size=1, max_size=4),
    st.integers(-4, 3),
    st.booleans(),
    st.sampled_from(["max", "min"]),
    st.integers(0, 2**32 - 1),
)
def test_max_min_with_a_dim_return_values_and_indices(shape, dim, keepdim, name, seed):
    dim = dim % len(shape)
    x = np.random.default_rng(seed).integers(-3, 4, shape).astype(np.float32)  # ties likely
    ours = getattr(rf.tensor(x), name)(dim, keepdim)
    theirs = getattr(torch.tensor(x), name)(dim, keepdim)
    np.testing.assert_array_equal(ours.values.data, theirs.values.numpy())
    np.testing.assert_array_equal(ours.indices.data, theirs.indices.numpy())
    assert ours.indices.dtype == np.int64
    compare(
        lambda t: getattr(t, name)(dim, keepdim)[0],
        lambda t: getattr(t, name)(dim, keepdim)[0],
        [x],
    )
    for arg in ("argmax", "argmin"):
        np.testing.assert_array_equal(
            getattr(rf.tensor(x), arg)(dim, keepdim).data,
            getattr(torch.tensor(x), arg)(dim, keepdim).numpy(),
        )
        np.testing.assert_array_equal(
            getattr(rf.tensor(x), arg)().data, getattr(torch.tensor(x), arg)().numpy()
        )


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=4), st.data())
def test_sum_and_mean_take_dim_and_keepdim(shape, draw):
    dims = draw.draw(
        st.lists(st.integers(0, len(shape) - 1), min_size=1, max_size=len(shape), unique=True)
    )
    keepdim = draw.draw(st.booleans())
    x = data(*shape)
    for name in ("sum", "mean", "amax", "amin"):

        def reduce(t, name=name):
            return getattr(t, name)(dim=tuple(dims), keepdim=keepdim)

        compare(reduce, reduce, [x])


def test_shape_ops():
    x = data(2, 3, 4)
    compare(lambda t: t.reshape(4, 6), lambda t: t.reshape(4, 6), [x])
    compare(lambda t: t.permute(2, 0, 1), lambda t: t.permute(2, 0, 1), [x])
    compare(lambda t: t.transpose(0, 2), lambda t: t.transpose(0, 2), [x])
    compare(lambda t: t.flatten(1), lambda t: t.flatten(1), [x])
    compare(lambda t: t.unsqueeze(1).squeeze(1), lambda t: t.unsqueeze(1).squeeze(1), [x])


@pytest.mark.parametrize(
    "index",
    [
        (slice(None), 1),
        (Ellipsis, slice(None, None, 2)),
        (np.array([0, 0, 1]),),
        (np.array([1, 1]), 2),
    ],
)
def test_getitem(index):
    x = data(2, 3, 4)
    torch_index = tuple(torch.tensor(i) if isinstance(i, np.ndarray) else i for i in index)
    compare(lambda t: t[index], lambda t: t[torch_index], [x])


def test_concatenate_and_stack():
    a, b = data(2, 3), data(2, 3)
    compare(lambda x, y: rf.concatenate([x, y], 1), lambda x, y: torch.cat([x, y], 1), [a, b])
    compare(lambda x, y: rf.stack([x, y], 2), lambda x, y: torch.stack([x, y], 2), [a, b])


@pytest.mark.parametrize(
    "a_shape, b_shape",
    [((3, 4), (4, 5)), ((4,), (4, 5)), ((2, 3, 4), (4,)), ((2, 1, 3, 4), (5, 4, 2))],
)
def test_matmul(a_shape, b_shape):
    compare(lambda x, y: x @ y, lambda x, y: x @ y, [data(*a_shape), data(*b_shape)])


def test_composite_expression():
    def f(lib):
        def run(x, w, b):
            h = (x @ w + b).tanh()
            return (h * h.sigmoid()).mean(0) - (x.abs() + 1).log().sum()

        return run

    compare(f(rf), f(torch), [data(8, 5), data(5, 3), data(3)])


def test_in_place_arithmetic_matches_torch():
    def chain(t):
        h = t * 2
        h += t
        h *= t
        h -= 1.5
        h /= t + 3
        return h

    compare(chain, chain, [data(3, 4)])
    x = np.arange(4, dtype=np.float32)
    ours, theirs = rf.tensor(x.copy()), torch.tensor(x.copy())
    with rf.no_grad(), torch.no_grad():
        for t in (ours, theirs):
            t.add_(2, alpha=3)
            t.mul_(0.5).clamp_(0, 3.5)
    np.testing.assert_array_equal(ours.data, theirs.numpy())
