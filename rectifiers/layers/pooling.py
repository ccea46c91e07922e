"""Pooling layers: ``MaxPool2d``, ``AvgPool2d``, ``AdaptiveAvgPool2d``."""

from __future__ import annotations

from typing import Any

from ..autograd.tensor import Tensor
from ..checks import check_bool, check_int, check_pair
from ..functional.pooling import adaptive_avg_pool2d, avg_pool2d, max_pool2d, pool_arguments
from .module import Module


class _Pool2d(Module):
    """Shared arguments of the window pools."""

    def __init__(
        self, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False
    ) -> None:
        super().__init__()
        pool_arguments(kernel_size, stride, padding, type(self).__name__)
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding
        self.ceil_mode = check_bool(type(self).__name__, "ceil_mode", ceil_mode)

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride or self.kernel_size}, "
            f"padding={self.padding}" + (", ceil_mode=True" if self.ceil_mode else "")
        )


class MaxPool2d(_Pool2d):
    """Maximum over kh×kw windows, as ``torch.nn.MaxPool2d`` (no dilation or indices).

    Shape: (N, C, H, W) → (N, C, Ho, Wo), Ho = ⌊(H + 2·padding − kernel) / stride⌋ + 1
    (⌈…⌉ with ``ceil_mode``); ``stride`` defaults to ``kernel_size``.
    """

    def __init__(
        self,
        kernel_size: Any,
        stride: Any = None,
        padding: Any = 0,
        dilation: Any = 1,
        return_indices: bool = False,
        ceil_mode: bool = False,
    ) -> None:
        if check_pair("MaxPool2d", "dilation", dilation) != (1, 1) or return_indices:
            raise NotImplementedError(
                "MaxPool2d: dilation > 1 and return_indices are not implemented"
            )
        super().__init__(kernel_size, stride, padding, ceil_mode)

    def forward(self, x: Tensor) -> Tensor:
        return max_pool2d(x, self.kernel_size, self.stride, self.padding, ceil_mode=self.ceil_mode)


class AvgPool2d(_Pool2d):
    """Mean over kh×kw windows, as ``torch.nn.AvgPool2d`` (``ceil_mode``, ``count_include_pad``,
    ``divisor_override`` as PyTorch)."""

    def __init__(
        self,
        kernel_size: Any,
        stride: Any = None,
        padding: Any = 0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        divisor_override: int | None = None,
    ) -> None:
        super().__init__(kernel_size, stride, padding, ceil_mode)
        self.count_include_pad = check_bool("AvgPool2d", "count_include_pad", count_include_pad)
        self.divisor_override = (
            None
            if divisor_override is None
            else check_int("AvgPool2d", "divisor_override", divisor_override)
        )

    def forward(self, x: Tensor) -> Tensor:
        return avg_pool2d(
            x, self.kernel_size, self.stride, self.padding, self.ceil_mode,
            self.count_include_pad, self.divisor_override,
        )  # fmt: skip


class AdaptiveAvgPool2d(Module):
    """Average-pool to a fixed output size; ``AdaptiveAvgPool2d(1)`` is global average pooling.

    Shape: (N, C, H, W) → (N, C, oh, ow); any output size, with PyTorch's bins.
    """

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        sizes = (
            output_size if isinstance(output_size, (tuple, list)) else (output_size, output_size)
        )
        check_pair("AdaptiveAvgPool2d", "output_size", tuple(1 if s is None else s for s in sizes))
        self.output_size = output_size

    def forward(self, x: Tensor) -> Tensor:
        return adaptive_avg_pool2d(x, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"
