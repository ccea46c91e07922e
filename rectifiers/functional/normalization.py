"""``batch_norm`` as a differentiable function, with the running-statistics update."""

from __future__ import annotations

import numpy as np

from ..autograd.function import Function
from ..autograd.tensor import Tensor
from ..kernels import batch_norm as kernels
from ._args import check_float


class BatchNormFunction(Function):
    """Inputs: x[, gamma, beta]. In training mode the batch statistics are kept on the function."""

    def __init__(self, training: bool, eps: float, running: tuple | None) -> None:
        self.training, self.eps, self.running = training, eps, running

    def forward(
        self, x: np.ndarray, gamma: np.ndarray | None = None, beta: np.ndarray | None = None
    ) -> np.ndarray:
        if self.training:
            y, self.saved, self.batch_mean, self.batch_var = kernels.batch_norm_train_forward(
                x, gamma, beta, self.eps
            )
        else:
            y, self.saved = kernels.batch_norm_eval_forward(x, gamma, beta, *self.running, self.eps)
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
    return batch_norm_checked(
        input, running_mean, running_var, weight, bias, training, momentum, eps, where="batch_norm"
    )


def batch_norm_checked(
    x: Tensor,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None,
    bias: Tensor | None,
    training: bool,
    momentum: float,
    eps: float,
    where: str,
) -> Tensor:
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
    if not training and (running_mean is None or running_var is None):
        raise ValueError(f"{where}: evaluation mode needs running_mean and running_var")
    running = None if training else (running_mean.data, running_var.data)
    params = [] if weight is None else [weight, bias]
    fn = BatchNormFunction(training, eps, running)
    y = fn(x, *params)
    if training and running_mean is not None:
        unbiased = fn.batch_var * (per_channel / (per_channel - 1))
        running_mean.data *= 1 - momentum
        running_mean.data += momentum * fn.batch_mean.astype(running_mean.dtype)
        running_var.data *= 1 - momentum
        running_var.data += momentum * unbiased.astype(running_var.dtype)
    return y
