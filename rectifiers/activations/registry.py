"""Pick a rectifier by name, for scripts and configuration files."""

from __future__ import annotations

from typing import Any

from ..layers.module import Module
from .leaky_relu import LeakyReLU
from .prelu import PReLU
from .relu import ReLU
from .rrelu import RReLU

ACTIVATIONS: dict[str, type[Module]] = {
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "prelu": PReLU,
    "rrelu": RReLU,
}


def build_activation(name: str, **kwargs: Any) -> Module:
    """A new activation module by name: "relu", "leaky_relu", "prelu" or "rrelu".

    Keyword arguments go to the class (e.g. ``negative_slope=0.2``,
    ``num_parameters=64``). Two extra keywords follow Xu et al.'s notation:
    ``divisor=`` for Leaky ReLU (slope 1/divisor) and ``parameterization="divisor"``
    for RReLU.

    Examples:
        >>> build_activation("leaky_relu", divisor=100)
        LeakyReLU(negative_slope=0.01)
    """
    key = name.lower().replace("-", "_")
    if key not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {sorted(ACTIVATIONS)}")
    if key == "leaky_relu" and "divisor" in kwargs:
        return LeakyReLU.from_divisor(kwargs.pop("divisor"), **kwargs)
    try:
        return ACTIVATIONS[key](**kwargs)
    except TypeError as error:
        raise TypeError(f"build_activation({name!r}): {error}") from None
