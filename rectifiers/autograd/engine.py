"""The backward pass: walk the graph from the output back to the leaves.

Each ``Function`` runs its backward once, after every gradient flowing into
its output has arrived (a function used twice receives two contributions
that are added first). The engine therefore

1. counts, for every function reachable from the output, how many consumers
   it has (``_count_consumers``, an explicit stack, no recursion: a network
   a thousand layers deep is fine), then
2. pops functions whose count has dropped to zero, runs their backward and
   hands each input's gradient along its edge: to ``tensor.grad`` for a leaf
   (a tensor the user created, e.g. a parameter), to the producing function
   otherwise.

Unless ``retain_graph=True``, each function drops what it saved as soon as
its backward has run, so memory is freed during the pass, and a second
backward through the same graph is an error rather than a wrong answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .function import Edge, Function
from .inplace import changes, check_saved_arrays

if TYPE_CHECKING:
    from .tensor import Tensor

FREED_GRAPH_MESSAGE = (
    "trying to backward through the graph a second time: its saved arrays were freed "
    "after the first backward. Pass retain_graph=True to the first backward() if you "
    "need to go through it again."
)


def backward(
    root: Tensor,
    grad: np.ndarray | None = None,
    retain_graph: bool = False,
    capture: dict[Any, np.ndarray | None] | None = None,
) -> None:
    """Accumulate d(root)/d(leaf) into ``leaf.grad`` for every leaf that requires grad.

    With ``capture`` (``autograd.grad``), no ``.grad`` is touched: the gradient
    reaching each key — a leaf tensor, or the Function that produced a
    non-leaf — is stored in ``capture`` instead. Hooks (``register_hook``) run
    on a tensor's gradient before it is accumulated, captured or passed on.
    """
    if not root.requires_grad:
        raise RuntimeError(
            "backward() called on a tensor that does not require grad: nothing in its "
            "history requires grad, or it was computed under no_grad()"
        )
    grad = _initial_grad(root, grad)
    if root.grad_fn is None:
        _deliver(root, grad, capture)
        return
    pending = _count_consumers(root.grad_fn)
    grads: dict[Function, np.ndarray] = {root.grad_fn: grad}
    ready = [root.grad_fn]
    while ready:
        fn = ready.pop()
        grad = grads.pop(fn, None)
        if grad is not None and fn.output_hooks:
            grad = _run_hooks(fn.output_hooks.values(), grad)
        if capture is not None and fn in capture and grad is not None:
            capture[fn] = grad if capture[fn] is None else capture[fn] + grad
        edges = fn.edges
        input_grads = _run_backward(fn, grad) if grad is not None else (None,) * len(edges)
        for edge, input_grad in zip(edges, input_grads):
            if edge is None:
                continue
            target = edge.target
            is_leaf = not isinstance(target, Function)
            if input_grad is not None:
                input_grad = _checked(fn, edge, input_grad)
                if is_leaf:
                    if capture is None and not target._hooks:  # the usual case, inlined
                        target._accumulate_grad(input_grad)
                    else:
                        _deliver(target, input_grad, capture)
                elif target in grads:
                    grads[target] = grads[target] + input_grad
                else:
                    grads[target] = input_grad
            if not is_leaf:
                pending[target] -= 1
                if pending[target] == 0:
                    ready.append(target)
        if not retain_graph:
            fn.release()


def _deliver(leaf: Tensor, grad: np.ndarray, capture: dict | None) -> None:
    """A leaf's gradient: through its hooks, then into ``.grad`` (or into ``capture``)."""
    if leaf._hooks:
        grad = _run_hooks(leaf._hooks.values(), grad)
    if capture is None:
        leaf._accumulate_grad(grad)
    elif leaf in capture:
        capture[leaf] = grad.copy() if capture[leaf] is None else capture[leaf] + grad


def _run_hooks(hooks: Any, grad: np.ndarray) -> np.ndarray:
    from .tensor import Tensor

    for hook in list(hooks):
        replaced = hook(Tensor._wrap(grad))
        if replaced is not None:
            new = np.asarray(getattr(replaced, "data", replaced))
            if new.shape != grad.shape:
                raise RuntimeError(
                    f"a hook returned a gradient of shape {new.shape}, expected {grad.shape}"
                )
            grad = new.astype(grad.dtype, copy=False)
    return grad


def _initial_grad(root: Tensor, grad: np.ndarray | None) -> np.ndarray:
    if grad is None:
        if root.data.size != 1:
            raise RuntimeError(
                f"backward() without a gradient needs a single-element output, got shape "
                f"{root.shape}; pass grad= with the same shape (e.g. ones for a sum)"
            )
        return np.ones_like(root.data)
    grad = np.asarray(getattr(grad, "data", grad), dtype=root.dtype)
    if grad.shape != root.shape:
        raise ValueError(f"backward(): grad has shape {grad.shape}, the output has {root.shape}")
    return grad


def _count_consumers(root_fn: Function) -> dict[Function, int]:
    """For each function reachable from ``root_fn``: how many graph edges lead into its output."""
    pending = {root_fn: 0}
    stack = [root_fn]
    while stack:
        fn = stack.pop()
        if fn.released:
            raise RuntimeError(FREED_GRAPH_MESSAGE)
        for edge in fn.edges:
            producer = edge.target if edge is not None else None
            if not isinstance(producer, Function):
                continue
            if producer not in pending:
                pending[producer] = 0
                stack.append(producer)
            pending[producer] += 1
    return pending


def _run_backward(fn: Function, grad: np.ndarray) -> tuple:
    if changes[0] != fn.recorded_at:  # something was changed in place since the forward
        check_saved_arrays(fn)
    retained = getattr(fn, "retained_output", None)
    if retained is not None and retained() is not None:
        retained()._accumulate_grad(grad)
    input_grads = fn.backward(grad)
    if not isinstance(input_grads, tuple):
        input_grads = (input_grads,)
    if len(input_grads) != len(fn.edges):
        raise RuntimeError(
            f"{type(fn).__name__}.backward returned {len(input_grads)} gradients "
            f"for {len(fn.edges)} inputs"
        )
    return input_grads


def _checked(fn: Function, edge: Edge, grad: np.ndarray) -> np.ndarray:
    """Catch a wrong gradient shape here, where the culprit can still be named."""
    if grad.shape != edge.shape:
        raise RuntimeError(
            f"{type(fn).__name__}.backward returned a gradient of shape {grad.shape} "
            f"for an input of shape {edge.shape}"
        )
    if grad.dtype != edge.dtype:
        grad = grad.astype(edge.dtype)
    return grad
