"""The init module: gains, fans, He's (1 + a²) formula, model initialisation."""

from __future__ import annotations

import math

import numpy as np
import pytest

import rectifiers as rf
from rectifiers import init, nn


def test_calculate_gain_table():
    assert init.calculate_gain("relu") == math.sqrt(2)
    assert init.calculate_gain("leaky_relu", 0.25) == pytest.approx(math.sqrt(2 / 1.0625))
    assert init.calculate_gain("leaky_relu") == pytest.approx(
        math.sqrt(2 / 1.0001)
    )  # PyTorch's 0.01 default
    assert init.calculate_gain("tanh") == 5 / 3
    assert init.calculate_gain("conv2d") == 1
    with pytest.raises(ValueError, match="unsupported nonlinearity 'swish'"):
        init.calculate_gain("swish")


def test_fans_for_linear_and_conv():
    assert init.calculate_fan_in_and_fan_out(rf.zeros(7, 5)) == (5, 7)
    assert init.calculate_fan_in_and_fan_out(rf.zeros(64, 32, 3, 3)) == (288, 576)
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        init.calculate_fan_in_and_fan_out(rf.zeros(5))


@pytest.mark.parametrize("a", [0.0, 0.25, 1 / 5.5])
@pytest.mark.parametrize("mode", ["fan_in", "fan_out"])
def test_kaiming_normal_std_within_2_percent_of_he_formula(a, mode):
    w = rf.zeros(512, 512, 3, 3)
    init.kaiming_normal_(w, a=a, mode=mode, generator=np.random.default_rng(0))
    fan = 512 * 9
    expected = math.sqrt(2 / ((1 + a * a) * fan))  # He et al. Eq. 15: the slope enters squared
    assert abs(w.data.std() / expected - 1) < 0.02
    wrong = math.sqrt(2 / ((1 + a) * fan))  # the (1 + a) blog formula
    if a == 0.25:
        assert abs(w.data.std() / wrong - 1) > 0.05


def test_kaiming_uniform_bound():
    w = rf.zeros(256, 128, 3, 3)
    init.kaiming_uniform_(w, a=0.25, generator=np.random.default_rng(0))
    bound = math.sqrt(6 / (1.0625 * 128 * 9))
    assert np.abs(w.data).max() <= bound and np.abs(w.data).max() > 0.99 * bound


def test_xavier_bounds_and_std():
    w = rf.zeros(300, 200)
    init.xavier_uniform_(w, generator=np.random.default_rng(0))
    bound = math.sqrt(6 / 500)
    assert np.abs(w.data).max() <= bound and np.abs(w.data).max() > 0.99 * bound
    init.xavier_normal_(w, gain=2.0, generator=np.random.default_rng(0))
    assert abs(w.data.std() / (2 * math.sqrt(2 / 500)) - 1) < 0.02


def test_fills_and_generator_reproducibility():
    w = rf.zeros(3, 3)
    assert np.all(init.ones_(w).data == 1)
    assert np.all(init.constant_(w, 0.5).data == 0.5)
    assert np.all(init.zeros_(w).data == 0)
    a = init.normal_(rf.zeros(5), generator=np.random.default_rng(3)).data.copy()
    b = init.normal_(rf.zeros(5), generator=np.random.default_rng(3)).data
    np.testing.assert_array_equal(a, b)
    assert init.uniform_(rf.zeros(5, dtype=np.float64), -1, 1).dtype == np.float64


def test_init_keeps_dtype_and_records_no_graph():
    p = nn.Linear(4, 4).weight
    init.kaiming_normal_(p)
    assert p.dtype == np.float32 and p.grad_fn is None and p.requires_grad


@pytest.mark.parametrize(
    "scheme", ["kaiming", "kaiming_uniform", "xavier", "xavier_normal", "default"]
)
def test_init_model_touches_every_weight(scheme):
    model = nn.Sequential(nn.Conv2d(3, 8, 3), nn.PReLU(8), nn.Flatten(), nn.Linear(8, 4))
    init.init_model(model, scheme, a=0.25, generator=np.random.default_rng(0))
    assert model[1].weight.data[0] == 0.25  # activations untouched
    if scheme != "default":
        assert np.all(model[0].bias.data == 0) and np.all(model[3].bias.data == 0)
    else:
        assert np.abs(model[0].bias.data).max() > 0


def test_variance_is_preserved_through_a_deep_prelu_stack():
    """He et al.'s argument, measured: with Var[w] = 2/((1 + a²)·n) activations keep their scale."""
    rng = np.random.default_rng(0)
    layers = []
    for _ in range(30):
        layers += [nn.Linear(256, 256, bias=False), nn.LeakyReLU(0.25)]
    model = nn.Sequential(*layers)
    x = rf.tensor(rng.standard_normal((512, 256)).astype(np.float32))
    init.init_model(model, "kaiming", a=0.25, generator=rng)
    with rf.no_grad():
        ratio = model(x).data.std() / x.data.std()
    assert 0.5 < ratio < 2.0
    init.init_model(model, "xavier_normal", generator=rng)
    with rf.no_grad():
        shrunk = model(x).data.std() / x.data.std()
    assert shrunk < 1e-3  # ≈ (1/√2 · √1.0625)^30 for Xavier in a leaky net


def test_every_rectifier_names_the_slope_he_initialisation_needs():
    assert nn.ReLU().init_slope == 0.0
    assert nn.LeakyReLU(0.2).init_slope == 0.2
    assert nn.PReLU(4, init=0.1).init_slope == 0.1
    assert nn.RReLU.from_divisor(3, 8).init_slope == pytest.approx(1 / 5.5)
    assert nn.RReLU().init_slope == pytest.approx(11 / 48)


def test_init_model_takes_each_layers_slope_from_the_rectifier_after_it():
    net = nn.Sequential(
        nn.Conv2d(3, 4, 3), nn.LeakyReLU(0.5),
        nn.Sequential(nn.Conv2d(4, 4, 3), nn.BatchNorm2d(4), nn.RReLU.from_divisor(3, 8)),
        nn.Flatten(), nn.Linear(4, 2),
    )  # fmt: skip
    assert list(rf.init.following_slopes(net).values()) == pytest.approx([0.5, 1 / 5.5, 1 / 5.5])
    wide = nn.Sequential(nn.Linear(2000, 400), nn.LeakyReLU(0.5), nn.Linear(400, 2))
    rf.init.init_model(wide, "kaiming_normal", generator=np.random.default_rng(0))
    assert wide[0].weight.data.var() * 2000 == pytest.approx(2 / (1 + 0.25), rel=0.02)
    rf.init.init_model(wide, "kaiming_normal", a=0.0, generator=np.random.default_rng(0))
    assert wide[0].weight.data.var() * 2000 == pytest.approx(2, rel=0.02)  # an explicit a wins
