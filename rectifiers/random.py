"""Random number generators: one explicit ``numpy.random.Generator`` per consumer.

Every function that draws random numbers (weight init, dropout, RReLU, data
shuffling and augmentation) takes a ``generator=`` argument. When none is
given it falls back to the library's default generator, which
:func:`manual_seed` re-seeds. Passing generators explicitly is what makes a
checkpointed run resume bit for bit: each generator's state can be saved.
"""

from __future__ import annotations

import numpy as np

_default_generator = np.random.default_rng(0)


def default_generator() -> np.random.Generator:
    """The generator used when a function is given neither ``generator`` nor ``seed``."""
    return _default_generator


def manual_seed(seed: int) -> np.random.Generator:
    """Re-seed the default generator (as ``torch.manual_seed``) and return it."""
    global _default_generator
    _default_generator = np.random.default_rng(seed)
    return _default_generator


def resolve_generator(
    generator: np.random.Generator | None = None, seed: int | None = None
) -> np.random.Generator:
    """Pick the generator to draw from: ``generator``, else a new one from ``seed``, else the default.

    Raises:
        ValueError: if both ``generator`` and ``seed`` are given.
        TypeError: if ``generator`` is not a ``numpy.random.Generator``.
    """
    if generator is not None and seed is not None:
        raise ValueError("pass either generator= or seed=, not both")
    if generator is not None:
        if not isinstance(generator, np.random.Generator):
            raise TypeError(
                f"generator must be a numpy.random.Generator, got {type(generator).__name__}"
            )
        return generator
    if seed is not None:
        return np.random.default_rng(seed)
    return _default_generator
