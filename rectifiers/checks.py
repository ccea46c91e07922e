"""Argument checks for constructors: a wrong value fails where it is given, with its name.

A bad argument that is only noticed deep inside a kernel surfaces as a
``ZeroDivisionError`` or a NumPy broadcasting error far from its cause
(``Conv2d(..., groups=0)``, ``Linear(0, 3)``). These helpers let every
public constructor say at once which argument is wrong and why. They import
nothing from the library, so any layer may use them.

Examples:
    >>> check_int("Linear", "in_features", 0)
    Traceback (most recent call last):
    ...
    ValueError: Linear: in_features must be an int ≥ 1, got 0
"""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import Any

import numpy as np


def check_int(where: str, name: str, value: Any, minimum: int = 1) -> int:
    """``value`` must be an int (not a bool or a float) of at least ``minimum``; returns it."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{where}: {name} must be an int, got {value!r}")
    if value < minimum:
        raise ValueError(f"{where}: {name} must be an int ≥ {minimum}, got {value}")
    return int(value)


def check_number(
    where: str,
    name: str,
    value: Any,
    low: float = -math.inf,
    high: float = math.inf,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """``value`` must be a finite real number between ``low`` and ``high``; returns it as float."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{where}: {name} must be a number, got {value!r}")
    above = low < value if low_open else low <= value
    below = value < high if high_open else value <= high
    if not (math.isfinite(value) and above and below):
        interval = f"{'(' if low_open else '['}{low}, {high}{')' if high_open or high == math.inf else ']'}"
        raise ValueError(f"{where}: {name} must be finite and in {interval}, got {value}")
    return float(value)


def check_bool(where: str, name: str, value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{where}: {name} must be True or False, got {value!r}")
    return bool(value)


def check_float_dtype(where: str, dtype: Any) -> np.dtype:
    """``dtype`` must name a floating-point NumPy dtype (parameters are learned in floats)."""
    try:
        resolved = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{where}: dtype must be a NumPy dtype, got {dtype!r}") from None
    if resolved.kind != "f":
        raise TypeError(f"{where}: dtype must be a floating-point type, got {resolved}")
    return resolved


def check_choice(where: str, name: str, value: Any, choices: Collection[Any]) -> Any:
    if value not in choices:
        raise ValueError(f"{where}: {name} must be one of {sorted(choices)}, got {value!r}")
    return value


def check_pair(where: str, name: str, value: Any, minimum: int = 1) -> tuple[int, int]:
    """An int or a pair of ints → (int, int), each at least ``minimum`` (kernel sizes, strides).

    >>> check_pair("Conv2d", "stride", 2), check_pair("Conv2d", "padding", (1, 0), minimum=0)
    ((2, 2), (1, 0))
    """
    values = (value, value) if isinstance(value, (int, np.integer)) else tuple(value)
    if len(values) != 2 or not all(isinstance(v, (int, np.integer)) for v in values):
        raise TypeError(f"{where}: {name} must be an int or a pair of ints, got {value!r}")
    if any(v < minimum for v in values):
        raise ValueError(f"{where}: {name} must be ≥ {minimum}, got {value!r}")
    return int(values[0]), int(values[1])
