"""The rectifier family: formulas, parameterisations, RReLU statistics, registry."""

from __future__ import annotations

import numpy as np
import pytest

import rectifiers as rf
from rectifiers import nn
from rectifiers.activations import build_activation

X = np.array([-3.0, -0.5, 0.0, 0.5, 3.0], np.float32)


def test_relu_and_leaky_relu_values():
    np.testing.assert_array_equal(nn.ReLU()(rf.tensor(X)).data, [0, 0, 0, 0.5, 3])
    np.testing.assert_allclose(
        nn.LeakyReLU()(rf.tensor(X)).data, [-0.03, -0.005, 0, 0.5, 3], rtol=1e-6
    )
    assert nn.LeakyReLU().negative_slope == 0.01  # PyTorch's default, not Chainer's 0.2


def test_leaky_relu_from_divisor_matches_xu_et_al():
    assert nn.LeakyReLU.from_divisor(100).negative_slope == pytest.approx(0.01)
    very_leaky = nn.LeakyReLU.from_divisor(5.5)
    np.testing.assert_allclose(
        very_leaky(rf.tensor(X)).data, np.where(X > 0, X, X / 5.5), rtol=1e-6
    )
    with pytest.raises(ValueError, match="divisor must be positive"):
        nn.LeakyReLU.from_divisor(0)


@pytest.mark.parametrize("shape, channels", [((4, 3), 3), ((2, 3, 5, 5), 3), ((2, 3, 7), 3)])
def test_prelu_channelwise_and_shared(shape, channels):
    x = rf.randn(*shape, seed=0)
    wise = nn.PReLU(channels)
    wise.weight.data[:] = np.arange(channels) * 0.1
    slopes = (np.arange(channels) * 0.1).reshape((1, -1) + (1,) * (len(shape) - 2))
    np.testing.assert_allclose(
        wise(x).data, np.where(x.data > 0, x.data, slopes * x.data), rtol=1e-6
    )
    shared = nn.PReLU()
    assert shared.weight.shape == (1,) and shared.weight.data[0] == 0.25
    np.testing.assert_allclose(
        shared(x).data, np.where(x.data > 0, x.data, 0.25 * x.data), rtol=1e-6
    )


def test_prelu_slope_gradient_is_sum_of_negative_inputs():
    x = rf.tensor(np.array([[-2.0, 1.0], [-1.0, -4.0]], np.float32))
    act = nn.PReLU(2)
    act(x).sum().backward()
    np.testing.assert_array_equal(act.weight.grad.data, [-3.0, -4.0])
    shared = nn.PReLU()
    shared(x).sum().backward()
    np.testing.assert_array_equal(shared.weight.grad.data, [-7.0])


def test_rrelu_slope_form_statistics():
    act = nn.RReLU(generator=np.random.default_rng(0))
    x = -rf.ones(1_000_000)
    slopes = -act(x).data
    assert slopes.min() >= 1 / 8 and slopes.max() <= 1 / 3
    assert abs(slopes.mean() / ((1 / 8 + 1 / 3) / 2) - 1) < 0.01
    act.eval()
    np.testing.assert_allclose(act(x).data, -(1 / 8 + 1 / 3) / 2, rtol=1e-6)
    assert act.eval_slope == pytest.approx(11 / 48)


def test_rrelu_divisor_form_statistics():
    act = nn.RReLU.from_divisor(3, 8, generator=np.random.default_rng(1))
    divisors = 1 / -act(-rf.ones(1_000_000, dtype=np.float64)).data
    assert divisors.min() >= 3 - 1e-9 and divisors.max() <= 8 + 1e-9
    assert abs(divisors.mean() / 5.5 - 1) < 0.01
    act.eval()
    assert act.eval_slope == 1 / 5.5
    np.testing.assert_array_equal(act(rf.tensor(X)).data, nn.LeakyReLU(1 / 5.5)(rf.tensor(X)).data)


def test_rrelu_positive_inputs_pass_and_eval_is_deterministic():
    act = nn.RReLU.from_divisor()
    x = rf.tensor(X)
    assert np.all(act(x).data[X > 0] == X[X > 0])
    act.eval()
    np.testing.assert_array_equal(act(x).data, act(x).data)


def test_rrelu_same_seed_same_output_and_backward_uses_drawn_slopes():
    x = rf.randn(1000, seed=3)
    a = nn.RReLU(generator=np.random.default_rng(5))
    b = nn.RReLU(generator=np.random.default_rng(5))
    np.testing.assert_array_equal(a(x).data, b(x).data)
    t = rf.tensor(x.data, requires_grad=True)
    y = nn.RReLU(generator=np.random.default_rng(5))(t)
    y.sum().backward()
    negative = x.data <= 0
    np.testing.assert_allclose(
        t.grad.data[negative], y.data[negative] / x.data[negative], rtol=1e-5
    )
    assert np.all(t.grad.data[~negative] == 1)


@pytest.mark.parametrize("layout", ["nchw", "channels_last", "strided"])
def test_rrelu_training_draws_every_slope_in_any_memory_layout(layout):
    data = -np.abs(rf.randn(4, 3, 6, 8, seed=2).data) - 0.1
    if layout == "channels_last":
        data = np.ascontiguousarray(data.transpose(0, 2, 3, 1)).transpose(0, 3, 1, 2)
    elif layout == "strided":
        data = data[:, :, ::2, 1::3]
    slopes = (
        nn.RReLU.from_divisor(3, 8, generator=np.random.default_rng(0))(rf.tensor(data)).data / data
    )
    assert np.all((slopes >= 1 / 8 - 1e-6) & (slopes <= 1 / 3 + 1e-6))
    assert len(np.unique(slopes)) == slopes.size  # one independent draw per element


def test_rrelu_rejects_bad_bounds():
    with pytest.raises(ValueError, match="must not exceed"):
        nn.RReLU(0.5, 0.1)
    with pytest.raises(ValueError, match="parameterization"):
        nn.RReLU(parameterization="bogus")


@pytest.mark.parametrize(
    "name, kwargs, expected",
    [
        ("relu", {}, nn.ReLU),
        ("leaky_relu", {"negative_slope": 0.2}, nn.LeakyReLU),
        ("leaky-relu", {"divisor": 5.5}, nn.LeakyReLU),
        ("prelu", {"num_parameters": 8}, nn.PReLU),
        ("rrelu", {"lower": 3, "upper": 8, "parameterization": "divisor"}, nn.RReLU),
    ],
)
def test_build_activation(name, kwargs, expected):
    assert isinstance(build_activation(name, **kwargs), expected)


def test_build_activation_errors_name_the_choices():
    with pytest.raises(ValueError, match="unknown activation 'swish'.*prelu"):
        build_activation("swish")
    with pytest.raises(TypeError, match="build_activation\\('relu'\\)"):
        build_activation("relu", negative_slope=0.1)


def test_relu_saves_a_mask_not_the_input():
    x = rf.randn(10, requires_grad=True)
    y = nn.ReLU()(x)
    saved = [v for v in vars(y.grad_fn).values() if isinstance(v, np.ndarray)]
    assert [a.dtype for a in saved] == [np.bool_]
