"""The rectifiers as differentiable functions (math and kernels in ``kernels/relu.py``,
``leaky_relu.py``, ``prelu.py`` and ``rrelu.py``)."""

from __future__ import annotations

import numpy as np

from ..autograd.function import Function
from ..autograd.tensor import Tensor
from ..checks import check_number
from ..kernels import leaky_relu as leaky_kernels
from ..kernels import prelu as prelu_kernels
from ..kernels import relu as relu_kernels
from ..kernels import rrelu as rrelu_kernels
from ..random import resolve_generator
from ._args import check_floating, check_not_bool

PARAMETERIZATIONS = ("slope", "divisor")


class ReLUFunction(Function):
    def forward(self, x: np.ndarray) -> np.ndarray:
        y, self.positive = relu_kernels.relu_forward(x)
        return y

    def backward(self, grad: np.ndarray) -> np.ndarray:
        return relu_kernels.relu_backward(grad, self.positive)


class LeakyReLUFunction(Function):
    def __init__(self, slope: float) -> None:
        self.slope = slope

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x  # a reference: the backward rebuilds dy/dx from it
        return leaky_kernels.leaky_relu_forward(x, self.slope)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        return leaky_kernels.leaky_relu_backward(grad, self.x, self.slope)


class PReLUFunction(Function):
    """Inputs: x, slope. Keeps references to both (not copies): the slope gradient
    needs x's values, and the input gradient rebuilds dy/dx (1 or a_c) from x and a."""

    def forward(self, x: np.ndarray, slope: np.ndarray) -> np.ndarray:
        self.x, self.slope = x, slope
        return prelu_kernels.prelu_forward(x, slope)

    def backward(self, grad: np.ndarray) -> tuple:
        return prelu_kernels.prelu_backward(grad, self.x, self.slope, self.needs_input_grad[0])


class RReLUTrainFunction(Function):
    def __init__(self, bounds: tuple[float, float], parameterization: str, rng) -> None:
        self.bounds, self.parameterization, self.rng = bounds, parameterization, rng

    def forward(self, x: np.ndarray) -> np.ndarray:
        y, self.scale = rrelu_kernels.rrelu_train_forward(
            x, *self.bounds, self.parameterization, self.rng
        )
        return y

    def backward(self, grad: np.ndarray) -> np.ndarray:
        return rrelu_kernels.rrelu_train_backward(grad, self.scale)


def relu(input: Tensor) -> Tensor:
    """max(x, 0) elementwise; integer inputs stay integer (as PyTorch), bools are refused."""
    check_not_bool(input, "relu")
    return ReLUFunction()(input)


def leaky_relu(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    """x if x > 0 else negative_slope·x (PyTorch default slope 0.01); floating-point input only."""
    check_floating(input, "leaky_relu")
    check_number("leaky_relu", "negative_slope", negative_slope)
    return LeakyReLUFunction(float(negative_slope))(input)


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """x if x > 0 else a·x with learnable a: ``weight`` of shape (1,) or (C,) for channel axis 1."""
    check_floating(input, "prelu")
    channels = input.shape[1] if input.ndim >= 2 else 1
    if weight.ndim != 1 or weight.shape[0] not in (1, channels):
        raise ValueError(
            f"prelu: weight of shape {weight.shape} needs 1 or {channels} elements "
            f"(one per channel of axis 1) for input shape {input.shape}"
        )
    if weight.dtype != input.dtype:
        raise TypeError(f"prelu: input dtype {input.dtype} and slope dtype {weight.dtype} differ")
    return PReLUFunction()(input, weight)


def rrelu_eval_slope(lower: float, upper: float, parameterization: str = "slope") -> float:
    """The fixed slope RReLU uses in evaluation: the mean slope, or 1/mean divisor."""
    mean = (lower + upper) / 2
    return mean if parameterization == "slope" else 1.0 / mean


def rrelu(
    input: Tensor,
    lower: float = 1.0 / 8,
    upper: float = 1.0 / 3,
    training: bool = False,
    generator: np.random.Generator | None = None,
    parameterization: str = "slope",
) -> Tensor:
    """Randomised leaky ReLU (see :class:`rectifiers.activations.RReLU` for both parameterisations).

    Training: each element draws its own negative slope; evaluation: the fixed
    slope :func:`rrelu_eval_slope`.
    """
    check_rrelu_bounds(lower, upper, parameterization)
    check_floating(input, "rrelu")
    if not training:
        return leaky_relu(input, rrelu_eval_slope(lower, upper, parameterization))
    rng = resolve_generator(generator)
    return RReLUTrainFunction((lower, upper), parameterization, rng)(input)


def check_rrelu_bounds(lower: float, upper: float, parameterization: str) -> None:
    if parameterization not in PARAMETERIZATIONS:
        raise ValueError(
            f"rrelu: parameterization must be one of {PARAMETERIZATIONS}, got {parameterization!r}"
        )
    check_number("rrelu", "lower", lower)
    check_number("rrelu", "upper", upper)
    if not lower <= upper:
        raise ValueError(f"rrelu: lower ({lower}) must not exceed upper ({upper})")
    if parameterization == "divisor" and lower <= 0:
        raise ValueError(f"rrelu: divisors must be positive, got lower={lower}")
