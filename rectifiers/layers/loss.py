"""``CrossEntropyLoss``."""

from __future__ import annotations

from typing import Any

from ..autograd.tensor import Tensor
from ..functional.loss import cross_entropy
from .module import Module


class CrossEntropyLoss(Module):
    """Softmax cross-entropy of (N, C) logits against (N,) class indices, as ``torch.nn.CrossEntropyLoss``.

    loss = −(1/N) Σ_n log softmax(x_n)[t_n] for ``reduction="mean"``; "sum" and
    "none" also accepted. Class weights, ``ignore_index`` and label smoothing
    are not implemented.
    """

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = reduction

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return cross_entropy(input, target, self.reduction)

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"
