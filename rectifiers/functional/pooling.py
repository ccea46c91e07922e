"""Pooling as differentiable functions: max, average, adaptive (global) average."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function
from ..autograd.tensor import Tensor
from ..kernels import pooling as kernels
from ..kernels._windows import output_size
from ._args import check_floating, check_not_bool, check_rank, check_tensor, pair


class MaxPool2dFunction(Function):
    def __init__(self, kernel: tuple, stride: tuple, padding: tuple) -> None:
        self.geometry = (kernel, stride, padding)

    def forward(self, x: np.ndarray) -> np.ndarray:
        out, self.saved = kernels.max_pool2d_forward(x, *self.geometry)
        return out

    def backward(self, grad: np.ndarray) -> np.ndarray:
        return kernels.max_pool2d_backward(grad, self.saved)


class AvgPool2dFunction(Function):
    def __init__(self, kernel: tuple, stride: tuple, padding: tuple) -> None:
        self.geometry = (kernel, stride, padding)

    def forward(self, x: np.ndarray) -> np.ndarray:
        out, self.saved = kernels.avg_pool2d_forward(x, *self.geometry)
        return out

    def backward(self, grad: np.ndarray) -> np.ndarray:
        return kernels.avg_pool2d_backward(grad, self.saved)


def pool_arguments(kernel_size: Any, stride: Any, padding: Any, where: str) -> tuple:
    """(kernel, stride, padding) as pairs, checked: kernel, stride ≥ 1, 0 ≤ padding ≤ kernel/2."""
    kernel = pair(kernel_size, "kernel_size", where)
    stride = kernel if stride is None else pair(stride, "stride", where)
    pad = pair(padding, "padding", where, minimum=0)
    if any(2 * p > k for p, k in zip(pad, kernel)):
        raise ValueError(f"{where}: padding {pad} must be at most half the kernel size {kernel}")
    return kernel, stride, pad


def _pool_geometry(x: Tensor, kernel_size: Any, stride: Any, padding: Any, where: str) -> tuple:
    check_tensor(x, where)
    check_rank(x, (4,), "4-D (N, C, H, W)", where)
    kernel, stride, pad = pool_arguments(kernel_size, stride, padding, where)
    for size, k, s, p in zip(x.shape[2:], kernel, stride, pad):
        if output_size(size, k, s, 1, 2 * p) < 1:
            raise ValueError(f"{where}: kernel {kernel} is larger than the padded input {x.shape}")
    return kernel, stride, ((pad[0], pad[0]), (pad[1], pad[1]))


def max_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0) -> Tensor:
    """Maximum over kh×kw windows of an (N, C, H, W) input (as ``torch.nn.functional.max_pool2d``).

    ``stride`` defaults to ``kernel_size``; padding counts as −∞. On ties the
    gradient goes to the first maximal element of the window (row-major).
    Integer inputs work (the maximum is exact); bools are refused, as in PyTorch.
    """
    check_not_bool(input, "max_pool2d")
    return MaxPool2dFunction(*_pool_geometry(input, kernel_size, stride, padding, "max_pool2d"))(
        input
    )


def avg_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0) -> Tensor:
    """Mean over kh×kw windows (padding zeros counted, as PyTorch's default ``count_include_pad``).

    Floating-point input only: an average in an integer dtype would truncate
    (PyTorch refuses uint8 and bool, and truncates int64; all are refused here).
    """
    check_floating(input, "avg_pool2d")
    return AvgPool2dFunction(*_pool_geometry(input, kernel_size, stride, padding, "avg_pool2d"))(
        input
    )


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """Average-pool an (N, C, H, W) input down to (N, C, oh, ow).

    Output size 1 is global average pooling (a mean over H and W). Other sizes
    must divide H and W (then it is ``avg_pool2d`` with kernel = stride = H/oh);
    PyTorch's uneven bins are not implemented.
    """
    check_tensor(input, "adaptive_avg_pool2d")
    check_rank(input, (4,), "4-D (N, C, H, W)", "adaptive_avg_pool2d")
    check_floating(input, "adaptive_avg_pool2d")
    oh, ow = pair(output_size, "output_size", "adaptive_avg_pool2d")
    h, w = input.shape[2:]
    if (oh, ow) == (1, 1):
        return input.mean(axis=(2, 3), keepdims=True)
    if h % oh or w % ow:
        raise ValueError(
            f"adaptive_avg_pool2d: output size {(oh, ow)} must divide the input size {(h, w)}"
        )
    return avg_pool2d(input, (h // oh, w // ow))
