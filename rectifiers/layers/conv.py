"""``Conv2d``: a 2-D convolution layer."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..autograd.tensor import Tensor
from ..checks import check_bool, check_choice, check_float_dtype, check_int, check_pair
from ..functional.conv import conv2d
from ..init import default_uniform_
from .module import Module, Parameter


class Conv2d(Module):
    """2-D convolution over (N, C_in, H, W) inputs, as ``torch.nn.Conv2d``.

    out[n, f] = bias[f] + Σ_c weight[f, c] ⋆ x[n, c]   (⋆: cross-correlation)

    Args:
        in_channels, out_channels: channel counts.
        kernel_size, stride, dilation: int or (int, int).
        padding: int, (int, int), "same" or "valid" (zero padding only).
        groups: independent channel groups (both channel counts must divide).
        bias: learn a per-output-channel bias.
        dtype: parameter dtype (float32 by default).
        generator: where the initial weights are drawn from.

    Shape:
        input (N, C_in, H, W) → output (N, C_out, Ho, Wo),
        Ho = ⌊(H + 2·padding − dilation·(kernel − 1) − 1) / stride⌋ + 1.

    Initialisation is PyTorch's default U(±1/√fan_in), fan_in = C_in/groups·kh·kw;
    use ``rectifiers.init`` for He or Xavier.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: Any,
        stride: Any = 1,
        padding: Any = 0,
        dilation: Any = 1,
        groups: int = 1,
        bias: bool = True,
        dtype: Any = np.float32,
        generator: np.random.Generator | None = None,
    ) -> None:
        super().__init__()
        in_channels = check_int("Conv2d", "in_channels", in_channels)
        out_channels = check_int("Conv2d", "out_channels", out_channels)
        groups = check_int("Conv2d", "groups", groups)
        bias, dtype = check_bool("Conv2d", "bias", bias), check_float_dtype("Conv2d", dtype)
        if in_channels % groups or out_channels % groups:
            raise ValueError(
                f"Conv2d: in_channels {in_channels} and out_channels {out_channels} "
                f"must both be divisible by groups {groups}"
            )
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = check_pair("Conv2d", "kernel_size", kernel_size)
        self.stride = check_pair("Conv2d", "stride", stride)
        self.dilation = check_pair("Conv2d", "dilation", dilation)
        if isinstance(padding, str):
            check_choice("Conv2d", "padding", padding, ("same", "valid"))
            if padding == "same" and self.stride != (1, 1):
                raise ValueError(f"Conv2d: padding='same' needs stride 1, got stride {self.stride}")
            self.padding = padding
        else:
            self.padding = check_pair("Conv2d", "padding", padding, minimum=0)
        shape = (out_channels, in_channels // groups, *self.kernel_size)
        self.weight = Parameter(np.empty(shape, dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty(out_channels, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters(generator)

    def reset_parameters(self, generator: np.random.Generator | None = None) -> None:
        """Re-draw the weights with PyTorch's default U(±1/√fan_in)."""
        default_uniform_(self.weight, self.bias, generator)

    def forward(self, x: Tensor) -> Tensor:
        return conv2d(
            x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups
        )

    def extra_repr(self) -> str:
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding not in ((0, 0), "valid"):
            text += f", padding={self.padding}"
        if self.dilation != (1, 1):
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        return text
