"""RMSprop (Hinton's lecture 6e), as ``torch.optim.RMSprop``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ..checks import check_number
from .optimizer import Optimizer


class RMSprop(Optimizer):
    r"""RMSprop, as ``torch.optim.RMSprop``: divide each step by a running RMS of the gradients.

    With g the gradient (plus weight_decay·p), at every step:

        s ← α s + (1 − α) g²                                   (square_avg)
        a ← √(s − m²) + eps, m ← α m + (1 − α) g  if centered, else √s + eps
        b ← μ b + g / a  and  p ← p − lr · b                   if momentum μ > 0
        p ← p − lr · g / a                                     otherwise

    Args:
        lr, alpha, eps, weight_decay, momentum, centered: as PyTorch (defaults
            1e-2, 0.99, 1e-8, 0, 0, False).
        maximize: ascend the objective instead.
    """

    state_keys = frozenset({"step", "square_avg", "grad_avg", "momentum_buffer"})

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
            centered=centered, maximize=maximize,
        )  # fmt: skip
        super().__init__(params, defaults)

    def check_group(self, group: dict[str, Any], where: str) -> None:
        super().check_group(group, where)
        check_number(where, "alpha", group["alpha"], 0.0)
        check_number(where, "eps", group["eps"], 0.0)
        check_number(where, "weight_decay", group["weight_decay"], 0.0)
        check_number(where, "momentum", group["momentum"], 0.0)

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        dtype = param.dtype.type
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"]:
            grad = grad + dtype(group["weight_decay"]) * param
        if not state:
            state.update(step=0, square_avg=np.zeros_like(param))
            if group["momentum"] > 0:
                state["momentum_buffer"] = np.zeros_like(param)
            if group["centered"]:
                state["grad_avg"] = np.zeros_like(param)
        state["step"] += 1
        alpha = dtype(group["alpha"])
        square_avg = state["square_avg"]
        square_avg *= alpha
        square_avg += (1 - alpha) * grad * grad
        if group["centered"]:
            grad_avg = state["grad_avg"]
            grad_avg *= alpha
            grad_avg += (1 - alpha) * grad
            average = np.sqrt(square_avg - grad_avg * grad_avg) + dtype(group["eps"])
        else:
            average = np.sqrt(square_avg) + dtype(group["eps"])
        if group["momentum"] > 0:
            buffer = state["momentum_buffer"]
            buffer *= dtype(group["momentum"])
            buffer += grad / average
            param -= dtype(group["lr"]) * buffer
        else:
            param -= dtype(group["lr"]) * grad / average
