"""``linear``: y = x Wᵀ + b as a differentiable function."""

from __future__ import annotations

import numpy as np

from ..autograd.function import Function
from ..autograd.tensor import Tensor
from ..kernels.linear import linear_backward, linear_forward
from ._args import check_float


class LinearFunction(Function):
    """Differentiable wrapper of ``kernels.linear`` (inputs: x, weight[, bias])."""

    def forward(
        self, x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None
    ) -> np.ndarray:
        self.x, self.weight = x, weight
        return linear_forward(x, weight, bias)

    def backward(self, grad: np.ndarray) -> tuple:
        needs = self.needs_input_grad
        grads = linear_backward(
            grad,
            self.x,
            self.weight,
            need_input=needs[0],
            need_weight=needs[1],
            need_bias=len(needs) > 2 and needs[2],
        )
        return grads[: len(needs)]


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y = x Wᵀ + b, as ``torch.nn.functional.linear``.

    Shapes: input (*, in_features), weight (out_features, in_features),
    bias (out_features,), output (*, out_features).
    """
    x, where = input, "linear"
    check_float(where, x, weight, bias)
    if x.ndim < 1 or x.shape[-1] != weight.shape[1]:
        raise ValueError(
            f"{where}: expected input with last dimension {weight.shape[1]}, got shape {x.shape}"
        )
    if bias is not None and bias.shape != (weight.shape[0],):
        raise ValueError(f"{where}: bias shape {bias.shape} does not match weight {weight.shape}")
    inputs = (x, weight) if bias is None else (x, weight, bias)
    return LinearFunction()(*inputs)
