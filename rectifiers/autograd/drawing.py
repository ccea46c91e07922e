"""The backward graph, drawn: ``to_dot`` writes Graphviz DOT source, ``render_dot`` makes a picture.

The graph behind a tensor is what the engine walks: the output's ``grad_fn``,
each Function's ``edges`` to the Functions that produced its inputs, and the
leaves at the ends (parameters, inputs that require grad). ``to_dot`` walks
it the same way (an explicit stack, no recursion) and writes

* one box per Function: its class name and what it saved for the backward
  (each saved array's name and shape),
* one ellipse per leaf: its name (parameter names when a module is given),
  shape and ``requires_grad``,
* the output as a double ellipse,
* an arrow from each input to the Function that consumed it (the forward
  direction; the backward pass follows the arrows in reverse).

Producing the DOT text needs nothing; drawing it needs the ``graphviz`` Python
package and the Graphviz ``dot`` program (``pip install -e ".[graph]"`` and,
e.g., ``apt install graphviz``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .function import Function
from .tensor import Tensor


def to_dot(output: Tensor, names: Any = None) -> str:
    """Graphviz DOT source for the graph that computed ``output``.

    Args:
        output: a tensor with a graph (computed with recording on).
        names: a module (its ``named_parameters`` label the leaves), or a dict
            {name: tensor}; other leaves are labelled "leaf".

    Examples:
        >>> import rectifiers as rf
        >>> w = rf.ones(3, requires_grad=True)
        >>> dot = to_dot((w * 2).sum(), {"w": w})
        >>> "Sum" in dot and "Mul" in dot and '"w' in dot
        True
    """
    if not isinstance(output, Tensor):
        raise TypeError(f"to_dot: expected a Tensor, got {type(output).__name__}")
    labels = _leaf_names(names)
    lines = [
        "digraph backward {",
        '  graph [rankdir=TB, fontname="Helvetica"];',
        '  node [fontname="Helvetica", fontsize=10];',
        f'  output [label="output\\n{_shape(output.shape)}", shape=doublecircle];',
    ]
    if output.grad_fn is None:
        lines.append(f"  {_leaf_node(output, labels)}")
        lines.append(f"  {_id(output)} -> output;")
        return "\n".join(lines + ["}"])
    lines.append(f"  {_id(output.grad_fn)} -> output;")
    seen: set[int] = set()
    stack: list[Any] = [output.grad_fn]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, Tensor):
            lines.append(f"  {_leaf_node(node, labels)}")
            continue
        lines.append(f"  {_function_node(node)}")
        if node.released:
            continue  # its backward already ran: the rest of the graph is gone
        for edge in node.edges:
            if edge is not None:
                lines.append(f"  {_id(edge.target)} -> {_id(node)};")
                stack.append(edge.target)
    return "\n".join(lines + ["}"])


def render_dot(dot: str, path: str, format: str = "svg") -> str:
    """Draw DOT source to ``path`` (without extension) as ``format``; returns the file written."""
    try:
        import graphviz
    except ImportError:
        raise ImportError(
            "render_dot needs the graphviz package: pip install -e '.[graph]' (and the Graphviz "
            "program, e.g. apt install graphviz); to_dot's text needs nothing"
        ) from None
    try:
        return graphviz.Source(dot).render(path, format=format, cleanup=True)
    except graphviz.ExecutableNotFound:
        raise RuntimeError(
            "render_dot: the Graphviz 'dot' program is not installed (e.g. apt install graphviz, "
            "brew install graphviz)"
        ) from None


def _leaf_names(names: Any) -> dict[int, str]:
    if names is None:
        return {}
    items = names.named_parameters() if hasattr(names, "named_parameters") else names.items()
    return {id(tensor): name for name, tensor in items}


def _id(node: Any) -> str:
    return f"n{id(node)}"


def _shape(shape: tuple[int, ...]) -> str:
    return str(tuple(shape))


def _leaf_node(tensor: Tensor, labels: dict[int, str]) -> str:
    name = labels.get(id(tensor), "leaf")
    grad = "requires_grad" if tensor.requires_grad else "no grad"
    return (
        f'{_id(tensor)} [label="{name}\\n{_shape(tensor.shape)}\\n{grad}", '
        'shape=ellipse, style=filled, fillcolor="#dbeafe"];'
    )


def _function_node(function: Function) -> str:
    saved = []
    for key, value in vars(function).items():
        if key.startswith("_"):
            continue
        if isinstance(value, np.ndarray):
            saved.append(f"{key}: {_shape(value.shape)}")
        elif hasattr(value, "_fields"):  # a NamedTuple of saved arrays (the kernels' *Saved)
            saved += [
                f"{key}.{field}: {_shape(item.shape)}"
                for field, item in zip(value._fields, value)
                if isinstance(item, np.ndarray)
            ]
    body = "\\n".join([type(function).__name__, *saved])
    return f'{_id(function)} [label="{body}", shape=box, style=filled, fillcolor="#f3f4f6"];'
