"""What can stop a training run, told apart: a diverged run, or bad data."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ..autograd.tensor import Tensor


class DivergedError(FloatingPointError):
    """The run diverged: a loss, a parameter or a buffer became NaN or infinite.

    A ``FloatingPointError``, so ``except FloatingPointError`` catches it.
    """


class NonFiniteInputError(ValueError):
    """A batch of input data holds NaN or infinity: the data is bad, not the training."""


def non_finite_names(named_tensors: Iterable[tuple[str, Tensor]]) -> list[str]:
    """The names of the floating-point tensors that hold a NaN or an infinity."""
    return [
        name
        for name, tensor in named_tensors
        if tensor.dtype.kind == "f" and not np.isfinite(tensor.data).all()
    ]
