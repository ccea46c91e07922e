"""Every module in one namespace, as ``torch.nn``: ``import rectifiers.nn as nn``.

``rectifiers.nn.functional``, ``rectifiers.nn.init`` and ``rectifiers.nn.utils`` are
importable as their PyTorch counterparts are (``import rectifiers.nn.functional as F``).
"""

from ..activations import LeakyReLU, PReLU, ReLU, RReLU, build_activation
from ..layers import (
    AdaptiveAvgPool2d,
    AvgPool2d,
    BatchNorm1d,
    BatchNorm2d,
    Conv2d,
    CrossEntropyLoss,
    Dropout,
    Dropout2d,
    Flatten,
    Identity,
    Linear,
    LogSoftmax,
    MaxPool2d,
    Module,
    ModuleDict,
    ModuleList,
    MSELoss,
    NLLLoss,
    Parameter,
    Sequential,
    Sigmoid,
    Softmax,
    Tanh,
)
from . import functional, init, utils

__all__ = [
    "AdaptiveAvgPool2d",
    "AvgPool2d",
    "BatchNorm1d",
    "BatchNorm2d",
    "Conv2d",
    "CrossEntropyLoss",
    "Dropout",
    "Dropout2d",
    "Flatten",
    "Identity",
    "LeakyReLU",
    "Linear",
    "LogSoftmax",
    "MSELoss",
    "MaxPool2d",
    "Module",
    "ModuleDict",
    "ModuleList",
    "NLLLoss",
    "PReLU",
    "Parameter",
    "RReLU",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Softmax",
    "Tanh",
    "build_activation",
    "functional",
    "init",
    "utils",
]
