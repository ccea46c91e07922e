"""The training loop the examples share: one epoch, evaluation, and ``fit`` with checkpoints."""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, overload

import numpy as np

from ..autograd.grad_mode import no_grad
from ..files import atomic_write_text
from ..functional.loss import cross_entropy
from ..kernels.blas import warn_if_slower_core
from ..layers.module import Module
from ..memory import keep_freed_memory
from .checkpoint import load_checkpoint, non_finite_state, save_checkpoint
from .errors import DivergedError, NonFiniteInputError
from .progress import Progress

LossFn = Callable[..., Any]


class History(Sequence):
    """Per-epoch records (dicts of numbers): a sequence of records, and a mapping of metrics.

    ``history[0]`` and ``for record in history`` give the epochs' records;
    ``history["train_loss"]`` gives one metric, epoch by epoch (an epoch
    without it gives None), and a metric no epoch recorded is a ``KeyError``.

    Examples:
        >>> h = History([{"epoch": 1, "train_loss": 2.3}, {"epoch": 2, "train_loss": 1.9}])
        >>> h["train_loss"], h[-1]["epoch"], len(h), "val_loss" in h
        ([2.3, 1.9], 2, 2, False)
        >>> [record["epoch"] for record in h]
        [1, 2]
    """

    def __init__(self, epochs: list[dict[str, Any]] | None = None) -> None:
        self.epochs: list[dict[str, Any]] = list(epochs or [])

    def append(self, record: dict[str, Any]) -> None:
        self.epochs.append(record)

    @overload
    def __getitem__(self, key: str) -> list[Any]: ...
    @overload
    def __getitem__(self, key: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, key: slice) -> History: ...

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            if key not in self:
                raise KeyError(f"no epoch recorded {key!r}; recorded: {self.keys()}")
            return [record.get(key) for record in self.epochs]
        if isinstance(key, slice):
            return History(self.epochs[key])
        return self.epochs[key]

    def __len__(self) -> int:
        return len(self.epochs)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.epochs)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            return any(key in record for record in self.epochs)
        return key in self.epochs

    def keys(self) -> list[str]:
        """Every metric name recorded, in first-seen order."""
        return list(dict.fromkeys(k for record in self.epochs for k in record))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, History) and self.epochs == other.epochs

    __hash__ = None  # type: ignore[assignment]  (mutable)

    def __repr__(self) -> str:
        return f"History({len(self)} epochs, keys={self.keys()})"

    def to_json(self, path: str | os.PathLike | None = None) -> str:
        text = json.dumps({"epochs": self.epochs}, indent=2)
        if path is not None:
            atomic_write_text(path, text)
        return text

    @classmethod
    def from_json(cls, path: str | os.PathLike) -> History:
        return cls(json.loads(Path(path).read_text())["epochs"])


def train_one_epoch(
    model: Module,
    loader: Any,
    optimizer: Any,
    loss_fn: LossFn = cross_entropy,
    progress: bool = True,
    description: str = "train",
    epoch: int = 1,
) -> dict[str, float]:
    """One pass over ``loader``: forward, loss, backward, optimiser step per batch.

    Returns the mean loss and the accuracy over the epoch's samples.

    Raises:
        NonFiniteInputError: a batch holds NaN or infinity (the data is bad).
        DivergedError: the loss became NaN or infinite on good data; the
            message gives the step, the epoch and the learning rate.
        ValueError: the loader yielded no batches.
    """
    model.train()
    total_loss, correct, seen = 0.0, 0, 0
    bar = Progress(loader, len(loader), description, progress)
    for batch, (images, labels) in enumerate(bar, start=1):
        optimizer.zero_grad()
        logits = model(images)
        loss = loss_fn(logits, labels)
        value = loss.item()
        if not math.isfinite(value):
            bar.close()
            raise _non_finite_loss(value, images, model, optimizer, epoch, batch, len(loader))
        loss.backward()
        optimizer.step()
        n = len(labels)
        total_loss += value * n
        correct += int((logits.data.argmax(axis=1) == labels.data).sum())
        seen += n
        bar.update(loss=total_loss / seen, acc=correct / seen)
    bar.close()
    _check_not_empty(seen, "train_one_epoch", "training")
    return {"loss": total_loss / seen, "accuracy": correct / seen}


def _non_finite_loss(
    value: float, images: Any, model: Module, optimizer: Any, epoch: int, batch: int, batches: int
) -> Exception:
    """The error for a non-finite loss: bad input, parameters already broken, or divergence now."""
    where = f"batch {batch} of {batches} in epoch {epoch}"
    inputs = np.asarray(getattr(images, "data", images))
    if inputs.dtype.kind == "f" and not np.isfinite(inputs).all():
        count = int(inputs.size - np.isfinite(inputs).sum())
        return NonFiniteInputError(
            f"{where} holds {count} non-finite input values (NaN or inf), so its loss is {value}: "
            "the data (or a transform) is bad, the training did not diverge"
        )
    step = (epoch - 1) * batches + batch
    lrs = sorted({group["lr"] for group in optimizer.param_groups})
    lr = lrs[0] if len(lrs) == 1 else lrs
    broken = non_finite_state(model)
    if broken:
        return DivergedError(
            f"the loss is {value} at step {step} ({where}) because {broken} already hold NaN or "
            f"inf: an earlier update with lr {lr} diverged; lower the learning rate"
        )
    return DivergedError(
        f"the loss diverged at step {step} ({where}) with lr {lr}: the loss is {value}; "
        "lower the learning rate"
    )


