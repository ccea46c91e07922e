"""``Optimizer``: parameter groups, per-parameter state, saving and loading.

A parameter group is a dict with a "params" list and its own hyper-parameters
(lr, weight_decay, …); missing ones come from the optimiser's defaults. This
is how PReLU slopes get ``weight_decay=0`` while the weights keep theirs.

Nothing wrong passes silently: hyper-parameters are checked when a group is
added, again before every step (a hand-set ``lr = nan`` is caught before it
touches a weight), and when a state dict is loaded; every gradient must have
its parameter's shape and dtype (NumPy would broadcast a wrong one); and a
state dict is checked whole before anything is changed.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

import numpy as np

from ..autograd.grad_mode import no_grad
from ..autograd.inplace import bump
from ..autograd.tensor import Tensor
from ..checks import check_number


class Optimizer:
    """Base class: subclasses implement ``update(param, grad, state, group)``."""

    #: The per-parameter state entries this optimiser keeps (checked on load).
    state_keys: frozenset[str] = frozenset()

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        if isinstance(params, Tensor):
            raise TypeError(
                f"{type(self).__name__}: params must be an iterable of Tensors or of "
                "parameter-group dicts, got a Tensor; wrap it in a list: [weight]"
            )
        self.defaults = defaults
        self.param_groups: list[dict[str, Any]] = []
        self.state: dict[Tensor, dict[str, Any]] = {}
        params = list(params)
        if not params:
            raise ValueError(f"{type(self).__name__} got an empty parameter list")
        groups = params if isinstance(params[0], dict) else [{"params": params}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, group: dict[str, Any]) -> None:
        """Add a group of parameters with its own hyper-parameters."""
        if not isinstance(group, dict):
            raise TypeError(
                f"{type(self).__name__}: a parameter group must be a dict, got {type(group).__name__}"
            )
        group = dict(group)
        params = group["params"]
        group["params"] = [params] if isinstance(params, Tensor) else list(params)
        for p in group["params"]:
            if not isinstance(p, Tensor):
                raise TypeError(f"{type(self).__name__} optimises Tensors, got {type(p).__name__}")
            if p.dtype.kind != "f":
                raise TypeError(
                    f"{type(self).__name__}: parameters must be floating-point, got dtype {p.dtype}"
                )
            if not p.is_leaf:
                raise ValueError(
                    f"{type(self).__name__} can't optimize a non-leaf Tensor (shape {p.shape}): "
                    "pass the parameters themselves, not results computed from them"
                )
        unknown = set(group) - set(self.defaults) - {"params", "initial_lr"}
        if unknown:
            raise ValueError(f"{type(self).__name__}: unknown hyper-parameters {sorted(unknown)}")
        for key, value in self.defaults.items():
            group.setdefault(key, value)
        self.check_group(group, f"{type(self).__name__}, parameter group {len(self.param_groups)}")
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in group["params"]):
            raise ValueError(f"{type(self).__name__}: a parameter appears in more than one group")
        self.param_groups.append(group)

    def check_group(self, group: dict[str, Any], where: str) -> None:
        """Raise if a hyper-parameter of ``group`` is out of range (subclasses add theirs)."""
        check_number(where, "lr", group["lr"], 0.0)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear the gradients of every optimised parameter."""
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none or p.grad is None:
                    p.grad = None
                else:
                    p.grad.data[...] = 0

    @no_grad()
    def step(self) -> None:
        """Update every parameter that has a gradient (after checking all of them)."""
        updates = []
        for g, group in enumerate(self.param_groups):
            self.check_group(group, f"{type(self).__name__}.step, parameter group {g}")
            for i, p in enumerate(group["params"]):
                if p.grad is not None:
                    _check_gradient(p, f"{type(self).__name__}.step: parameter {i} of group {g}")
                    updates.append((p, group))
        for p, group in updates:
            self.update(p.data, p.grad.data, self.state.setdefault(p, {}), group)
            bump(p)  # a graph that saved p's old values can no longer be backpropagated

    def update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        raise NotImplementedError

    # --- saving and loading -----------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """{"state": {index: {name: value}}, "param_groups": [...]} with parameters as indices, as PyTorch."""
        index = {}
        groups = []
        for group in self.param_groups:
            ids = [index.setdefault(id(p), len(index)) for p in group["params"]]
            groups.append({**{k: v for k, v in group.items() if k != "params"}, "params": ids})
        state = {index[id(p)]: copy.deepcopy(s) for p, s in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore hyper-parameters and per-parameter state saved by ``state_dict``.

        Everything is checked first (group count and sizes, hyper-parameter
        names and values, state entries and their shapes); on any problem a
        ``ValueError`` lists them all and the optimiser is left unchanged.
        """
        name = type(self).__name__
        problems = _state_dict_problems(self, state_dict)
        if problems:
            raise ValueError(f"{name}.load_state_dict: " + "; ".join(problems))
        params_by_index = {}
        for saved, group in zip(state_dict["param_groups"], self.param_groups):
            params_by_index.update(zip(saved["params"], group["params"]))
            group.update({k: v for k, v in saved.items() if k != "params"})
        self.state = {}
        for key, values in state_dict["state"].items():
            param = params_by_index[int(key)]
            self.state[param] = {
                k: np.array(v, dtype=param.dtype) if isinstance(v, np.ndarray) else copy.deepcopy(v)
                for k, v in values.items()
            }

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params"]
        return "\n".join(lines + [")"])


def _check_gradient(p: Tensor, where: str) -> None:
    grad = p.grad.data
    if grad.shape != p.shape:
        raise ValueError(
            f"{where} has shape {p.shape} but its gradient has shape {grad.shape} "
            "(a gradient must match its parameter exactly; it is never broadcast)"
        )
    if grad.dtype != p.dtype:
        raise TypeError(f"{where} has dtype {p.dtype} but its gradient has dtype {grad.dtype}")


def _state_dict_problems(optimizer: Optimizer, state_dict: Any) -> list[str]:
    """Every reason ``state_dict`` cannot be loaded into ``optimizer`` (empty if it can)."""
    name = type(optimizer).__name__
    if not isinstance(state_dict, dict) or set(state_dict) != {"state", "param_groups"}:
        return ["expected a dict with 'state' and 'param_groups' (from Optimizer.state_dict())"]
    saved_groups, groups = state_dict["param_groups"], optimizer.param_groups
    if len(saved_groups) != len(groups):
        return [f"{len(saved_groups)} parameter groups saved, the optimiser has {len(groups)}"]
    problems, params_by_index = [], {}
    expected = set(optimizer.defaults)
    for g, (saved, group) in enumerate(zip(saved_groups, groups)):
        keys = set(saved) - {"params", "initial_lr"}
        if keys != expected:
            problems.append(
                f"group {g} has the hyper-parameters {sorted(keys)}, {name} has {sorted(expected)} "
                "(a state dict of another optimiser?)"
            )
            continue
        if len(saved["params"]) != len(group["params"]):
            problems.append(
                f"group {g} has {len(saved['params'])} parameters saved, "
                f"the optimiser's has {len(group['params'])}"
            )
            continue
        try:
            optimizer.check_group({**group, **saved}, f"group {g}")
        except (TypeError, ValueError) as error:
            problems.append(str(error))
        params_by_index.update(zip(saved["params"], group["params"]))
    for key, values in state_dict["state"].items():
        param = params_by_index.get(int(key))
        if param is None:
            problems.append(f"state for parameter {key}, which no group holds")
            continue
        unknown = set(values) - optimizer.state_keys
        if unknown:
            problems.append(
                f"parameter {key} has state {sorted(unknown)} that {name} does not keep"
            )
        for entry, value in values.items():
            if isinstance(value, np.ndarray) and value.ndim and value.shape != param.shape:
                problems.append(
                    f"parameter {key}: {entry} has shape {value.shape}, the parameter {param.shape}"
                )
    return problems
