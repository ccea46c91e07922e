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
        inplace: accepted for PyTorch code; computed out of place (same values).
        generator: the module's own random generator (default: the library's),
            kept so that a checkpoint can save and restore its state.
    """

    def __init__(
        self, p: float = 0.5, inplace: bool = False, generator: np.random.Generator | None = None
    ) -> None:
        super().__init__()
        self.p = check_number("Dropout", "p", p, 0.0, 1.0)
        self.generator = resolve_generator(generator)

    def forward(self, x: Tensor) -> Tensor:
        return dropout(x, self.p, self.training, self.generator)

    def extra_repr(self) -> str:
        return f"p={self.p}"


class Dropout2d(Module):
    """Zero whole channels with probability p in training (as ``torch.nn.Dropout2d``).

    For (N, C, H, W) input each (n, c) plane is kept with probability 1 − p and
    scaled by 1/(1 − p); evaluation is the identity. ``inplace`` is accepted for
    PyTorch code; the result is computed out of place (same values).
    """

    def __init__(
        self, p: float = 0.5, inplace: bool = False, generator: np.random.Generator | None = None
    ) -> None:
        super().__init__()
        self.p = check_number("Dropout2d", "p", p, 0.0, 1.0)
        self.generator = resolve_generator(generator)

    def forward(self, x: Tensor) -> Tensor:
        if x.ndim not in (3, 4):
            raise ValueError(
                f"Dropout2d: expected a (C, H, W) or (N, C, H, W) input, got {x.shape}"
            )
        if not self.training or self.p == 0.0:
            return x
        if x.dtype.kind != "f":
            raise TypeError(f"Dropout2d: expected a floating-point input, got dtype {x.dtype}")
        keep = self.generator.random(x.shape[:-2] + (1, 1)) >= self.p
        scale = 0.0 if self.p >= 1 else 1.0 / (1.0 - self.p)
        return x * Tensor._wrap((keep * scale).astype(x.dtype))

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
