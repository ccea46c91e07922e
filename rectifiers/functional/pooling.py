"""Pooling as differentiable functions: max, average, adaptive (global) average."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function
from ..autograd.tensor import Tensor
from ..checks import check_int, check_pair
from ..kernels import pooling as kernels
from ..kernels.windows import output_size
from ._args import check_floating, check_not_bool, check_rank, check_tensor


class MaxPool2dFunction(Function):
    def __init__(self, kernel: tuple, stride: tuple, padding: tuple) -> None:
        self.geometry = (kernel, stride, padding)

    def forward(self, x: np.ndarray) -> np.ndarray:
        out, self.saved = kernels.max_pool2d_forward(x, *self.geometry)
        return out

    def backward(self, grad: np.ndarray) -> np.ndarray:
        return kernels.max_pool2d_backward(grad, self.saved)


class AvgPool2dFunction(Function):
    def __init__(
        self, kernel: tuple, stride: tuple, padding: tuple, divisor: np.ndarray | None = None
    ) -> None:
        self.geometry, self.divisor = (kernel, stride, padding), divisor

    def forward(self, x: np.ndarray) -> np.ndarray:
        out, self.saved = kernels.avg_pool2d_forward(x, *self.geometry, self.divisor)
        return out

    def backward(self, grad: np.ndarray) -> np.ndarray:
        return kernels.avg_pool2d_backward(grad, self.saved)


class AdaptiveAvgPool2dFunction(Function):
    def __init__(self, out_hw: tuple) -> None:
        self.out_hw = out_hw

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x_shape = x.shape
        return kernels.adaptive_avg_pool2d_forward(x, self.out_hw)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        return kernels.adaptive_avg_pool2d_backward(grad, self.x_shape)


def pool_arguments(kernel_size: Any, stride: Any, padding: Any, where: str) -> tuple:
    """(kernel, stride, padding) as pairs, checked: kernel, stride ≥ 1, 0 ≤ padding ≤ kernel/2."""
    kernel = check_pair(where, "kernel_size", kernel_size)
    stride = kernel if stride is None else check_pair(where, "stride", stride)
    pad = check_pair(where, "padding", padding, minimum=0)
    if any(2 * p > k for p, k in zip(pad, kernel)):
        raise ValueError(f"{where}: padding {pad} must be at most half the kernel size {kernel}")
    return kernel, stride, pad


def _pool_geometry(
    x: Tensor, kernel_size: Any, stride: Any, padding: Any, where: str, ceil_mode: bool = False
) -> tuple:
    """(kernel, stride, ((top, bottom), (left, right)), pad, out_hw) for the kernels.

    With ``ceil_mode`` the output size rounds up, as PyTorch (a last window
    must still start inside the input or its left padding); the windows that
    then hang over the border see extra padding at the bottom/right, which max
    pooling fills with −∞ and average pooling leaves out of its count.
    """
    check_tensor(x, where)
    check_rank(x, (4,), "4-D (N, C, H, W)", where)
    kernel, stride, pad = pool_arguments(kernel_size, stride, padding, where)
    out_hw, extra = [], []
    for size, k, s, p in zip(x.shape[2:], kernel, stride, pad):
        out = output_size(size, k, s, 1, 2 * p)
        if ceil_mode:
            out = -(-(size + 2 * p - k) // s) + 1
            if (out - 1) * s >= size + p:
                out -= 1
        if out < 1:
            raise ValueError(f"{where}: kernel {kernel} is larger than the padded input {x.shape}")
        out_hw.append(out)
        extra.append(max(0, (out - 1) * s + k - (size + 2 * p)))
    padding = ((pad[0], pad[0] + extra[0]), (pad[1], pad[1] + extra[1]))
    return kernel, stride, padding, pad, tuple(out_hw)


def max_pool2d(
    input: Tensor,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    dilation: Any = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Tensor:
    """Maximum over kh×kw windows of an (N, C, H, W) input (as ``torch.nn.functional.max_pool2d``).

    ``stride`` defaults to ``kernel_size``; padding counts as −∞. On ties the
    gradient goes to the first maximal element of the window (row-major).
    Integer inputs work (the maximum is exact); bools are refused, as in PyTorch.
    ``dilation`` > 1 and ``return_indices`` are not implemented (a clear error).
    """
    check_not_bool(input, "max_pool2d")
    if check_pair("max_pool2d", "dilation", dilation) != (1, 1) or return_indices:
        raise NotImplementedError("max_pool2d: dilation > 1 and return_indices are not implemented")
    kernel, stride, padding, _, _ = _pool_geometry(
        input, kernel_size, stride, padding, "max_pool2d", ceil_mode
    )
    return MaxPool2dFunction(kernel, stride, padding)(input)


def avg_pool2d(
    input: Tensor,
    kernel_size: Any,
    stride: Any = None,
    padding: Any = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:
    """Mean over kh×kw windows, as ``torch.nn.functional.avg_pool2d``.

    The padding zeros count in the mean (``count_include_pad=True``, PyTorch's
    default) or not; ``ceil_mode`` rounds the output size up; ``divisor_override``
    divides every window's sum by that number instead.

    Floating-point input only: an average in an integer dtype would truncate
    (PyTorch refuses uint8 and bool, and truncates int64; all are refused here).
    """
    check_floating(input, "avg_pool2d")
    kernel, stride, padding, pad, out_hw = _pool_geometry(
        input, kernel_size, stride, padding, "avg_pool2d", ceil_mode
    )
    if divisor_override is not None:
        count = check_int("avg_pool2d", "divisor_override", divisor_override)
        divisor = np.full(out_hw, count)
    elif count_include_pad and padding[0][1] == pad[0] and padding[1][1] == pad[1]:
        divisor = None  # every window holds kh·kw elements (padding included)
    else:
        divisor = kernels.avg_divisors(
            input.shape[2:], kernel, stride, pad, out_hw, count_include_pad
        )
    return AvgPool2dFunction(kernel, stride, padding, divisor)(input)


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """Average-pool an (N, C, H, W) input down to (N, C, oh, ow), as PyTorch.

    Output size 1 is global average pooling (a mean over H and W); sizes that
    divide H and W are ``avg_pool2d`` with kernel = stride = H/oh; other sizes
    use PyTorch's bins of unequal, possibly overlapping, extent (``kernels/pooling.py``).
    ``None`` in ``output_size`` keeps that input size.
    """
    check_rank(input, (4,), "4-D (N, C, H, W)", "adaptive_avg_pool2d")
    check_floating(input, "adaptive_avg_pool2d")
    h, w = input.shape[2:]
    sizes = (
        (output_size, output_size) if not isinstance(output_size, (tuple, list)) else output_size
    )
    given = (h if sizes[0] is None else sizes[0], w if sizes[1] is None else sizes[1])
    oh, ow = check_pair("adaptive_avg_pool2d", "output_size", given)
    if (oh, ow) == (1, 1):
        return input.mean(axis=(2, 3), keepdims=True)
    if h % oh == 0 and w % ow == 0:
        return avg_pool2d(input, (h // oh, w // ow))
    return AdaptiveAvgPool2dFunction((oh, ow))(input)
