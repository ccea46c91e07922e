"""Every autograd operation gradchecked in float64 on hypothesis-drawn shapes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import rectifiers as rf
from rectifiers.autograd import gradcheck

from .helpers import away_from, leaf64, random64

broadcast_pairs = hnp.mutually_broadcastable_shapes(
    num_shapes=2, min_dims=0, max_dims=3, max_side=3
)
shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)


@given(broadcast_pairs, st.integers(0, 2**16))
@pytest.mark.parametrize(
    "name, op",
    [
        ("add", lambda x, y: x + y),
        ("sub", lambda x, y: x - y),
        ("mul", lambda x, y: x * y),
        ("div", lambda x, y: x / y),
        ("pow", lambda x, y: x**y),
        ("maximum", rf.maximum),
        ("where", lambda x, y: rf.where(x.data > 0.5, x, y)),
    ],
)
def test_binary_ops_with_broadcasting(name, op, shapes, seed):
    rng = np.random.default_rng(seed)
    x_shape, y_shape = shapes.input_shapes
    x = leaf64(rng.uniform(0.5, 2.0, x_shape))  # positive: pow and div stay smooth
    y = leaf64(rng.uniform(0.5, 2.0, y_shape))
    if name == "maximum":  # keep x and y apart so no element sits on the tie
        y = leaf64(y.data + np.where(np.abs(x.data[...] - y.data) < 0.05, 0.2, 0.0))
    assert gradcheck(op, [x, y])
    assert op(x, y).shape == shapes.result_shape


@given(shapes, st.integers(0, 2**16))
@pytest.mark.parametrize(
    "name, op, low",
    [
        ("neg", lambda x: -x, -2.0),
        ("exp", rf.exp, -2.0),
        ("log", rf.log, 0.1),
        ("sqrt", rf.sqrt, 0.1),
        ("tanh", rf.tanh, -2.0),
        ("sigmoid", rf.sigmoid, -2.0),
        ("abs", rf.abs, -2.0),
        ("scalar arithmetic", lambda x: (2.0 - x) * 3.0 / (1.5 + x**2) ** 0.5, -2.0),
        ("rpow", lambda x: 2.0**x, -2.0),
    ],
)
def test_unary_ops(name, op, low, shape, seed):
    data = np.random.default_rng(seed).uniform(low, 2.0, shape)
    assert gradcheck(op, [leaf64(away_from(data))])


axes_and_keepdims = st.tuples(st.sampled_from([None, 0, -1, (0, 1)]), st.booleans())


@given(
    hnp.array_shapes(min_dims=2, max_dims=3, min_side=1, max_side=4),
    axes_and_keepdims,
    st.integers(0, 99),
)
@pytest.mark.parametrize("reduction", ["sum", "mean", "max", "min"])
def test_reductions(reduction, shape, axes, seed):
    axis, keepdims = axes
    # distinct values: a max with a tie has no derivative for finite differences to find
    data = np.random.default_rng(seed).permutation(np.prod(shape)).reshape(shape) * 0.1
    x = leaf64(data)
    out = gradcheck(lambda t: getattr(t, reduction)(axis=axis, keepdims=keepdims), [x])
    assert out
    expected = getattr(np, reduction)(data, axis=axis, keepdims=keepdims)
    np.testing.assert_allclose(getattr(x, reduction)(axis=axis, keepdims=keepdims).data, expected)


def test_max_shares_the_gradient_between_ties():
    x = rf.tensor([[1.0, 3.0, 3.0], [2.0, 0.0, 2.0]], requires_grad=True)
    x.max(axis=1).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [[0, 0.5, 0.5], [0.5, 0, 0.5]])


def test_maximum_splits_ties_in_half():
    x, y = rf.tensor([1.0, 2.0], requires_grad=True), rf.tensor([1.0, 3.0], requires_grad=True)
    rf.maximum(x, y).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.5, 0.0])
    np.testing.assert_array_equal(y.grad.data, [0.5, 1.0])


@given(hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=3), st.data())
def test_reshape_permute_transpose(shape, data):
    x = random64(shape)
    permutation = data.draw(st.permutations(range(len(shape))))
    assert gradcheck(lambda t: t.permute(*permutation) * rf.arange(len(shape)).reshape(-1)[0], [x])
    assert gradcheck(lambda t: (t.reshape(-1) * rf.arange(x.numel())).reshape(shape[::-1]), [x])
    dims = data.draw(st.tuples(st.integers(0, len(shape) - 1), st.integers(0, len(shape) - 1)))
    assert x.transpose(*dims).shape == np.swapaxes(x.data, *dims).shape
    assert gradcheck(
        lambda t: t.transpose(*dims) * random64(np.swapaxes(x.data, *dims).shape, 1), [x]
    )
    assert gradcheck(lambda t: t.flatten().unsqueeze(0).squeeze(0) * 2.0, [x])


@pytest.mark.parametrize(
    "index",
    [
        1,
        (slice(None), 0),
        (slice(1, None, 2), Ellipsis),
        (None, slice(None, None, -1)),
        np.array([0, 0, 2, 0]),  # repeated rows: their gradients must add up
        (np.array([1, 1]), np.array([2, 2])),  # the same element twice
        np.array([[True, False, True, False]] * 3),
    ],
)
def test_getitem_scatters_gradients(index):
    x = random64((3, 4))
    assert gradcheck(lambda t: t[index] * random64(x.data[index].shape, seed=5), [x])


def test_repeated_index_accumulates():
    x = rf.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x[np.array([0, 0, 0, 2])].sum().backward()
    np.testing.assert_array_equal(x.grad.data, [3.0, 0.0, 1.0])


@given(st.integers(0, 2), st.lists(st.integers(1, 3), min_size=1, max_size=3))
def test_concatenate_and_stack(axis, sizes):
    base = [2, 3, 2]
    parts = []
    for i, n in enumerate(sizes):
        shape = list(base)
        shape[axis] = n
        parts.append(random64(shape, seed=i))
    assert gradcheck(lambda *ts: rf.concatenate(ts, axis=axis) * random64((1,), 9), parts)
    same = [random64(base, seed=i) for i in range(len(sizes))]
    assert gradcheck(lambda *ts: rf.stack(ts, axis=axis) * random64((1,), 9), same)


@pytest.mark.parametrize(
    "a_shape, b_shape",
    [
        ((3, 4), (4, 2)),
        ((4,), (4, 2)),
        ((3, 4), (4,)),
        ((4,), (4,)),
        ((2, 3, 4), (4, 5)),
        ((2, 1, 3, 4), (3, 4, 2)),
    ],
)
def test_matmul(a_shape, b_shape):
    a, b = random64(a_shape, 1), random64(b_shape, 2)
    assert gradcheck(lambda x, y: x @ y, [a, b])
    np.testing.assert_allclose((a @ b).data, a.data @ b.data)


def test_cast_carries_the_gradient_back_in_the_input_dtype():
    x = rf.tensor([1.0, 2.0], requires_grad=True)
    (x.double() * 3).sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad.data, [3.0, 3.0])
