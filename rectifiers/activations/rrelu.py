"""``RReLU``: a random slope for negative inputs in training (Xu et al. 2015)."""

from __future__ import annotations

import numpy as np

from ..autograd.tensor import Tensor
from ..functional.activations import check_rrelu_bounds, rrelu, rrelu_eval_slope
from ..layers.module import Module
from ..random import resolve_generator


class RReLU(Module):
    r"""Randomised leaky ReLU: y = x for x > 0, y = a·x for x ≤ 0 with a random a in training.

    Two parameterisations of the random slope exist, with the same support
    [1/8, 1/3] but different distributions and different evaluation slopes:

    ``parameterization="slope"`` (PyTorch's ``torch.nn.RReLU``, the default):
        training: a ~ U(lower, upper) per element, lower = 1/8, upper = 1/3;
        evaluation: a = (lower + upper) / 2 = 11/48 ≈ 0.229.

    ``parameterization="divisor"`` (Xu et al. 2015, the paper's form):
        training: y = x / d with d ~ U(l, u) per element, l = 3, u = 8;
        evaluation: y = x / ((l + u)/2) = x / 5.5, slope 2/11 ≈ 0.182.
        (The mean training slope E[1/d] = ln(8/3)/5 ≈ 0.196 is *not* the
        evaluation slope.) Build it with :meth:`from_divisor`.

    Derivative: dy/dx = 1 for x > 0, and the slope used in the forward pass
    (the drawn one in training) for x ≤ 0. Each element draws its own slope,
    as PyTorch; whether Xu et al. shared one draw per channel is not stated
    in what we could verify of the paper.

    Args:
        lower, upper: bounds of the uniform draw (slopes, or divisors in the divisor form).
        inplace: accepted for PyTorch code; the result is computed out of place
            (the same values; the input is left as it was).
        generator: the module's random generator (default: the library's); give
            one to make training reproducible.
        parameterization: "slope" or "divisor".

    Shape: any; output has the input's shape.

    Examples:
        >>> RReLU.from_divisor(3, 8).eval_slope
        0.18181818181818182
        >>> round(RReLU().eval_slope, 4)
        0.2292
    """

    def __init__(
        self,
        lower: float = 1.0 / 8,
        upper: float = 1.0 / 3,
        inplace: bool = False,
        generator: np.random.Generator | None = None,
        parameterization: str = "slope",
    ) -> None:
        super().__init__()
        check_rrelu_bounds(lower, upper, parameterization)
        self.lower, self.upper, self.parameterization = lower, upper, parameterization
        self.generator = resolve_generator(generator)

    @classmethod
    def from_divisor(
        cls, lower: float = 3.0, upper: float = 8.0, generator: np.random.Generator | None = None
    ) -> RReLU:
        """Xu et al.'s form: y = x / d, d ~ U(lower, upper) in training, d = (lower + upper)/2 in evaluation."""
        return cls(lower, upper, generator=generator, parameterization="divisor")

    @property
    def eval_slope(self) -> float:
        """The fixed negative slope used in evaluation mode."""
        return rrelu_eval_slope(self.lower, self.upper, self.parameterization)

    @property
    def init_slope(self) -> float:
        """The negative slope He initialisation assumes (``init.init_model``): the evaluation slope."""
        return self.eval_slope

    def forward(self, x: Tensor) -> Tensor:
        return rrelu(
            x, self.lower, self.upper, self.training, self.generator, self.parameterization
        )

    def extra_repr(self) -> str:
        return f"lower={self.lower}, upper={self.upper}, parameterization={self.parameterization!r}"
