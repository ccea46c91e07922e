"""Stochastic gradient descent with momentum, PyTorch's form."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ..checks import check_number
from .optimizer import Optimizer


class SGD(Optimizer):
    r"""SGD with optional momentum, dampening, Nesterov momentum and L2 weight decay, as ``torch.optim.SGD``.

    For each parameter p with gradient g, at every step:

        g ← g + weight_decay · p
        v ← g                                  (first step)
        v ← momentum · v + (1 − dampening) · g (later steps)
        d ← g + momentum · v if nesterov else v
        p ← p − lr · d

    The learning rate stays *outside* the velocity v (PyTorch). Chainer and
    Caffe keep it inside (v ← μv − lr·g, p ← p + v). The two agree while lr is
    constant; after a learning-rate drop PyTorch's form applies the new lr to
    the accumulated velocity at once, Caffe's lets the old steps fade out.
    He et al.'s PReLU update Δa := μΔa + ε ∂E/∂a is the Caffe form.

    Args:
        params: parameters, or a list of parameter-group dicts.
        lr: learning rate.
        momentum: μ (0 disables momentum).
        dampening: scales new gradients entering the velocity.
        weight_decay: L2 penalty coefficient (use a group with 0 for PReLU slopes).
        nesterov: Nesterov momentum (needs momentum > 0 and dampening 0).
        maximize: ascend the objective instead (the gradient's sign is flipped).
    """

    state_keys = frozenset({"momentum_buffer"})

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr,
            momentum=momentum,
            dampening=dampening,
            weight_decay=weight_decay,
            nesterov=nesterov,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def check_group(self, group: dict[str, Any], where: str) -> None:
        super().check_group(group, where)
        check_number(where, "momentum", group["momentum"], 0.0)
        check_number(where, "dampening", group["dampening"])
        check_number(where, "weight_decay", group["weight_decay"], 0.0)
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError(f"{where}: Nesterov momentum needs momentum > 0 and zero dampening")

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        dtype = param.dtype.type
        if group["maximize"]:
            grad = -grad
        if group["weight_decay"]:
            grad = grad + dtype(group["weight_decay"]) * param
        momentum = group["momentum"]
        if momentum:
            velocity = state.get("momentum_buffer")
            if velocity is None:
                velocity = state["momentum_buffer"] = np.array(grad, copy=True)
            else:
                velocity *= dtype(momentum)
                velocity += dtype(1 - group["dampening"]) * grad
            grad = grad + dtype(momentum) * velocity if group["nesterov"] else velocity
        param -= dtype(group["lr"]) * grad
