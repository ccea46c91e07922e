"""``CrossEntropyLoss``."""

from __future__ import annotations

from typing import Any

from ..autograd.tensor import Tensor
from ..checks import check_choice
from ..functional.loss import REDUCTIONS, cross_entropy
from .module import Module


class CrossEntropyLoss(Module):
    """Softmax cross-entropy of (N, C) logits against (N,) class indices, as ``torch.nn.CrossEntropyLoss``.

    loss = −(1/N) Σ_n log softmax(x_n)[t_n] for ``reduction="mean"``; "sum" and
    "none" also accepted. Class weights, ``ignore_index`` and label smoothing
    are not implemented.
    """

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = check_choice("CrossEntropyLoss", "reduction", reduction, REDUCTIONS)

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return cross_entropy(input, target, self.reduction)

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"
