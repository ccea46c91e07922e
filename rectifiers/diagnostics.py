"""Looking inside a rectifier network: dead units and signal scale, via forward hooks.

A *dead* unit is a channel whose activation input is never positive: its
ReLU outputs zero for every input and passes no gradient, so it cannot
recover. :class:`DeadUnitMonitor` counts, per activation layer, the channels
that stayed non-positive over everything seen since the last ``reset()``
(typically one epoch).

:func:`signal_statistics` measures what He et al.'s initialisation argument
is about: the standard deviation of each layer's output in the forward pass
and of the gradient reaching it in the backward pass, at initialisation.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .activations import LeakyReLU, PReLU, ReLU, RReLU
from .autograd.tensor import Tensor
from .layers import Conv2d, Linear, Module

RECTIFIERS = (ReLU, LeakyReLU, PReLU, RReLU)


class DeadUnitMonitor:
    """Track, per activation layer, which channels were ever positive.

    Positive output ⇔ positive input for every rectifier here (slopes are
    positive on the right half), so the hook only needs the output.

    Examples:
        >>> import rectifiers as rf
        >>> net = rf.nn.Sequential(rf.nn.Linear(4, 8), rf.nn.ReLU())
        >>> monitor = DeadUnitMonitor(net)
        >>> _ = net(rf.randn(16, 4, seed=0))
        >>> sorted(monitor.dead_fractions())
        ['1']
        >>> monitor.remove()
    """

    def __init__(self, model: Module, layer_types: tuple[type, ...] = RECTIFIERS) -> None:
        self.ever_positive: dict[str, np.ndarray] = {}
        self._handles = []
        for name, module in model.named_modules():
            if isinstance(module, layer_types):
                self._handles.append(module.register_forward_hook(self._hook(name)))

    def _hook(self, name: str):  # type: ignore[no-untyped-def]
        def record(module: Module, inputs: tuple, output: Tensor) -> None:
            y = output.data
            axes = (0,) + tuple(range(2, y.ndim))
            positive = (y > 0).any(axis=axes) if y.ndim > 1 else (y > 0)
            seen = self.ever_positive.get(name)
            self.ever_positive[name] = positive if seen is None else (seen | positive)

        return record

    def dead_fractions(self) -> dict[str, float]:
        """Per layer: the fraction of channels never positive since the last reset."""
        return {name: float(1.0 - seen.mean()) for name, seen in self.ever_positive.items()}

    def reset(self) -> None:
        self.ever_positive = {}

    def remove(self) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles = []


def signal_statistics(
    model: Module, images: Tensor, loss_fn: Any, targets: Any
) -> list[dict[str, Any]]:
    """Per weight layer (Conv2d, Linear) at the current weights: std of its output and of dL/d(output).

    Runs one forward and one backward pass on ``images``; parameter gradients
    are left untouched (they are cleared before and after).
    """
    outputs: list[tuple[str, Tensor]] = []
    handles = []
    for name, module in model.named_modules():
        if isinstance(module, (Conv2d, Linear)):

            def keep(module: Module, inputs: tuple, output: Tensor, name: str = name) -> None:
                output.retain_grad()
                outputs.append((name, output))

            handles.append(module.register_forward_hook(keep))
    try:
        model.zero_grad()
        loss_fn(model(images), targets).backward()
    finally:
        for handle in handles:
            handle.remove()
        model.zero_grad()
    return [
        {
            "layer": name,
            "index": i + 1,
            "forward_std": float(out.data.std()),
            "backward_std": float(out.grad.data.std()) if out.grad is not None else float("nan"),
        }
        for i, (name, out) in enumerate(outputs)
    ]
