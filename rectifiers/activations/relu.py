"""``ReLU``: the rectified linear unit."""

from __future__ import annotations

from ..autograd.tensor import Tensor
from ..functional.activations import relu
from ..layers.module import Module


class ReLU(Module):
    r"""Rectified linear unit, y = max(0, x), as ``torch.nn.ReLU``.

    Derivative: dy/dx = 1 for x > 0, 0 for x ≤ 0 (0 at x = 0, as PyTorch).

    Origin: Nair & Hinton (2010); Glorot, Bordes & Bengio (2011). A unit whose
    input stays negative passes no gradient and can stop learning for good
    (a "dead" ReLU) — the motivation for the leaky variants.

    Shape: any; output has the input's shape.

    Examples:
        >>> import rectifiers as rf
        >>> ReLU()(rf.tensor([-1.0, 2.0]))
        tensor([0., 2.])
    """

    init_slope = 0.0  # the negative slope He initialisation assumes (see init.init_model)

    def __init__(self, inplace: bool = False) -> None:
        """``inplace`` is accepted for PyTorch code; the result is computed out of place."""
        super().__init__()

    def forward(self, x: Tensor) -> Tensor:
        return relu(x)
