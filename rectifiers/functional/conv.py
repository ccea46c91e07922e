"""``conv2d``: the convolution kernel as a differentiable function."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.function import Function
from ..autograd.tensor import Tensor
from ..checks import check_pair
from ..kernels.conv import conv2d_backward, conv2d_forward
from ..kernels.windows import output_size
from ._args import check_float, check_rank


class Conv2dFunction(Function):
    """Differentiable wrapper of ``kernels.conv`` (inputs: x, weight[, bias])."""

    def __init__(self, stride: tuple, padding: tuple, dilation: tuple, groups: int) -> None:
        self.geometry = dict(stride=stride, padding=padding, dilation=dilation, groups=groups)

    def forward(
        self, x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None
    ) -> np.ndarray:
        out, self.saved = conv2d_forward(
            x, weight, bias, **self.geometry, keep_input=self.needs_input_grad[1]
        )
        return out

    def backward(self, grad: np.ndarray) -> tuple:
        needs = self.needs_input_grad
        dx, dw, db = conv2d_backward(
            grad,
            self.saved,
            need_input=needs[0],
            need_weight=needs[1],
            need_bias=len(needs) > 2 and needs[2],
        )
        return (dx, dw, db)[: len(needs)]


def conv2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: Any = 1,
    padding: Any = 0,
    dilation: Any = 1,
    groups: int = 1,
) -> Tensor:
    """2-D convolution over an (N, C, H, W) input, as ``torch.nn.functional.conv2d``.

    Args:
        input: (N, C_in, H, W).
        weight: (C_out, C_in / groups, kh, kw).
        bias: (C_out,) or None.
        stride, dilation: int or (int, int).
        padding: int, (int, int), ``"valid"`` (no padding) or ``"same"`` (output
            as large as the input; stride 1 only; an even kernel pads one more
            pixel at the bottom/right, as PyTorch).
        groups: split input and output channels into this many independent groups.

    Returns:
        (N, C_out, Ho, Wo) with Ho = ⌊(H + 2·pad − dilation·(kh − 1) − 1) / stride⌋ + 1.
    """
    x, where = input, "conv2d"
    check_rank(x, (4,), "4-D (N, C, H, W)", where)
    check_float(where, x, weight, bias)
    f, c_per_group, kh, kw = weight.shape
    if not isinstance(groups, (int, np.integer)) or groups < 1:
        raise ValueError(f"{where}: groups must be a positive int, got {groups!r}")
    if x.shape[1] != c_per_group * groups:
        raise ValueError(
            f"{where}: expected input with {c_per_group * groups} channels, got shape {x.shape}"
        )
    if f % groups:
        raise ValueError(f"{where}: {f} output channels do not split into {groups} groups")
    if bias is not None and bias.shape != (f,):
        raise ValueError(f"{where}: bias shape {bias.shape} does not match {f} output channels")
    stride = check_pair(where, "stride", stride)
    dilation = check_pair(where, "dilation", dilation)
    pads = _padding(padding, (kh, kw), stride, dilation, where)
    for axis, (size, k, s, d, pad) in enumerate(zip(x.shape[2:], (kh, kw), stride, dilation, pads)):
        if output_size(size, k, s, d, sum(pad)) < 1:
            raise ValueError(
                f"{where}: kernel {k} (dilation {d}) is larger than the padded input "
                f"({size} + {sum(pad)} padding) along {'HW'[axis]}; input shape {x.shape}"
            )
    inputs = (x, weight) if bias is None else (x, weight, bias)
    return Conv2dFunction(stride, pads, dilation, groups)(*inputs)


def _padding(padding: Any, kernel: tuple, stride: tuple, dilation: tuple, where: str) -> tuple:
    """→ ((top, bottom), (left, right))."""
    if padding == "valid":
        return ((0, 0), (0, 0))
    if padding == "same":
        if stride != (1, 1):
            raise ValueError(f"{where}: padding='same' needs stride 1, got stride {stride}")
        totals = [d * (k - 1) for k, d in zip(kernel, dilation)]
        return tuple((t // 2, t - t // 2) for t in totals)
    if isinstance(padding, str):
        raise ValueError(
            f"{where}: padding must be an int, a pair, 'same' or 'valid', got {padding!r}"
        )
    ph, pw = check_pair(where, "padding", padding, minimum=0)
    return ((ph, ph), (pw, pw))
