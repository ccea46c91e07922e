"""Adam and AdamW."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from ..checks import check_number
from .optimizer import Optimizer


class Adam(Optimizer):
    r"""Adam (Kingma & Ba 2015), as ``torch.optim.Adam``.

    With g the gradient (plus weight_decay·p, an L2 penalty) and step t:

        m ← β₁ m + (1 − β₁) g,    v ← β₂ v + (1 − β₂) g²
        p ← p − lr / (1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + eps)

    Args:
        lr, betas=(β₁, β₂), eps, weight_decay: as PyTorch (defaults 1e-3, (0.9, 0.999), 1e-8, 0).
        amsgrad: use the running maximum of v (Reddi et al. 2018).
        maximize: ascend the objective instead (the gradient's sign is flipped).
    """

    decoupled = False
    state_keys = frozenset({"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"})

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
            maximize=maximize,
        )  # fmt: skip
        super().__init__(params, defaults)

    def check_group(self, group: dict[str, Any], where: str) -> None:
        super().check_group(group, where)
        check_number(where, "eps", group["eps"], 0.0)
        check_number(where, "weight_decay", group["weight_decay"], 0.0)
        betas = group["betas"]
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise TypeError(f"{where}: betas must be a pair (beta1, beta2), got {betas!r}")
        for i, beta in enumerate(betas):
            check_number(where, f"betas[{i}]", beta, 0.0, 1.0, high_open=True)
        group["betas"] = tuple(betas)

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        dtype = param.dtype.type
        if group["maximize"]:
            grad = -grad
        lr, (beta1, beta2), wd = group["lr"], group["betas"], group["weight_decay"]
        if wd and self.decoupled:
            param *= dtype(1 - lr * wd)
        elif wd:
            grad = grad + dtype(wd) * param
        if not state:
            state.update(step=0, exp_avg=np.zeros_like(param), exp_avg_sq=np.zeros_like(param))
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = np.zeros_like(param)
        state["step"] += 1
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m *= dtype(beta1)
        m += dtype(1 - beta1) * grad
        v *= dtype(beta2)
        v += dtype(1 - beta2) * grad * grad
        if group["amsgrad"]:
            np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
            v = state["max_exp_avg_sq"]
        t = state["step"]
        denominator = np.sqrt(v) / dtype(math.sqrt(1 - beta2**t)) + dtype(group["eps"])
        param -= dtype(lr / (1 - beta1**t)) * m / denominator


class AdamW(Adam):
    r"""Adam with decoupled weight decay (Loshchilov & Hutter 2019), as ``torch.optim.AdamW``.

    Decay shrinks the weights directly, p ← p·(1 − lr·weight_decay), instead of
    being added to the gradient; default weight_decay 0.01.
    """

    decoupled = True

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize)
