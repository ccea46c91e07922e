"""rectifiers: a pure-NumPy deep-learning micro-framework built around the rectifier family.

Layers of the package, each importing only from the ones above it:

    kernels/      NumPy forward/backward functions on arrays (no tensors)
    autograd/     Tensor, Function, the backward engine, no_grad, gradcheck
    functional    the kernels wrapped as differentiable functions
    layers/, activations/, init   modules with parameters
    optim/, data/, training       learning
"""

from . import (
    activations,
    autograd,
    data,
    diagnostics,
    functional,
    init,
    layers,
    memory,  # noqa: F401  (importing it raises malloc's thresholds, see memory.py)
    models,
    nn,
    optim,
    random,
    training,
)
from .autograd import Tensor, enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .autograd.ops import (
    abs,
    amax,
    amin,
    argmax,
    argmin,
    concatenate,
    exp,
    flatten,
    log,
    matmul,
    max,
    maximum,
    mean,
    min,
    minimum,
    permute,
    reshape,
    sigmoid,
    sqrt,
    squeeze,
    stack,
    sum,
    tanh,
    transpose,
    unsqueeze,
    where,
)
from .creation import arange, full, ones, ones_like, rand, randn, tensor, zeros, zeros_like
from .random import default_generator, manual_seed
from .serialization import CheckpointError, load, save

__version__ = "0.1.0"

__all__ = [
    "sum",
    "minimum",
    "min",
    "mean",
    "max",
    "argmin",
    "argmax",
    "amin",
    "amax",
    "CheckpointError",
    "Tensor",
    "abs",
    "activations",
    "arange",
    "autograd",
    "concatenate",
    "data",
    "default_generator",
    "diagnostics",
    "enable_grad",
    "exp",
    "flatten",
    "full",
    "functional",
    "init",
    "is_grad_enabled",
    "layers",
    "load",
    "log",
    "manual_seed",
    "matmul",
    "maximum",
    "models",
    "nn",
    "no_grad",
    "ones",
    "ones_like",
    "optim",
    "permute",
    "rand",
    "randn",
    "random",
    "reshape",
    "save",
    "set_grad_enabled",
    "sigmoid",
    "sqrt",
    "squeeze",
    "stack",
    "tanh",
    "tensor",
    "training",
    "transpose",
    "unsqueeze",
    "where",
    "zeros",
    "zeros_like",
]
