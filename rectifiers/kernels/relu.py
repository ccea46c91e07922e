"""ReLU: y = max(x, 0);  dL/dx = g where x > 0, else 0 (0 at x = 0 too, as PyTorch).

The reference is already nearly the fast version: one NumPy pass each way. The
fast one keeps the boolean mask x > 0 (1 byte per element) for the backward
instead of x, and shares the blocks of each pass out over the cores
(``_layout.map_blocks``).
"""

from __future__ import annotations

import numpy as np

from ._layout import map_blocks


def relu_reference(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0)


def relu_backward_reference(grad: np.ndarray, x: np.ndarray) -> np.ndarray:
    return grad * (x > 0)


# --- fast -----------------------------------------------------------------------------


def relu_forward(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """y = max(x, 0); returns (y, mask x > 0), the mask being all the backward needs.

    >>> y, positive = relu_forward(np.array([-1.0, 0.0, 2.0]))
    >>> y, positive
    (array([0., 0., 2.]), array([False, False,  True]))
    """
    y, positive = np.empty_like(x), np.empty_like(x, dtype=bool)

    def block(rows: slice) -> None:
        np.maximum(x[rows], 0, out=y[rows])
        np.greater(x[rows], 0, out=positive[rows])

    map_blocks(x, block)
    return y, positive


def relu_backward(grad: np.ndarray, positive: np.ndarray) -> np.ndarray:
    """dx = g where x > 0, else 0: equal to ``relu_backward_reference``."""
    dx = np.empty_like(grad)
    map_blocks(grad, lambda rows: np.multiply(grad[rows], positive[rows], out=dx[rows]))
    return dx
