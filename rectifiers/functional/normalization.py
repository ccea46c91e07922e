"""``batch_norm`` as a differentiable function, with the running-statistics update."""

from __future__ import annotations

import numpy as np

from ..autograd.function import Function
from ..autograd.tensor import Tensor
from ..kernels import batch_norm as kernels
from ._args import check_float


class BatchNormFunction(Function):
    """Inputs: x[, gamma, beta].

    ``running`` is (running_mean, running_var) arrays or None. Training
    normalises with the batch's statistics and folds them into ``running``
    (in place, with ``momentum``); evaluation normalises with ``running``.
    The statistics flow one way: module → here → kernel.
    """

    def __init__(
        self, training: bool, eps: float, running: tuple | None, momentum: float = 0.0
    ) -> None:
        self.training, self.eps, self.running, self.momentum = training, eps, running, momentum

    def forward(
        self, x: np.ndarray, gamma: np.ndarray | None = None, beta: np.ndarray | None = None
    ) -> np.ndarray:
        if not self.training:
            y, self.saved = kernels.batch_norm_eval_forward(x, gamma, beta, *self.running, self.eps)
            return y
        y, self.saved, mean, var = kernels.batch_norm_train_forward(x, gamma, beta, self.eps)
        if self.running is not None:
            kernels.update_running_statistics(
                *self.running, mean, var, self.momentum, x.size // x.shape[1]
            )
        return y

    def backward(self, grad: np.ndarray) -> tuple:
        dx, dgamma, dbeta = kernels.batch_norm_backward(grad, self.saved, self.needs_input_grad[0])
        return (dx, dgamma, dbeta)[: len(self.needs_input_grad)]


def batch_norm(
    input: Tensor,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Batch normalisation over axis 1 of (N, C) or (N, C, H, W), as ``torch.nn.functional.batch_norm``.

    Training normalises with the batch mean and *biased* variance and, when
    running statistics are given, updates them in place with the *unbiased*
    variance (as PyTorch):

        running_mean ← (1 − momentum)·running_mean + momentum·μ_batch
        running_var  ← (1 − momentum)·running_var  + momentum·σ²_batch·M/(M − 1)

    where M is the number of values per channel. Evaluation normalises with
    the running statistics.
    """
    x, where = input, "batch_norm"
    check_float(where, x, weight, bias)
    if x.ndim < 2:
        raise ValueError(f"{where}: expected (N, C) or (N, C, H, W) input, got shape {x.shape}")
    channels = x.shape[1]
    for name, t in (
        ("weight", weight),
        ("bias", bias),
        ("running_mean", running_mean),
        ("running_var", running_var),
    ):
        if t is not None and t.shape != (channels,):
            raise ValueError(
                f"{where}: {name} has shape {t.shape}, input has {channels} channels {x.shape}"
            )
    per_channel = x.numel() // channels
    if training and per_channel < 2:
        raise ValueError(
            f"{where}: training needs more than one value per channel, got input shape {x.shape} "
            "(a batch of one without spatial dimensions has no variance)"
        )
    if (running_mean is None) != (running_var is None):
        raise ValueError(f"{where}: give both running_mean and running_var, or neither")
    if not training and (running_mean is None or running_var is None):
        raise ValueError(f"{where}: evaluation mode needs running_mean and running_var")
    running = None if running_mean is None else (running_mean.data, running_var.data)
    params = [] if weight is None else [weight, bias]
    return BatchNormFunction(training, eps, running, momentum)(x, *params)
