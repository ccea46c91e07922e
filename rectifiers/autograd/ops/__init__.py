"""The differentiable operations, one ``Function`` subclass each, and their functional forms."""

from .elementwise import (
    abs,
    add,
    cast,
    div,
    exp,
    log,
    maximum,
    mul,
    neg,
    pow,
    sigmoid,
    sqrt,
    sub,
    tanh,
    where,
)
from .linalg import matmul
from .reductions import max, mean, min, sum
from .shape import (
    concatenate,
    flatten,
    getitem,
    permute,
    reshape,
    squeeze,
    stack,
    transpose,
    unsqueeze,
)

__all__ = [
    "abs", "add", "cast", "concatenate", "div", "exp", "flatten", "getitem", "log", "matmul",
    "max", "maximum", "mean", "min", "mul", "neg", "permute", "pow", "reshape", "sigmoid",
    "sqrt", "squeeze", "stack", "sub", "sum", "tanh", "transpose", "unsqueeze", "where",
]
