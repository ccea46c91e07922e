"""``grad``: gradients of outputs with respect to chosen inputs, returned rather than accumulated."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .engine import backward
from .tensor import Tensor


def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Sequence[Tensor],
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool | None = None,
) -> tuple[Tensor | None, ...]:
    """d(outputs)/d(inputs) as a tuple, one per input, as ``torch.autograd.grad``.

    No ``.grad`` attribute is changed. ``inputs`` may be leaves or computed
    tensors; ``grad_outputs`` gives d(loss)/d(output) per output (may be
    omitted for single-element outputs). The graph is freed unless
    ``retain_graph=True``. An input the outputs do not depend on is an error
    unless ``allow_unused=True`` (then its gradient is None).

    Examples:
        >>> import rectifiers as rf
        >>> x = rf.tensor([1.0, 2.0], requires_grad=True)
        >>> (dx,) = rf.autograd.grad((x * x).sum(), x)
        >>> dx, x.grad
        (tensor([2., 4.]), None)
    """
    if create_graph:
        raise NotImplementedError(
            "grad(create_graph=True): higher-order gradients are not supported "
            "(backward functions work on arrays, not tensors)"
        )
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    if grad_outputs is None or isinstance(grad_outputs, Tensor):
        grad_outputs = [grad_outputs] * len(outputs) if grad_outputs is None else [grad_outputs]
    if len(grad_outputs) != len(outputs):
        raise ValueError(f"grad: {len(outputs)} outputs but {len(grad_outputs)} grad_outputs")
    for i, t in enumerate(inputs):
        if not isinstance(t, Tensor) or not t.requires_grad:
            raise RuntimeError(f"grad: input {i} is not a tensor that requires grad")
    keys = [t if t.grad_fn is None else t.grad_fn for t in inputs]
    capture: dict[Any, np.ndarray | None] = dict.fromkeys(keys)
    keep = bool(retain_graph)
    for i, (output, cotangent) in enumerate(zip(outputs, grad_outputs)):
        backward(output, cotangent, retain_graph=keep or i < len(outputs) - 1, capture=capture)
    results: list[Tensor | None] = []
    for i, key in enumerate(keys):
        found = capture[key]
        if found is None and not allow_unused:
            raise RuntimeError(
                f"grad: input {i} was not used to compute the outputs; pass allow_unused=True "
                "to get None for it"
            )
        results.append(None if found is None else Tensor._wrap(found.astype(inputs[i].dtype)))
    return tuple(results)
