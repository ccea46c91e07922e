"""Integer, bool and 0-d inputs: computed as PyTorch computes them, or refused with a clear error.

PyTorch 2.13's answers, one per layer and dtype (probed with torch on this
machine): ReLU and max pooling work on integers (exactly) but not on bools;
dropout in evaluation is the identity for every dtype; everything else that
scales or averages (Leaky ReLU, PReLU, RReLU in both modes, dropout in
training, average pooling, batch norm, conv, linear) refuses non-floating
input. Before this, several of them truncated silently (AvgPool2d on uint8
gave zeros, LeakyReLU on int64 gave 0 for −2).
"""

import numpy as np
import pytest

import rectifiers as rf
from rectifiers import nn

INPUTS = {
    "uint8": np.array([[[[1, 2], [3, 4]]]], dtype=np.uint8),
    "int64": np.array([[[[1, -2], [3, -4]]]], dtype=np.int64),
    "bool": np.array([[[[True, False], [True, True]]]]),
}

# layer factory, and per input dtype either the expected output or None for "refused"
ACCEPTS = {
    "ReLU": (nn.ReLU, {"uint8": [1, 2, 3, 4], "int64": [1, 0, 3, 0], "bool": None}),
    "MaxPool2d": (lambda: nn.MaxPool2d(2), {"uint8": [4], "int64": [3], "bool": None}),
    "Dropout.eval": (
        lambda: nn.Dropout().eval(),
        {"uint8": [1, 2, 3, 4], "int64": [1, -2, 3, -4], "bool": [True, False, True, True]},
    ),
    "Flatten": (nn.Flatten, {k: v.ravel().tolist() for k, v in INPUTS.items()}),
}
REFUSES = {
    "LeakyReLU": nn.LeakyReLU,
    "LeakyReLU(0.2)": lambda: nn.LeakyReLU(0.2),
    "PReLU": nn.PReLU,
    "RReLU.train": nn.RReLU,
    "RReLU.eval": lambda: nn.RReLU().eval(),
    "RReLU.divisor.eval": lambda: nn.RReLU.from_divisor(3, 8).eval(),
    "Dropout.train": nn.Dropout,
    "Dropout(p=0).train": lambda: nn.Dropout(0.0),
    "AvgPool2d": lambda: nn.AvgPool2d(2),
    "AdaptiveAvgPool2d": lambda: nn.AdaptiveAvgPool2d(1),
    "BatchNorm2d": lambda: nn.BatchNorm2d(1),
    "Conv2d": lambda: nn.Conv2d(1, 1, 1),
    "Linear": lambda: nn.Linear(2, 2),
}


@pytest.mark.parametrize("name", sorted(ACCEPTS))
@pytest.mark.parametrize("dtype", sorted(INPUTS))
def test_layers_that_pytorch_runs_on_this_dtype_compute_exactly(name, dtype):
    factory, expected = ACCEPTS[name]
    x = rf.tensor(INPUTS[dtype])
    if expected[dtype] is None:
        with pytest.raises(TypeError, match=f"{dtype}"):
            factory()(x)
        return
    y = factory()(x)
    assert y.dtype == x.dtype
    assert y.data.ravel().tolist() == expected[dtype]


@pytest.mark.parametrize("name", sorted(REFUSES))
@pytest.mark.parametrize("dtype", sorted(INPUTS))
def test_layers_that_scale_or_average_refuse_non_floating_input(name, dtype):
    with pytest.raises(TypeError, match=f"floating.*{dtype}|{dtype}.*floating"):
        REFUSES[name]()(rf.tensor(INPUTS[dtype]))


@pytest.mark.parametrize("name", sorted(REFUSES))
def test_the_same_layers_run_on_float_input(name):
    x = rf.tensor(INPUTS["int64"].astype(np.float32))
    y = REFUSES[name]()(x)
    assert y.dtype == np.float32


# --- 0-d (scalar) inputs ------------------------------------------------------------
SCALAR_LAYERS = {
    "ReLU": (nn.ReLU, 0.0),
    "LeakyReLU": (nn.LeakyReLU, -0.02),
    "PReLU": (nn.PReLU, -0.5),
    "RReLU.eval": (lambda: nn.RReLU().eval(), -2.0 * 11 / 48),
    "RReLU.divisor.eval": (lambda: nn.RReLU.from_divisor(3, 8).eval(), -2.0 / 5.5),
    "Dropout.eval": (lambda: nn.Dropout().eval(), -2.0),
}


@pytest.mark.parametrize("name", sorted(SCALAR_LAYERS))
def test_rectifiers_take_0d_inputs_as_pytorch(name):
    factory, expected = SCALAR_LAYERS[name]
    x = rf.tensor(-2.0, requires_grad=True)
    y = factory()(x)
    assert y.shape == ()
    assert y.item() == pytest.approx(expected, rel=1e-6)
    y.backward()
    assert x.grad.shape == ()


def test_rrelu_train_and_prelu_slope_gradient_on_0d_inputs():
    x = rf.tensor(-2.0, requires_grad=True)
    y = nn.RReLU(generator=np.random.default_rng(0))(x)
    assert y.shape == () and -2.0 / 3 <= y.item() <= -2.0 / 8
    y.backward()
    assert x.grad.item() == pytest.approx(y.item() / -2.0)
    act = nn.PReLU()
    act(rf.tensor(-2.0)).backward()
    assert act.weight.grad.data.tolist() == [-2.0]


# --- RReLU bounds: training draws from the bounds given ------------------------------
@pytest.mark.parametrize("bounds", [(-1.0, -0.2), (-0.5, 0.5), (0.5, 2.0), (1.5, 3.0)])
def test_rrelu_training_slopes_lie_in_the_given_bounds(bounds):
    lower, upper = bounds
    x = rf.tensor(-np.ones((64, 64), dtype=np.float32))
    y = nn.RReLU(lower, upper, generator=np.random.default_rng(0))(x)
    slopes = -y.data
    assert slopes.min() >= lower and slopes.max() <= upper
    assert slopes.max() - slopes.min() > 0.9 * (upper - lower)  # really drawn over the range
    # evaluation uses the mean of the same distribution
    mean_slope = -nn.RReLU(lower, upper).eval()(rf.tensor(-1.0)).item()
    assert slopes.mean() == pytest.approx(mean_slope, abs=0.02 * (upper - lower) + 1e-6)


def test_rrelu_keeps_positive_inputs_whatever_the_bounds():
    x = rf.tensor(np.linspace(0.1, 5, 50, dtype=np.float32))
    for lower, upper in [(-1.0, -0.2), (0.5, 2.0), (1.0 / 8, 1.0 / 3)]:
        y = nn.RReLU(lower, upper, generator=np.random.default_rng(1))(x)
        np.testing.assert_array_equal(y.data, x.data)


@pytest.mark.parametrize(
    "args", [(float("nan"), 0.3), (0.1, float("inf")), (float("-inf"), 0.1), (0.3, 0.1)]
)
def test_rrelu_refuses_bounds_that_are_not_finite_and_ordered(args):
    with pytest.raises(ValueError, match="lower|upper"):
        nn.RReLU(*args)
