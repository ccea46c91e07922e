"""Every module in one namespace, as ``torch.nn``: ``import rectifiers.nn as nn``."""

from . import functional, init
from .activations import LeakyReLU, PReLU, ReLU, RReLU, build_activation
from .layers import (
    AdaptiveAvgPool2d,
    AvgPool2d,
    BatchNorm1d,
    BatchNorm2d,
    Conv2d,
    CrossEntropyLoss,
    Dropout,
    Flatten,
    Identity,
    Linear,
    MaxPool2d,
    Module,
    Parameter,
    Sequential,
)

__all__ = [
    "AdaptiveAvgPool2d",
    "AvgPool2d",
    "BatchNorm1d",
    "BatchNorm2d",
    "Conv2d",
    "CrossEntropyLoss",
    "Dropout",
    "Flatten",
    "Identity",
    "LeakyReLU",
    "Linear",
    "MaxPool2d",
    "Module",
    "PReLU",
    "Parameter",
    "RReLU",
    "ReLU",
    "Sequential",
    "build_activation",
    "functional",
    "init",
]