def _check_not_empty(seen: int, where: str, role: str) -> None:
    if seen == 0:
        raise ValueError(
            f"{where}: the {role} loader yielded no samples (an empty dataset, or drop_last "
            "with fewer samples than one batch); a mean loss over nothing is undefined"
        )


@no_grad()
def evaluate(
    model: Module, loader: Any, loss_fn: LossFn = cross_entropy, progress: bool = False
) -> dict[str, float]:
    """Mean loss and accuracy over ``loader`` in evaluation mode (the model's mode is restored)."""
    was_training = model.training
    model.eval()
    total_loss, correct, seen = 0.0, 0, 0
    try:
        for images, labels in Progress(loader, len(loader), "eval", progress):
            logits = model(images)
            n = len(labels)
            total_loss += loss_fn(logits, labels).item() * n
            correct += int((logits.data.argmax(axis=1) == labels.data).sum())
            seen += n
    finally:
        model.train(was_training)
    _check_not_empty(seen, "evaluate", "evaluation")
    return {"loss": total_loss / seen, "accuracy": correct / seen}


def _check_finite_after_epoch(
    model: Module, record: dict[str, Any], epoch: int, checkpoint: Any
) -> None:
    """Before anything is saved: the validation loss, every parameter and buffer must be finite."""
    kept = f"; the checkpoint {checkpoint} was not overwritten" if checkpoint is not None else ""
    val_loss = record.get("val_loss")
    if val_loss is not None and not math.isfinite(val_loss):
        raise DivergedError(
            f"the validation loss is {val_loss} after epoch {epoch} (training loss "
            f"{record['train_loss']:.4g}, lr {record['lr']}): the model diverged{kept}"
        )
    broken = non_finite_state(model)
    if broken:
        raise DivergedError(
            f"after epoch {epoch} (lr {record['lr']}) {broken} hold NaN or inf: the last update "
            f"diverged; lower the learning rate{kept}"
        )


def fit(
    model: Module,
    train_loader: Any,
    optimizer: Any,
    epochs: int,
    scheduler: Any = None,
    val_loader: Any = None,
    loss_fn: LossFn = cross_entropy,
    checkpoint: str | os.PathLike | None = None,
    resume: bool = False,
    callbacks: Sequence[Callable[[int, dict[str, Any]], None]] = (),
    progress: bool = True,
    log: Callable[[str], None] | None = print,
) -> History:
    """Train for ``epochs`` epochs, stepping ``scheduler`` once per epoch.

    Args:
        val_loader: evaluated after every epoch (its metrics as ``val_loss``, ``val_accuracy``).
        checkpoint: a path; after every epoch the full state is saved there
            (model, optimiser, schedule, epoch, history, generator states).
        resume: continue from ``checkpoint`` if it exists: the result equals an
            uninterrupted run bit for bit.
        callbacks: ``callback(epoch, record)`` after every epoch; may add keys to the record.
        log: where the one-line epoch summaries go (None: silent).

    Returns:
        The :class:`History`, one record per epoch: epoch, lr, train_loss,
        train_accuracy, [val_loss, val_accuracy], seconds.

    Raises:
        DivergedError: the loss, the validation loss, a parameter or a buffer
            became NaN or infinite (the message says where, with the lr). It is
            checked before each checkpoint is written, so the checkpoint on disk
            always holds the last good epoch.
        NonFiniteInputError: a training batch holds NaN or infinity.
        ValueError: a loader yielded no samples.
    """
    keep_freed_memory()  # reuse each step's large arrays (memory.py); off with the env variable
    warn_if_slower_core()  # OpenBLAS on kernels older than the CPU (kernels/blas.py)
    loaders = {"train": train_loader, "val": val_loader}
    history, start = History(), 0
    if resume and checkpoint is not None and Path(checkpoint).exists():
        restored = load_checkpoint(checkpoint, model, optimizer, scheduler, loaders)
        start, history = restored["epoch"], History(restored["extra"].get("history", []))
        if log:
            log(f"resumed from {checkpoint} after epoch {start}")
    for epoch in range(start, epochs):
        began = time.perf_counter()
        lr = optimizer.param_groups[0]["lr"]
        train = train_one_epoch(
            model,
            train_loader,
            optimizer,
            loss_fn,
            progress,
            f"epoch {epoch + 1}/{epochs}",
            epoch + 1,
        )
        record: dict[str, Any] = {
            "epoch": epoch + 1,
            "lr": lr,
            "train_loss": train["loss"],
            "train_accuracy": train["accuracy"],
        }
        if val_loader is not None:
            val = evaluate(model, val_loader, loss_fn)
            record.update(val_loss=val["loss"], val_accuracy=val["accuracy"])
        _check_finite_after_epoch(model, record, epoch + 1, checkpoint)
        if scheduler is not None:
            scheduler.step()
        record["seconds"] = time.perf_counter() - began
        for callback in callbacks:
            callback(epoch + 1, record)
        history.append(record)
        if log:
            log(
                "  ".join(
                    f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v}"
                    for k, v in record.items()
                )
            )
        if checkpoint is not None:
            save_checkpoint(
                checkpoint,
                model,
                optimizer,
                scheduler,
                epoch + 1,
                loaders,
                {"history": history.epochs},
            )
    return history
