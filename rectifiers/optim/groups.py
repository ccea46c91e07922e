"""Parameter groups that keep weight decay off the parameters it harms."""

from __future__ import annotations

from typing import Any


def param_groups_no_decay(
    model: Any, weight_decay: float, exclude_norm_and_bias: bool = False
) -> list[dict[str, Any]]:
    """Two parameter groups: everything else with ``weight_decay``, PReLU slopes with 0.

    He et al. (2015) train PReLU slopes without weight decay: decay pulls a
    slope towards 0 and so turns PReLU back into ReLU. With
    ``exclude_norm_and_bias=True`` BatchNorm γ/β and all biases also go in the
    undecayed group (a common modern choice; not He et al.'s).

    Which parameters those are, the modules say themselves (the optimiser knows
    no model classes): a module's ``no_weight_decay`` names its parameters that
    decay would harm (PReLU: ``("weight",)``), and ``is_normalization`` marks
    normalisation layers. A layer of your own opts in the same way.

    Examples:
        >>> import rectifiers as rf
        >>> net = rf.nn.Sequential(rf.nn.Linear(4, 4), rf.nn.PReLU(4))
        >>> groups = param_groups_no_decay(net, 5e-4)
        >>> [len(g["params"]) for g in groups], [g["weight_decay"] for g in groups]
        ([2, 1], [0.0005, 0.0])
    """
    undecayed: set[int] = set()
    for module in model.modules():
        exempt = [getattr(module, name) for name in getattr(module, "no_weight_decay", ())]
        undecayed.update(id(p) for p in exempt if p is not None)
        if exclude_norm_and_bias and getattr(module, "is_normalization", False):
            undecayed.update(id(p) for p in module.parameters(recurse=False))
    if exclude_norm_and_bias:
        undecayed.update(
            id(p) for name, p in model.named_parameters() if name.split(".")[-1] == "bias"
        )
    params = list(model.parameters())
    return [
        {"params": [p for p in params if id(p) not in undecayed], "weight_decay": weight_decay},
        {"params": [p for p in params if id(p) in undecayed], "weight_decay": 0.0},
    ]
