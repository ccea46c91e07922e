"""Training: ``fit``, ``train_one_epoch``, ``evaluate``, ``History``, and resumable checkpoints."""

from .checkpoint import load_checkpoint, save_checkpoint
from .errors import DivergedError, NonFiniteInputError
from .loop import History, evaluate, fit, train_one_epoch

__all__ = [
    "DivergedError",
    "History",
    "NonFiniteInputError",
    "evaluate",
    "fit",
    "load_checkpoint",
    "save_checkpoint",
    "train_one_epoch",
]
