"""The training loop the examples share: one epoch, evaluation, and ``fit`` with checkpoints."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..autograd.grad_mode import no_grad
from ..functional.loss import cross_entropy
from ..layers.module import Module
from .checkpoint import load_checkpoint, save_checkpoint
from .progress import Progress

LossFn = Callable[..., Any]


class History:
    """Per-epoch records (dicts of numbers), writable as JSON."""

    def __init__(self, epochs: list[dict[str, Any]] | None = None) -> None:
        self.epochs: list[dict[str, Any]] = list(epochs or [])

    def append(self, record: dict[str, Any]) -> None:
        self.epochs.append(record)

    def __getitem__(self, key: str) -> list[Any]:
        """All values of one metric, epoch by epoch: ``history["train_loss"]``."""
        return [record.get(key) for record in self.epochs]

    def __len__(self) -> int:
        return len(self.epochs)

    def to_json(self, path: str | os.PathLike | None = None) -> str:
        text = json.dumps({"epochs": self.epochs}, indent=2)
        if path is not None:
            Path(path).write_text(text)
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
) -> dict[str, float]:
    """One pass over ``loader``: forward, loss, backward, optimiser step per batch.

    Returns the mean loss and the accuracy over the epoch's samples.
    """
    model.train()
    total_loss, correct, seen = 0.0, 0, 0
    bar = Progress(loader, len(loader), description, progress)
    for images, labels in bar:
        optimizer.zero_grad()
        logits = model(images)
        loss = loss_fn(logits, labels)
        if not np.isfinite(loss.item()):
            bar.close()
            raise FloatingPointError(
                f"the loss became {loss.item()} after {seen} samples: lower the learning rate"
            )
        loss.backward()
        optimizer.step()
        n = len(labels)
        total_loss += loss.item() * n
        correct += int((logits.data.argmax(axis=1) == labels.data).sum())
        seen += n
        bar.update(loss=total_loss / seen, acc=correct / seen)
    bar.close()
    return {"loss": total_loss / max(seen, 1), "accuracy": correct / max(seen, 1)}


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
    return {"loss": total_loss / max(seen, 1), "accuracy": correct / max(seen, 1)}


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
    """
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
            model, train_loader, optimizer, loss_fn, progress, f"epoch {epoch + 1}/{epochs}"
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
