"""``dropout`` as a differentiable function."""

from __future__ import annotations

import numpy as np

from ..autograd.function import Function
from ..autograd.tensor import Tensor
from ..kernels.dropout import dropout_backward, dropout_forward
from ..random import resolve_generator
from ._args import check_floating


class DropoutFunction(Function):
    def __init__(self, p: float, rng: np.random.Generator) -> None:
        self.p, self.rng = p, rng

    def forward(self, x: np.ndarray) -> np.ndarray:
        y, self.mask = dropout_forward(x, self.p, self.rng)
        return y

    def backward(self, grad: np.ndarray) -> np.ndarray:
        return dropout_backward(grad, self.mask)


def dropout(
    input: Tensor,
    p: float = 0.5,
    training: bool = True,
    generator: np.random.Generator | None = None,
) -> Tensor:
    """Inverted dropout (as ``torch.nn.functional.dropout``): identity when not training.

    In training the input must be floating point (a scaled integer would be
    truncated); in evaluation any dtype passes through, as in PyTorch.

    Args:
        p: probability of zeroing an element, in [0, 1].
        generator: where the mask is drawn from (default: the library's generator).
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: p must be in [0, 1], got {p}")
    if not training:
        return input
    check_floating(input, "dropout")
    if p == 0.0:
        return input
    return DropoutFunction(p, resolve_generator(generator))(input)
