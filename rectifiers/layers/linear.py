"""``Linear``: a fully connected layer."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.tensor import Tensor
from ..checks import check_bool, check_float_dtype, check_int
from ..functional.linear import linear
from ..init import default_uniform_
from .module import Module, Parameter


class Linear(Module):
    """y = x Wᵀ + b.

    Args:
        in_features, out_features: sizes of each input and output sample.
        bias: learn an additive bias.
        dtype: parameter dtype (float32 by default).
        generator: where the initial weights are drawn from.

    Shape:
        input (*, in_features) → output (*, out_features).

    Initialisation is PyTorch's default, U(±1/√in_features) for weight and
    bias — not He's; use ``rectifiers.init.init_model`` for paper experiments.
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        dtype: Any = np.float32,
        generator: np.random.Generator | None = None,
    ) -> None:
        super().__init__()
        in_features = check_int("Linear", "in_features", in_features)
        out_features = check_int("Linear", "out_features", out_features)
        bias, dtype = check_bool("Linear", "bias", bias), check_float_dtype("Linear", dtype)
        self.in_features, self.out_features = in_features, out_features
        self.weight = Parameter(np.empty((out_features, in_features), dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty(out_features, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters(generator)

    def reset_parameters(self, generator: np.random.Generator | None = None) -> None:
        """Re-draw the weights with PyTorch's default U(±1/√fan_in)."""
        default_uniform_(self.weight, self.bias, generator)

    def forward(self, x: Tensor) -> Tensor:
        return linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
