"""``cross_entropy`` from logits as a differentiable function."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function
from ..autograd.tensor import Tensor
from ..kernels.loss import (
    class_coefficients,
    cross_entropy_backward,
    cross_entropy_forward,
    weighted_loss_backward,
    weighted_loss_forward,
)
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


class WeightedLossFunction(Function):
    """Cross-entropy or NLL with class weights, an ignored class and label smoothing."""

    def __init__(
        self, coefficients: np.ndarray, total: float, reduction: str, logits: bool
    ) -> None:
        self.coefficients, self.total = coefficients, total
        self.reduction, self.logits = reduction, logits

    def forward(self, values: np.ndarray) -> np.ndarray:
        loss, self.saved = weighted_loss_forward(
            values, self.coefficients, self.total, self.reduction, self.logits
        )
        return loss

    def backward(self, grad: np.ndarray) -> np.ndarray:
        return weighted_loss_backward(grad, self.saved)


def cross_entropy(
    input: Tensor,
    target: Any,
    weight: Tensor | None = None,
    size_average: Any = None,
    ignore_index: int = -100,
    reduce: Any = None,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Softmax cross-entropy of (N, C) logits against (N,) integer class indices.

    As ``torch.nn.functional.cross_entropy`` with class-index targets:
    loss_n = −log softmax(input)[n, target_n], averaged ("mean"), summed ("sum")
    or returned per sample ("none"). With ``weight`` (C,) each sample counts
    w[target_n] and the mean divides by their sum; samples whose target is
    ``ignore_index`` count nothing; ``label_smoothing`` ε mixes in the uniform
    distribution: loss_n = (1 − ε)·(−log p_t) + ε·mean_c(−log p_c). The plain
    case runs the fused kernel; the others the general one (``kernels/loss.py``).
    """
    check_no_legacy("cross_entropy", size_average, reduce)
    targets = _check_loss_inputs(input, target, reduction, "cross_entropy", ignore_index)
    if not (0.0 <= label_smoothing <= 1.0):
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing}")
    plain = weight is None and label_smoothing == 0.0 and not (targets == ignore_index).any()
    if plain:
        return CrossEntropyFunction(targets, reduction)(input)
    coefficients, total = class_coefficients(
        targets, input.shape[1], _weight(weight, input, "cross_entropy"), ignore_index,
        label_smoothing, input.dtype,
    )  # fmt: skip
    return WeightedLossFunction(coefficients, total, reduction, logits=True)(input)


def nll_loss(
    input: Tensor,
    target: Any,
    weight: Tensor | None = None,
    size_average: Any = None,
    ignore_index: int = -100,
    reduce: Any = None,
    reduction: str = "mean",
) -> Tensor:
    """Negative log-likelihood of (N, C) log-probabilities (e.g. from ``log_softmax``), as PyTorch.

    loss_n = −w[t_n] · input[n, t_n]; "mean" divides by Σ w[t_n] over the samples not ignored.
    """
    check_no_legacy("nll_loss", size_average, reduce)
    targets = _check_loss_inputs(input, target, reduction, "nll_loss", ignore_index)
    coefficients, total = class_coefficients(
        targets, input.shape[1], _weight(weight, input, "nll_loss"), ignore_index, 0.0, input.dtype
    )
    return WeightedLossFunction(coefficients, total, reduction, logits=False)(input)


def mse_loss(
    input: Tensor,
    target: Any,
    size_average: Any = None,
    reduce: Any = None,
    reduction: str = "mean",
) -> Tensor:
    """Mean squared error (x − y)², as ``torch.nn.functional.mse_loss``; shapes must match."""
    check_no_legacy("mse_loss", size_average, reduce)
    check_tensor(input, "mse_loss")
    if reduction not in REDUCTIONS:
        raise ValueError(f"mse_loss: reduction must be one of {REDUCTIONS}, got {reduction!r}")
    target_shape = getattr(target, "shape", np.shape(target))
    if tuple(target_shape) != input.shape:
        raise ValueError(
            f"mse_loss: target shape {tuple(target_shape)} differs from input shape {input.shape} "
            "(PyTorch would broadcast and warn; rectifiers refuses)"
        )
    squared = (input - target) ** 2
    return (
        squared if reduction == "none" else squared.sum() if reduction == "sum" else squared.mean()
    )


def check_no_legacy(where: str, size_average: Any, reduce: Any) -> None:
    if size_average is not None or reduce is not None:
        raise TypeError(
            f"{where}: size_average and reduce are deprecated in PyTorch and not supported; "
            "use reduction='mean' | 'sum' | 'none'"
        )


def _check_loss_inputs(
    input: Tensor, target: Any, reduction: str, where: str, ignore_index: int
) -> np.ndarray:
    check_tensor(input, where)
    if reduction not in REDUCTIONS:
        raise ValueError(f"{where}: reduction must be one of {REDUCTIONS}, got {reduction!r}")
    if input.ndim != 2:
        raise ValueError(f"{where}: expected (N, C) inputs, got shape {input.shape}")
    if input.dtype.kind != "f":
        raise TypeError(f"{where}: logits must be floating point, got {input.dtype}")
    targets = np.asarray(getattr(target, "data", target))
    if targets.dtype.kind not in "iu":
        raise TypeError(
            f"{where}: targets must be integer class indices, got dtype {targets.dtype}"
        )
    if targets.shape != (input.shape[0],):
        raise ValueError(
            f"{where}: targets of shape {targets.shape} do not match logits {input.shape}"
        )
    kept = targets[targets != ignore_index]
    if kept.size and (kept.min() < 0 or kept.max() >= input.shape[1]):
        raise ValueError(
            f"{where}: targets must lie in [0, {input.shape[1] - 1}] (or be ignore_index), "
            f"got values from {kept.min()} to {kept.max()}"
        )
    return targets


def _weight(weight: Any, input: Tensor, where: str) -> np.ndarray | None:
    if weight is None:
        return None
    w = np.asarray(getattr(weight, "data", weight))
    if w.shape != (input.shape[1],) or w.dtype.kind not in "fiu":
        raise ValueError(
            f"{where}: weight must hold one number per class ({input.shape[1]}), got shape {w.shape}"
        )
    return w
