"""``LeakyReLU``: a fixed small slope for negative inputs."""

from __future__ import annotations

from ..autograd.tensor import Tensor
from ..checks import check_number
from ..functional.activations import leaky_relu
from ..layers.module import Module


class LeakyReLU(Module):
    r"""Leaky ReLU, y = x for x > 0 and y = a·x for x ≤ 0, as ``torch.nn.LeakyReLU``.

    Derivative: dy/dx = 1 for x > 0, a for x ≤ 0.

    Args:
        negative_slope: a. Default 0.01, PyTorch's and Maas et al.'s (2013)
            value. (Chainer and DeZero default to 0.2 — not followed here.)
        inplace: accepted for PyTorch code; computed out of place (same values).

    Xu et al. (2015) write the same function with a divisor, y = x / d for
    x < 0, and test d = 100 (slope 0.01) and d = 5.5 ("very leaky", slope
    ≈ 0.182). Build those with :meth:`from_divisor`, no arithmetic needed.

    Shape: any; output has the input's shape.

    Examples:
        >>> LeakyReLU.from_divisor(5.5)
        LeakyReLU(negative_slope=0.18181818181818182)
    """

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False) -> None:
        super().__init__()
        self.negative_slope = check_number("LeakyReLU", "negative_slope", negative_slope)

    @classmethod
    def from_divisor(cls, divisor: float) -> LeakyReLU:
        """Xu et al.'s notation: y = x / divisor for x < 0 (slope 1/divisor)."""
        if divisor <= 0:
            raise ValueError(f"LeakyReLU.from_divisor: divisor must be positive, got {divisor}")
        return cls(1.0 / divisor)

    @property
    def init_slope(self) -> float:
        """The negative slope He initialisation assumes (``init.init_model``): a itself."""
        return self.negative_slope

    def forward(self, x: Tensor) -> Tensor:
        return leaky_relu(x, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"
