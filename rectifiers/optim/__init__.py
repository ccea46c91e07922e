"""Optimisers (SGD, Adam, AdamW, RMSprop), learning-rate schedules, and weight-decay groups."""

from . import lr_scheduler
from .adam import Adam, AdamW
from .groups import param_groups_no_decay
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["SGD", "Adam", "AdamW", "Optimizer", "RMSprop", "lr_scheduler", "param_groups_no_decay"]
