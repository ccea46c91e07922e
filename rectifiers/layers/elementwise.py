"""Small modules around one tensor function: ``Softmax``, ``LogSoftmax``, ``Tanh``, ``Sigmoid``."""

from __future__ import annotations

from ..autograd.tensor import Tensor
from ..checks import check_int
from .module import Module


class Softmax(Module):
    """softmax(x) along ``dim``, as ``torch.nn.Softmax`` (``dim`` must be given)."""

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        if dim is None:
            raise TypeError("Softmax: give dim (PyTorch's implicit choice is deprecated)")
        self.dim = check_int("Softmax", "dim", dim, minimum=-(2**31))

    def forward(self, x: Tensor) -> Tensor:
        return x.softmax(self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    """log softmax(x) along ``dim``, as ``torch.nn.LogSoftmax`` (pair it with ``NLLLoss``)."""

    def forward(self, x: Tensor) -> Tensor:
        return x.log_softmax(self.dim)


class Tanh(Module):
    """tanh(x), as ``torch.nn.Tanh``."""

    def forward(self, x: Tensor) -> Tensor:
        return x.tanh()


class Sigmoid(Module):
    """1 / (1 + e⁻ˣ), as ``torch.nn.Sigmoid``."""

    def forward(self, x: Tensor) -> Tensor:
        return x.sigmoid()
