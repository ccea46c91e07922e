"""``summary``: a model layer by layer — output shapes, parameters, multiply-adds, activation memory.

Like ``torchinfo.summary``: the model runs once on an input of the given
shape (zeros, in evaluation mode under ``no_grad``, so no running statistic
or random stream moves), a forward hook on every module records its output,
and each row shows

* the output shape,
* the parameters in the module and everything under it (trainable or not),
* the multiply-adds of its forward: N·Ho·Wo·F·(C/groups)·kh·kw for a
  convolution, rows·in·out for a linear layer (the GEMMs; elementwise layers,
  batch norm and pooling count 0); FLOPs are twice that,
* the memory of its output (the activation a backward would keep).

Nested modules are indented; the totals count each parameter once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .autograd.grad_mode import no_grad
from .autograd.tensor import Tensor
from .layers.conv import Conv2d
from .layers.linear import Linear
from .layers.module import Module


@dataclass
class LayerRow:
    name: str
    kind: str
    depth: int
    output_shape: tuple[int, ...] | None
    params: int
    trainable: int
    mult_adds: int
    output_bytes: int


@dataclass
class Summary:
    """What :func:`summary` found: ``rows`` and the totals; ``str()`` gives the table."""

    input_shape: tuple[int, ...]
    rows: list[LayerRow] = field(default_factory=list)
    total_params: int = 0
    trainable_params: int = 0
    total_mult_adds: int = 0
    activation_bytes: int = 0
    param_bytes: int = 0

    @property
    def flops(self) -> int:
        """Floating-point operations of the forward: two per multiply-add."""
        return 2 * self.total_mult_adds

    def __str__(self) -> str:
        head = f"{'Layer (type)':<40} {'Output shape':<22} {'Params':>12} {'Mult-adds':>16}"
        lines = [head, "=" * len(head)]
        for row in self.rows:
            label = "  " * row.depth + (f"{row.name}: {row.kind}" if row.name else row.kind)
            shape = "--" if row.output_shape is None else str(row.output_shape)
            lines.append(f"{label:<40} {shape:<22} {row.params:>12,} {row.mult_adds:>16,}")
        lines += [
            "=" * len(head),
            f"Total params: {self.total_params:,} ({self.trainable_params:,} trainable)",
            f"Mult-adds: {self.total_mult_adds:,} ({self.flops / 1e9:.3f} GFLOP forward)",
            f"Input: {self.input_shape}; activations {self.activation_bytes / 2**20:.2f} MiB, "
            f"parameters {self.param_bytes / 2**20:.2f} MiB",
        ]
        return "\n".join(lines)


def summary(
    model: Module,
    input_size: tuple[int, ...] | None = None,
    input_data: Any = None,
    dtype: Any = np.float32,
) -> Summary:
    """Summarise ``model`` on an input of shape ``input_size`` (batch first), or on ``input_data``.

    Examples:
        >>> from rectifiers import nn
        >>> net = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Flatten(), nn.Linear(8 * 4 * 4, 10))
        >>> info = summary(net, (2, 3, 4, 4))
        >>> info.total_params, info.total_mult_adds  # (3·9·8 + 8) + (128·10 + 10); 2·16·8·27 + 2·128·10
        (1514, 9472)
    """
    if (input_size is None) == (input_data is None):
        raise ValueError("summary: give input_size or input_data (one of them)")
    x = input_data if input_data is not None else Tensor(np.zeros(tuple(input_size), dtype=dtype))
    if not isinstance(x, Tensor):
        x = Tensor(np.asarray(x))
    outputs: dict[int, Any] = {}
    handles = [
        module.register_forward_hook(lambda m, args, out: outputs.__setitem__(id(m), out))
        for module in model.modules()
    ]
    was_training = model.training
    try:
        model.eval()
        with no_grad():
            model(x)
    finally:
        model.train(was_training)
        for handle in handles:
            handle.remove()
    result = Summary(tuple(x.shape))
    leaves, containers = [], []
    for name, module in model.named_modules():
        out = outputs.get(id(module))
        params = list(module.parameters())
        shape = tuple(out.shape) if isinstance(out, Tensor) else None
        leaf = not module._modules
        row = LayerRow(
            name=name,
            kind=type(module).__name__,
            depth=name.count(".") + (1 if name else 0),
            output_shape=shape,
            params=sum(p.numel() for p in params),
            trainable=sum(p.numel() for p in params if p.requires_grad),
            mult_adds=_mult_adds(module, out) if leaf else 0,
            output_bytes=out.data.nbytes if isinstance(out, Tensor) else 0,
        )
        result.rows.append(row)
        (leaves if leaf else containers).append(row)
    unique = list(model.parameters())
    result.total_params = sum(p.numel() for p in unique)
    result.trainable_params = sum(p.numel() for p in unique if p.requires_grad)
    result.param_bytes = sum(p.data.nbytes for p in unique)
    result.total_mult_adds = sum(row.mult_adds for row in leaves)
    result.activation_bytes = sum(row.output_bytes for row in leaves)
    for row in containers:  # the multiply-adds of every layer under it
        prefix = row.name + "." if row.name else ""
        row.mult_adds = sum(r.mult_adds for r in leaves if r.name.startswith(prefix))
    return result


def _mult_adds(module: Module, out: Any) -> int:
    if not isinstance(out, Tensor):
        return 0
    if isinstance(module, Conv2d):
        n, f, ho, wo = out.shape
        kh, kw = module.kernel_size
        return n * ho * wo * f * (module.in_channels // module.groups) * kh * kw
    if isinstance(module, Linear):
        rows = int(np.prod(out.shape[:-1]))
        return rows * module.in_features * module.out_features
    return 0
