"""Checkpoints that resume bit for bit: model, optimiser, schedule, epoch and every generator."""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from ..layers.module import Module
from ..serialization import CheckpointError, load, save
from .errors import DivergedError, non_finite_names


def _generators(model: Module, loaders: dict[str, Any]) -> dict[str, np.random.Generator]:
    """Every random generator a run draws from: the loaders' and the modules' (Dropout, RReLU)."""
    found = {
        f"loader:{name}": loader.generator for name, loader in loaders.items() if loader is not None
    }
    for name, module in model.named_modules():
        generator = getattr(module, "generator", None)
        if isinstance(generator, np.random.Generator):
            found[f"module:{name}"] = generator
    return found


def non_finite_state(model: Module) -> str:
    """'' if every floating parameter and buffer of ``model`` is finite, else which are not."""
    names = non_finite_names([*model.named_parameters(), *model.named_buffers()])
    if not names:
        return ""
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    return f"the parameters/buffers {shown}"


def save_checkpoint(
    path: str | os.PathLike,
    model: Module,
    optimizer: Any,
    scheduler: Any = None,
    epoch: int = 0,
    loaders: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Write everything needed to continue training exactly where it stopped.

    Raises:
        DivergedError: a parameter or buffer holds NaN or inf; nothing is
            written, so a good checkpoint already at ``path`` is kept.
    """
    broken = non_finite_state(model)
    if broken:
        raise DivergedError(
            f"save_checkpoint: refusing to write {path}: {broken} hold NaN or inf "
            "(the file already there, if any, is kept)"
        )
    generators = _generators(model, loaders or {})
    save(
        {
            "model": dict(model.state_dict()),
            "optimizer": optimizer.state_dict(),
            "scheduler": None if scheduler is None else scheduler.state_dict(),
            "epoch": epoch,
            "generators": {k: g.bit_generator.state for k, g in generators.items()},
            "extra": extra or {},
        },
        path,
    )


def load_checkpoint(
    path: str | os.PathLike,
    model: Module,
    optimizer: Any,
    scheduler: Any = None,
    loaders: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Restore a :func:`save_checkpoint` file in place; returns {"epoch", "extra"}.

    All or nothing: if any part does not fit (a missing entry, a model or
    optimiser state of another shape, a generator the file does not hold),
    everything already restored is put back and a ``CheckpointError`` names
    the file and the problem.
    """
    state = load(path)
    missing = [k for k in _ENTRIES if not isinstance(state, dict) or k not in state]
    if missing:
        raise CheckpointError(f"{path} is not a training checkpoint: it has no {missing} entries")
    generators = _generators(model, loaders or {})
    absent = sorted(set(generators) - set(state["generators"]))
    if absent:
        raise CheckpointError(f"{path} has no state for the generators {absent}")
    before = (model.state_dict(), optimizer.state_dict(), _state_of(scheduler))
    generators_before = {name: g.bit_generator.state for name, g in generators.items()}
    try:
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        if scheduler is not None and state["scheduler"] is not None:
            scheduler.load_state_dict(state["scheduler"])
        for name, generator in generators.items():
            generator.bit_generator.state = state["generators"][name]
    except Exception as error:
        model.load_state_dict(before[0])
        optimizer.load_state_dict(before[1])
        if scheduler is not None:
            scheduler.load_state_dict(before[2])
        for name, generator in generators.items():
            generator.bit_generator.state = generators_before[name]
        raise CheckpointError(
            f"{path} does not fit this run, nothing was restored: {error}"
        ) from None
    return {"epoch": state["epoch"], "extra": state["extra"]}


_ENTRIES = ("model", "optimizer", "scheduler", "epoch", "generators", "extra")


def _state_of(scheduler: Any) -> Any:
    return None if scheduler is None else scheduler.state_dict()
