"""The tensor + reverse-mode autograd core.

* :class:`Tensor` (``tensor.py``) holds an array and its place in the graph,
* :class:`Function` (``function.py``) is one differentiable operation,
* ``engine.py`` runs the backward pass,
* ``ops/`` holds the operations (arithmetic, reductions, shapes, matmul),
* ``grad_mode.py`` switches recording off (``no_grad``),
* ``gradients.py`` returns gradients for chosen inputs (``grad``),
* ``inplace.py`` handles in-place operations and guards what a backward saved,
* ``gradcheck.py`` checks any backward against finite differences,
* ``drawing.py`` writes the graph behind a tensor as Graphviz DOT (``to_dot``).
"""

# tensor.py first: it defines Tensor and then loads ops/, which builds on function.py.
from .tensor import Tensor  # isort: skip
from .drawing import render_dot, to_dot
from .engine import backward
from .function import Function, unbroadcast
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .gradcheck import GradcheckError, gradcheck
from .gradients import grad

__all__ = [
    "Function",
    "GradcheckError",
    "Tensor",
    "backward",
    "enable_grad",
    "grad",
    "gradcheck",
    "is_grad_enabled",
    "no_grad",
    "render_dot",
    "set_grad_enabled",
    "to_dot",
    "unbroadcast",
]
