"""ReLU: y = max(x, 0);  dL/dx = g where x > 0, else 0 (0 at x = 0 too, as PyTorch).

The reference is already fast: one NumPy pass each way. The only choice the
fast version makes is what to keep for the backward: the boolean mask x > 0
(1 byte per element) instead of x itself.
"""

from __future__ import annotations

import numpy as np


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
    return np.maximum(x, 0), x > 0


def relu_backward(grad: np.ndarray, positive: np.ndarray) -> np.ndarray:
    """dx = g where x > 0, else 0: equal to ``relu_backward_reference``."""
    return grad * positive
