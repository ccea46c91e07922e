"""``PReLU``: a learned slope for negative inputs (He et al. 2015)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.tensor import Tensor
from ..checks import check_float_dtype, check_int, check_number
from ..functional.activations import prelu
from ..layers.module import Module, Parameter


class PReLU(Module):
    r"""Parametric ReLU, y = x for x > 0 and y = a·x for x ≤ 0 with a learned, as ``torch.nn.PReLU``.

    Derivatives (He et al. 2015, Eqs. 2–3):

        dy/dx = 1 for x > 0, a for x ≤ 0
        dL/da = Σ dL/dy · min(x, 0)   summed over every position that shares a

    Args:
        num_parameters: 1 for the *channel-shared* variant (one a per layer,
            PyTorch's default), or C for the *channel-wise* variant (one a per
            channel of axis 1; He et al.'s main model).
        init: initial value of a; 0.25 as in the paper.

    Training the slopes. He et al. update a with momentum and **no weight
    decay** — decay pulls a towards 0, i.e. back to ReLU. Their rule (Eq. 4)
    is Δa := μΔa + ε ∂E/∂a. In :class:`rectifiers.optim.SGD` (PyTorch's form)
    the velocity v := μv + ∂E/∂a is applied as a := a − lr·v; this equals the
    paper's rule (Δa = lr·v) while the learning rate is constant, and differs
    after a learning-rate drop only in that old velocity is rescaled by the new
    lr (Chainer and Caffe keep lr inside the velocity). Build the optimiser's
    parameter groups with :func:`rectifiers.optim.param_groups_no_decay` so
    the slopes get ``weight_decay=0``. The paper does not constrain a; it
    stays unconstrained here too.

    Shape: (N, C) or (N, C, *), or any shape with ``num_parameters=1``.

    Examples:
        >>> import rectifiers as rf
        >>> act = PReLU(num_parameters=3)
        >>> act(rf.ones(2, 3, 4, 4) * -1).shape
        (2, 3, 4, 4)
    """

    no_weight_decay = ("weight",)

    def __init__(
        self, num_parameters: int = 1, init: float = 0.25, dtype: Any = np.float32
    ) -> None:
        super().__init__()
        num_parameters = check_int("PReLU", "num_parameters", num_parameters)
        init = check_number("PReLU", "init", init)
        dtype = check_float_dtype("PReLU", dtype)
        self.num_parameters, self.init = num_parameters, init
        self.weight = Parameter(np.full(num_parameters, init, dtype=dtype))

    @property
    def init_slope(self) -> float:
        """The negative slope He initialisation assumes (``init.init_model``): the initial a."""
        return self.init

    def forward(self, x: Tensor) -> Tensor:
        if self.num_parameters > 1 and (x.ndim < 2 or x.shape[1] != self.num_parameters):
            raise ValueError(
                f"expected input with {self.num_parameters} channels on axis 1, got shape {x.shape}"
            )
        return prelu(x, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"
