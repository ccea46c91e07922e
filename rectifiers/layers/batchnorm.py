"""``BatchNorm1d`` and ``BatchNorm2d``."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.tensor import Tensor
from ..checks import check_bool, check_float_dtype, check_int, check_number
from ..functional.normalization import batch_norm
from .module import Module, Parameter


class _BatchNorm(Module):
    """Shared body of BatchNorm1d/2d (see :func:`rectifiers.functional.batch_norm` for the math)."""

    _accepted_ndims: tuple[int, ...] = ()
    _layout = ""
    is_normalization = True

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        dtype: Any = np.float32,
    ) -> None:
        super().__init__()
        where = type(self).__name__
        num_features = check_int(where, "num_features", num_features)
        eps = check_number(where, "eps", eps, 0.0, low_open=True)
        if momentum is not None:
            momentum = check_number(where, "momentum", momentum, 0.0, 1.0)
        affine = check_bool(where, "affine", affine)
        track_running_stats = check_bool(where, "track_running_stats", track_running_stats)
        dtype = check_float_dtype(where, dtype)
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = Parameter(np.ones(num_features, dtype=dtype))
            self.bias = Parameter(np.zeros(num_features, dtype=dtype))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", Tensor(np.zeros(num_features, dtype=dtype)))
            self.register_buffer("running_var", Tensor(np.ones(num_features, dtype=dtype)))
            self.register_buffer("num_batches_tracked", Tensor(np.zeros((), dtype=np.int64)))
        else:
            self.running_mean = self.running_var = self.num_batches_tracked = None

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean.data[...] = 0
            self.running_var.data[...] = 1
            self.num_batches_tracked.data[...] = 0

    def forward(self, x: Tensor) -> Tensor:
        if x.ndim not in self._accepted_ndims:
            raise ValueError(f"expected a {self._layout} input, got shape {x.shape}")
        if x.shape[1] != self.num_features:
            raise ValueError(f"expected {self.num_features} channels, got input shape {x.shape}")
        momentum = self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked.data += 1
            if momentum is None:  # cumulative moving average, as PyTorch
                momentum = 1.0 / float(self.num_batches_tracked.data)
        # Without running statistics, evaluation also normalises with the batch's own.
        return batch_norm(
            x,
            self.running_mean,
            self.running_var,
            self.weight,
            self.bias,
            training=self.training or not self.track_running_stats,
            momentum=momentum or 0.0,
            eps=self.eps,
        )

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
            f"track_running_stats={self.track_running_stats}"
        )


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of (N, C) or (N, C, L) inputs over N (and L), as ``torch.nn.BatchNorm1d``.

    y = γ (x − μ) / √(σ² + ε) + β per channel. Training uses the batch mean
    and biased variance and updates the running statistics (unbiased variance,
    ``momentum`` 0.1; ``None`` for a cumulative average); evaluation uses the
    running statistics. Defaults follow PyTorch: eps 1e-5, momentum 0.1
    (Chainer's eps is 2e-5).
    """

    _accepted_ndims = (2, 3)
    _layout = "(N, C) or (N, C, L)"


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of (N, C, H, W) inputs over N, H and W, as ``torch.nn.BatchNorm2d``.

    Same statistics and defaults as :class:`BatchNorm1d`.
    """

    _accepted_ndims = (4,)
    _layout = "4-D (N, C, H, W)"
