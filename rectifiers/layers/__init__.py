"""Layer modules (PyTorch's ``torch.nn`` names) and the ``Module`` base class."""

from .batchnorm import BatchNorm1d, BatchNorm2d
from .container import ModuleDict, ModuleList, Sequential
from .conv import Conv2d
from .elementwise import LogSoftmax, Sigmoid, Softmax, Tanh
from .linear import Linear
from .loss import CrossEntropyLoss, MSELoss, NLLLoss
from .misc import Dropout, Dropout2d, Flatten, Identity
from .module import Module, Parameter
from .pooling import AdaptiveAvgPool2d, AvgPool2d, MaxPool2d

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
    "Linear",
    "LogSoftmax",
    "MSELoss",
    "MaxPool2d",
    "Module",
    "ModuleDict",
    "ModuleList",
    "NLLLoss",
    "Parameter",
    "Sequential",
    "Sigmoid",
    "Softmax",
    "Tanh",
]
