"""``Function``: one differentiable operation, the unit the graph is made of.

A subclass implements two methods on plain NumPy arrays:

* ``forward(*arrays) -> array``: compute the output, and keep on ``self``
  whatever the backward will need (a mask, the output, an input's shape).
* ``backward(grad) -> array | tuple``: given dL/d(output), return dL/d(input)
  for each input, in order (``None`` for an input that needs none).

Calling a ``Function`` instance on tensors runs ``forward`` and, when graph
recording is on and some input requires a gradient, links the output to the
function (``output.grad_fn``) and the function to where each input's
gradient must go (``self.edges``): the function that produced the input, or
the input itself if it is a leaf (a tensor the user made, e.g. a parameter).
That link structure is the whole graph; the engine walks it backwards (see
``engine.py``).

The edges point to producers, not to the intermediate tensors: an
intermediate array stays alive only while something still needs it (a
later operation, or a backward that saved it), not for the whole pass.

Example (the square function)::

    class Square(Function):
        def forward(self, x):
            self.x = x
            return x * x

        def backward(self, grad):
            return 2 * self.x * grad
"""

from __future__ import annotations

import weakref
from typing import Any, NamedTuple

import numpy as np

from .grad_mode import is_grad_enabled
from .inplace import changes as _changes
from .tensor import Tensor


class Edge(NamedTuple):
    """Where an input's gradient goes: ``target`` is its producing Function, or the leaf Tensor."""

    target: Any
    shape: tuple[int, ...]
    dtype: np.dtype

    @staticmethod
    def to(tensor: Tensor) -> Edge:
        target = tensor if tensor.grad_fn is None else tensor.grad_fn
        return Edge(target, tensor.shape, tensor.dtype)


class Function:
    """Base class of differentiable operations (see the module docstring)."""

    #: Per input, where its gradient goes: an Edge, or None when it needs none.
    edges: tuple[Edge | None, ...] = ()
    #: For each input: does it need a gradient? Available inside ``forward``.
    needs_input_grad: tuple[bool, ...] = ()
    #: True once ``release`` has dropped what the forward saved.
    released: bool = False
    #: The in-place change count (inplace.py) when this function was recorded.
    recorded_at: int = 0
    #: Hooks registered on this function's output tensor (``Tensor.register_hook``).
    output_hooks: dict = {}  # (read-only default; registering gives the instance its own)

    def forward(self, *arrays: np.ndarray) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} does not implement forward")

    def backward(self, grad: np.ndarray) -> Any:
        raise NotImplementedError(f"{type(self).__name__} does not implement backward")

    def __call__(self, *inputs: Tensor) -> Tensor:
        try:
            self.needs_input_grad = tuple(t.requires_grad for t in inputs)
        except AttributeError:
            raise _not_tensors(self, inputs) from None
        record = is_grad_enabled() and any(self.needs_input_grad)
        result = self.forward(*(t.data for t in inputs))
        if type(result) is not np.ndarray:  # NumPy reductions give scalars; a tensor holds an array
            result = np.asarray(result)
        output = Tensor._wrap(result)
        if record:
            self.edges = tuple(Edge.to(t) if t.requires_grad else None for t in inputs)
            self.recorded_at = _changes[0]
            output._requires_grad = True
            output.grad_fn = self
        return output

    def release(self) -> None:
        """Drop the saved arrays and the edges (this part of the graph is freed)."""
        vars(self).clear()
        self.released = True

    def retain_output_grad(self, output: Tensor) -> None:
        """Ask the engine to store this function's output gradient in ``output.grad``."""
        self.retained_output = weakref.ref(output)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


def _not_tensors(function: Function, inputs: tuple) -> TypeError:
    kinds = ", ".join(type(t).__name__ for t in inputs)
    return TypeError(
        f"{type(function).__name__} takes Tensors, got ({kinds}); wrap arrays with rectifiers.tensor(x)"
    )


def unbroadcast(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum ``grad`` down to ``shape``: the backward of NumPy broadcasting.

    Broadcasting copies an input along new leading axes and along axes of
    size 1, so each copy's gradient must be added back together:
    ``grad`` of shape (2, 3, 4) reduces to (3, 1) by summing axis 0 and axis 2.
    """
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    axes = tuple(range(extra)) + tuple(
        extra + i for i, n in enumerate(shape) if n == 1 and grad.shape[extra + i] != 1
    )
    return grad.sum(axis=axes, keepdims=True).reshape(shape)
