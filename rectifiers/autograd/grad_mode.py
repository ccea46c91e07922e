"""Switching graph recording on and off.

While recording is off, operations compute their results but build no graph:
no backward function is attached and nothing is saved for a backward pass.
That is what evaluation loops and optimiser updates want: less memory, less
time, and parameters updated in place without the update itself becoming
part of the next step's graph.
"""

from __future__ import annotations

import contextlib

_grad_enabled = True


def is_grad_enabled() -> bool:
    """Whether operations currently record a graph for backward."""
    return _grad_enabled


def _set(mode: bool) -> bool:
    global _grad_enabled
    previous, _grad_enabled = _grad_enabled, bool(mode)
    return previous


class _GradMode(contextlib.ContextDecorator):
    """Base of the context managers below: set a mode on entry, restore on exit."""

    mode: bool

    def __enter__(self) -> None:
        self._previous = _set(self.mode)

    def __exit__(self, *exc_info: object) -> None:
        _set(self._previous)


class no_grad(_GradMode):
    """Context manager and decorator that turns graph recording off.

    Examples:
        >>> import rectifiers as rf
        >>> w = rf.ones(3, requires_grad=True)
        >>> with rf.no_grad():
        ...     y = w * 2
        >>> y.requires_grad
        False
    """

    mode = False


class enable_grad(_GradMode):
    """Context manager and decorator that turns graph recording back on."""

    mode = True


class set_grad_enabled:
    """Set graph recording on or off.

    Works as a plain call (``set_grad_enabled(False)`` switches recording off
    until switched back) and as a context manager that restores the mode that
    was in force before the call, as ``torch.set_grad_enabled`` does.
    """

    def __init__(self, mode: bool) -> None:
        self._previous = _set(mode)

    def __enter__(self) -> None:
        pass  # the mode was already set by __init__, so that the plain call works too

    def __exit__(self, *exc_info: object) -> None:
        _set(self._previous)
