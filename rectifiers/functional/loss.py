"""``cross_entropy`` from logits as a differentiable function."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function
from ..autograd.tensor import Tensor
from ..kernels.loss import cross_entropy_backward, cross_entropy_forward
from ._args import check_tensor

REDUCTIONS = ("mean", "sum", "none")


class CrossEntropyFunction(Function):
    def __init__(self, targets: np.ndarray, reduction: str) -> None:
        self.targets, self.reduction = targets, reduction

    def forward(self, logits: np.ndarray) -> np.ndarray:
        loss, self.saved = cross_entropy_forward(logits, self.targets, self.reduction)
        return loss

    def backward(self, grad: np.ndarray) -> np.ndarray:
        return cross_entropy_backward(grad, self.saved)


def cross_entropy(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """Softmax cross-entropy of (N, C) logits against (N,) integer class indices.

    As ``torch.nn.functional.cross_entropy`` with class-index targets:
    loss_n = −log softmax(input)[n, target_n], averaged ("mean"), summed ("sum")
    or returned per sample ("none").
    """
    if reduction not in REDUCTIONS:
        raise ValueError(f"cross_entropy: reduction must be one of {REDUCTIONS}, got {reduction!r}")
    check_tensor(input, "cross_entropy")
    if input.ndim != 2:
        raise ValueError(f"cross_entropy: expected (N, C) logits, got shape {input.shape}")
    if input.dtype.kind != "f":
        raise TypeError(f"cross_entropy: logits must be floating point, got {input.dtype}")
    targets = np.asarray(getattr(target, "data", target))
    if targets.dtype.kind not in "iu":
        raise TypeError(
            f"cross_entropy: targets must be integer class indices, got dtype {targets.dtype}"
        )
    if targets.shape != (input.shape[0],):
        raise ValueError(
            f"cross_entropy: targets of shape {targets.shape} do not match logits {input.shape}"
        )
    if targets.size and (targets.min() < 0 or targets.max() >= input.shape[1]):
        raise ValueError(
            f"cross_entropy: targets must lie in [0, {input.shape[1] - 1}], "
            f"got values from {targets.min()} to {targets.max()}"
        )
    return CrossEntropyFunction(targets, reduction)(input)
