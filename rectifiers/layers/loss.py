"""Loss modules: ``CrossEntropyLoss``, ``NLLLoss``, ``MSELoss`` (PyTorch's signatures)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.tensor import Tensor
from ..checks import check_choice, check_int, check_number
from ..functional.loss import REDUCTIONS, check_no_legacy, cross_entropy, mse_loss, nll_loss
from .module import Module


def _weight_buffer(where: str, weight: Any) -> Tensor | None:
    if weight is None:
        return None
    array = np.asarray(getattr(weight, "data", weight))
    if array.ndim != 1 or array.dtype.kind not in "fiu":
        raise ValueError(
            f"{where}: weight must be a 1-D tensor of class weights, got shape {array.shape}"
        )
    return Tensor(array.astype(np.float32) if array.dtype.kind != "f" else array)


class CrossEntropyLoss(Module):
    """Softmax cross-entropy of (N, C) logits against (N,) class indices, as ``torch.nn.CrossEntropyLoss``.

    loss = −(1/N) Σ_n log softmax(x_n)[t_n] for ``reduction="mean"``; "sum" and
    "none" also accepted. ``weight`` (C,) weighs each class (the mean divides by
    the total weight), targets equal to ``ignore_index`` are skipped, and
    ``label_smoothing`` ε blends in the uniform distribution, all as PyTorch
    (see :func:`rectifiers.functional.cross_entropy`).
    """

    def __init__(
        self,
        weight: Any = None,
        size_average: Any = None,
        ignore_index: int = -100,
        reduce: Any = None,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__()
        check_no_legacy(type(self).__name__, size_average, reduce)
        self.register_buffer("weight", _weight_buffer(type(self).__name__, weight))
        self.ignore_index = check_int(type(self).__name__, "ignore_index", ignore_index, -(2**62))
        self.reduction = check_choice(type(self).__name__, "reduction", reduction, REDUCTIONS)
        self.label_smoothing = check_number(
            type(self).__name__, "label_smoothing", label_smoothing, 0.0, 1.0
        )

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return cross_entropy(
            input, target, self.weight, ignore_index=self.ignore_index, reduction=self.reduction,
            label_smoothing=self.label_smoothing,
        )  # fmt: skip

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"


class NLLLoss(Module):
    """Negative log-likelihood of (N, C) log-probabilities, as ``torch.nn.NLLLoss``."""

    def __init__(
        self,
        weight: Any = None,
        size_average: Any = None,
        ignore_index: int = -100,
        reduce: Any = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__()
        check_no_legacy("NLLLoss", size_average, reduce)
        self.register_buffer("weight", _weight_buffer("NLLLoss", weight))
        self.ignore_index = check_int("NLLLoss", "ignore_index", ignore_index, -(2**62))
        self.reduction = check_choice("NLLLoss", "reduction", reduction, REDUCTIONS)

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return nll_loss(
            input, target, self.weight, ignore_index=self.ignore_index, reduction=self.reduction
        )


class MSELoss(Module):
    """Mean squared error, as ``torch.nn.MSELoss``."""

    def __init__(
        self, size_average: Any = None, reduce: Any = None, reduction: str = "mean"
    ) -> None:
        super().__init__()
        check_no_legacy("MSELoss", size_average, reduce)
        self.reduction = check_choice("MSELoss", "reduction", reduction, REDUCTIONS)

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return mse_loss(input, target, reduction=self.reduction)
