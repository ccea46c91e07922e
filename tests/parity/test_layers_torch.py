"""Kernels and modules against torch.nn.functional / torch.nn in float32 (atol 1e-5, rtol 1e-4)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import assume, given
from hypothesis import strategies as st

import rectifiers as rf
import rectifiers.functional as F

from .helpers import compare

rng = np.random.default_rng(0)


def data(*shape):
    return rng.standard_normal(shape).astype(np.float32)


@given(
    st.sampled_from([1, 2]),
    st.integers(1, 3),
    st.integers(1, 2),
    st.integers(0, 2),
    st.integers(1, 2),
    st.integers(4, 9),
    st.booleans(),
)
def test_conv2d(groups, k, stride, padding, dilation, size, bias):
    assume(size + 2 * padding >= dilation * (k - 1) + 1)
    x, w = data(2, 2 * groups, size, size + 1), data(4, 2, k, k)
    b = [data(4)] if bias else []
    kw = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)
    compare(lambda *t: F.conv2d(*t, **kw), lambda *t: TF.conv2d(*t, **kw), [x, w, *b])


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("k", [2, 3, 4])
def test_conv2d_same(k):
    compare(
        lambda x, w: F.conv2d(x, w, padding="same"),
        lambda x, w: TF.conv2d(x, w, padding="same"),
        [data(2, 3, 7, 6), data(5, 3, k, k)],
    )


def test_conv2d_cifar_sized_layer_is_as_accurate_as_torch():
    """Weight gradients here sum 8·32·32 = 8192 float32 products of size ~100: both libraries
    round differently, so compare each against a float64 reference instead of each other."""
    x, w, b = data(8, 16, 32, 32), data(32, 16, 3, 3) * 0.1, data(32)
    g = data(8, 32, 32, 32)
    exact = [t.grad.numpy() for t in _torch_conv_grads(x, w, b, g, torch.float64)]
    theirs = [t.grad.numpy() for t in _torch_conv_grads(x, w, b, g, torch.float32)]
    mine = [rf.Tensor(a, requires_grad=True) for a in (x, w, b)]
    F.conv2d(*mine, padding=1).backward(g)
    for m, t, e, name in zip(mine, theirs, exact, ["input", "weight", "bias"]):
        our_error, their_error = np.abs(m.grad.data - e).max(), np.abs(t - e).max()
        assert our_error <= 2 * their_error + 1e-6, (name, our_error, their_error)


def _torch_conv_grads(x, w, b, g, dtype):
    ts = [torch.tensor(a, dtype=dtype, requires_grad=True) for a in (x, w, b)]
    TF.conv2d(*ts, padding=1).backward(torch.tensor(g, dtype=dtype))
    return ts


@pytest.mark.parametrize("k, s, p", [(2, 2, 0), (3, 2, 1), (3, 1, 1), ((2, 3), (1, 2), (1, 0))])
def test_pooling(k, s, p):
    x = data(2, 3, 9, 8)
    compare(lambda t: F.max_pool2d(t, k, s, p), lambda t: TF.max_pool2d(t, k, s, p), [x])
    compare(lambda t: F.avg_pool2d(t, k, s, p), lambda t: TF.avg_pool2d(t, k, s, p), [x])


def test_max_pool_ties_route_to_one_element_like_torch():
    x = np.maximum(data(2, 3, 8, 8), 0)  # many windows of zeros, as after a ReLU
    x[0, 0, :2, :2] = 1.0
    compare(lambda t: F.max_pool2d(t, 2), lambda t: TF.max_pool2d(t, 2), [x])


def test_adaptive_avg_pool():
    compare(
        lambda t: F.adaptive_avg_pool2d(t, 1),
        lambda t: TF.adaptive_avg_pool2d(t, 1),
        [data(2, 3, 5, 5)],
    )


def test_linear_and_cross_entropy():
    def ours(x, w, b):
        return F.cross_entropy(F.linear(x, w, b), np.array([1, 0, 4, 2, 2, 3]))

    def theirs(x, w, b):
        return TF.cross_entropy(TF.linear(x, w, b), torch.tensor([1, 0, 4, 2, 2, 3]))

    compare(ours, theirs, [data(6, 7), data(5, 7), data(5)])


@pytest.mark.parametrize("reduction", ["sum", "none"])
def test_cross_entropy_reductions_and_large_logits(reduction):
    logits = data(4, 3) * 50
    targets = np.array([0, 2, 1, 1])
    compare(
        lambda t: F.cross_entropy(t, targets, reduction=reduction),
        lambda t: TF.cross_entropy(t, torch.tensor(targets), reduction=reduction),
        [logits],
        atol=1e-4,
    )


@pytest.mark.parametrize(
    "shape, cls",
    [((8, 5), "BatchNorm1d"), ((4, 5, 6, 6), "BatchNorm2d"), ((4, 5, 7), "BatchNorm1d")],
)
@pytest.mark.parametrize("momentum", [0.1, None])
def test_batchnorm_modules_running_statistics_and_gradients(shape, cls, momentum):
    ours = getattr(rf.nn, cls)(5, momentum=momentum)
    theirs = getattr(torch.nn, cls)(5, momentum=momentum)
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(data(5)))
        theirs.bias.copy_(torch.tensor(data(5)))
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    for step in range(4):
        x = data(*shape) * 2 + step
        compare(lambda t: ours(t), lambda t: theirs(t), [x])
    for key, value in theirs.state_dict().items():
        np.testing.assert_allclose(
            ours.state_dict()[key], value.numpy(), atol=1e-5, rtol=1e-4, err_msg=key
        )
    ours.eval(), theirs.eval()
    compare(lambda t: ours(t), lambda t: theirs(t), [data(*shape)])
    # parameter gradients after one more training step
    ours.train(), theirs.train()
    x = data(*shape)
    ours.zero_grad(), theirs.zero_grad()
    (ours(rf.tensor(x)) ** 2).sum().backward()
    (theirs(torch.tensor(x)) ** 2).sum().backward()
    np.testing.assert_allclose(
        ours.weight.grad.data, theirs.weight.grad.numpy(), atol=1e-4, rtol=1e-4
    )
    np.testing.assert_allclose(ours.bias.grad.data, theirs.bias.grad.numpy(), atol=1e-4, rtol=1e-4)


def test_conv_and_linear_modules_with_copied_weights():
    ours = rf.nn.Sequential(
        rf.nn.Conv2d(3, 4, 3, stride=2, padding=1), rf.nn.Flatten(), rf.nn.Linear(64, 3)
    )
    theirs = torch.nn.Sequential(
        torch.nn.Conv2d(3, 4, 3, stride=2, padding=1), torch.nn.Flatten(), torch.nn.Linear(64, 3)
    )
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    x = data(2, 3, 8, 8)
    compare(lambda t: ours(t), lambda t: theirs(t), [x])
    (ours(rf.tensor(x)) ** 2).sum().backward()
    (theirs(torch.tensor(x)) ** 2).sum().backward()
    for (name, p), q in zip(ours.named_parameters(), theirs.parameters()):
        np.testing.assert_allclose(p.grad.data, q.grad.numpy(), atol=1e-5, rtol=1e-4, err_msg=name)


def test_default_init_bounds_match_torch():
    for ours, theirs in [
        (rf.nn.Linear(50, 7), torch.nn.Linear(50, 7)),
        (rf.nn.Conv2d(6, 4, 3, groups=2), torch.nn.Conv2d(6, 4, 3, groups=2)),
    ]:
        bound = 1 / np.sqrt(np.prod(theirs.weight.shape[1:]))
        for p in (ours.weight, ours.bias):
            assert np.abs(p.data).max() <= bound
        assert np.abs(ours.weight.data).max() > 0.8 * bound  # many draws come near the bound
        assert np.abs(theirs.weight.detach().numpy()).max() <= bound
