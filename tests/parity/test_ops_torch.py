"""Every autograd operation against torch in float32: forward and gradients."""

from __future__ import annotations

import numpy as np
import pytest
import torch

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
    compare(lambda t: t.max(axis, keepdims), lambda t: t.amax(dims, keepdims), [x])
    compare(lambda t: t.min(axis, keepdims), lambda t: t.amin(dims, keepdims), [x])


def test_max_ties_like_torch_amax():
    x = np.array([[1, 3, 3], [2, 2, 2]], np.float32)
    compare(lambda t: t.max(1), lambda t: t.amax(1), [x])
    compare(lambda t: t.max(), lambda t: t.max(), [x])


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
