"""Small layers: ``Dropout``, ``Flatten``, ``Identity``."""

from __future__ import annotations

import numpy as np

from ..autograd.tensor import Tensor
from ..checks import check_int, check_number
from ..functional.dropout import dropout
from ..random import resolve_generator
from .module import Module


class Dropout(Module):
    """Inverted dropout, as ``torch.nn.Dropout``: zero elements with probability p in training.

    Survivors are scaled by 1/(1 − p), so evaluation (``eval()``) is the identity.

    Args:
        p: drop probability, in [0, 1].
        generator: the module's own random generator (default: the library's),
            kept so that a checkpoint can save and restore its state.
    """

    def __init__(self, p: float = 0.5, generator: np.random.Generator | None = None) -> None:
        super().__init__()
        self.p = check_number("Dropout", "p", p, 0.0, 1.0)
        self.generator = resolve_generator(generator)

    def forward(self, x: Tensor) -> Tensor:
        return dropout(x, self.p, self.training, self.generator)

    def extra_repr(self) -> str:
        return f"p={self.p}"


class Flatten(Module):
    """Merge dimensions ``start_dim..end_dim`` (default: all but the batch dimension)."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = check_int("Flatten", "start_dim", start_dim, minimum=-(2**31))
        self.end_dim = check_int("Flatten", "end_dim", end_dim, minimum=-(2**31))

    def forward(self, x: Tensor) -> Tensor:
        return x.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Identity(Module):
    """Return the input unchanged (a placeholder, e.g. for "no activation")."""

    def forward(self, x: Tensor) -> Tensor:
        return x
