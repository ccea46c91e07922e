"""Pooling layers: ``MaxPool2d``, ``AvgPool2d``, ``AdaptiveAvgPool2d``."""

from __future__ import annotations

from typing import Any

from ..autograd.tensor import Tensor
from ..functional._args import pair
from ..functional.pooling import adaptive_avg_pool2d, avg_pool2d, max_pool2d, pool_arguments
from .module import Module


class _Pool2d(Module):
    """Shared arguments of the window pools."""

    def __init__(self, kernel_size: Any, stride: Any = None, padding: Any = 0) -> None:
        super().__init__()
        pool_arguments(kernel_size, stride, padding, type(self).__name__)
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride or self.kernel_size}, padding={self.padding}"


class MaxPool2d(_Pool2d):
    """Maximum over kh×kw windows, as ``torch.nn.MaxPool2d`` (no dilation, floor mode).

    Shape: (N, C, H, W) → (N, C, Ho, Wo), Ho = ⌊(H + 2·padding − kernel) / stride⌋ + 1;
    ``stride`` defaults to ``kernel_size``.
    """

    def forward(self, x: Tensor) -> Tensor:
        return max_pool2d(x, self.kernel_size, self.stride, self.padding)


class AvgPool2d(_Pool2d):
    """Mean over kh×kw windows, as ``torch.nn.AvgPool2d`` (padding counted, floor mode)."""

    def forward(self, x: Tensor) -> Tensor:
        return avg_pool2d(x, self.kernel_size, self.stride, self.padding)


class AdaptiveAvgPool2d(Module):
    """Average-pool to a fixed output size; ``AdaptiveAvgPool2d(1)`` is global average pooling.

    Shape: (N, C, H, W) → (N, C, oh, ow); oh and ow must divide H and W.
    """

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        pair(output_size, "output_size", "AdaptiveAvgPool2d")
        self.output_size = output_size

    def forward(self, x: Tensor) -> Tensor:
        return adaptive_avg_pool2d(x, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"
