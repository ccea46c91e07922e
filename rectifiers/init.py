"""Weight initialisation: Xavier (Glorot) and Kaiming (He), as ``torch.nn.init``.

Every function fills a tensor in place (no graph is recorded), returns it, and
takes an optional ``generator`` (a ``numpy.random.Generator``).

Why initialisation matters (He et al. 2015, Sec. 2.2). For a layer
y = W x with n = fan_in inputs per output, i.i.d. zero-mean weights and
x = f(y_prev),

    Var[y] = n · Var[w] · E[x²].

For a rectifier with negative slope a (ReLU: a = 0; PReLU initialised at 0.25;
Leaky ReLU 0.01) and y_prev symmetric around zero,

    E[x²] = ½ Var[y_prev] + ½ a² Var[y_prev] = ½ (1 + a²) Var[y_prev],

so the signal keeps its scale through every layer exactly when

    ½ (1 + a²) · n · Var[w] = 1,   i.e.   Var[w] = 2 / ((1 + a²) · fan_in).

The slope enters *squared* because the negative half is scaled by a before
squaring. Formulas written with (1 + a) instead are wrong for every a other
than 0 and 1: at a = 0.25 they make Var[w] 1.176× too small per layer, and
over 30 layers the signal shrinks by 1.176^-15 ≈ 0.09 in standard deviation.
The backward pass gives the same condition with fan_out (He et al. Eq. 14);
either choice keeps a deep net trainable.

Xavier/Glorot (2010) assumes a linear unit and averages the two fans:
Var[w] = 2 / (fan_in + fan_out). For a ReLU net that is about half of He's
variance, so activations shrink by ≈ 1/√2 per layer: a 30-layer plain net
starts with signals ~2¹⁵ times too small and does not train.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .autograd.tensor import Tensor
from .random import resolve_generator

Generator = np.random.Generator | None

_LINEAR_GAIN = (
    "linear",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "sigmoid",
)


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The factor by which ``nonlinearity`` needs the weight standard deviation scaled.

    ============================  =======================
    nonlinearity                  gain
    ============================  =======================
    linear, conv*, sigmoid        1
    tanh                          5/3
    relu                          √2
    leaky_relu (slope ``param``)  √(2 / (1 + param²))
    selu                          3/4
    ============================  =======================

    As in PyTorch, ``leaky_relu`` with ``param=None`` uses slope 0.01. PReLU
    and RReLU map to ``leaky_relu`` with their (initial / mean) slope.
    """
    if nonlinearity in _LINEAR_GAIN:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        if isinstance(slope, bool) or not isinstance(slope, (int, float)):
            raise ValueError(f"calculate_gain: negative slope {param!r} is not a number")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}")


def calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight.

    Linear weight (out, in): fan_in = in, fan_out = out. Conv weight
    (out, in/groups, kh, kw): fan_in = in/groups·kh·kw, fan_out = out·kh·kw.
    """
    if tensor.ndim < 2:
        raise ValueError(
            f"fan in and fan out need a tensor with at least 2 dimensions, got shape {tensor.shape}"
        )
    receptive_field = int(np.prod(tensor.shape[2:])) if tensor.ndim > 2 else 1
    return tensor.shape[1] * receptive_field, tensor.shape[0] * receptive_field


def _fan(tensor: Tensor, mode: str) -> int:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _fill(tensor: Tensor, values: np.ndarray) -> Tensor:
    if not isinstance(tensor, Tensor):
        raise TypeError(f"init functions fill a Tensor in place, got {type(tensor).__name__}")
    tensor.data[...] = values  # writes the array directly: no graph is recorded
    return tensor


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator: Generator = None) -> Tensor:
    """Fill with samples of U(a, b)."""
    rng = resolve_generator(generator)
    return _fill(tensor, rng.uniform(a, b, tensor.shape))


def normal_(
    tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator: Generator = None
) -> Tensor:
    """Fill with samples of N(mean, std²)."""
    rng = resolve_generator(generator)
    return _fill(tensor, rng.normal(mean, std, tensor.shape))


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with ``val``."""
    return _fill(tensor, val)


def zeros_(tensor: Tensor) -> Tensor:
    """Fill with 0."""
    return _fill(tensor, 0)


def ones_(tensor: Tensor) -> Tensor:
    """Fill with 1."""
    return _fill(tensor, 1)


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator: Generator = None) -> Tensor:
    """Glorot & Bengio (2010): U(−b, b) with b = gain·√(6 / (fan_in + fan_out)).

    The variance b²/3 = gain²·2/(fan_in + fan_out) averages the forward (fan_in)
    and backward (fan_out) conditions for a *linear* unit.
    """
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator: Generator = None) -> Tensor:
    """Glorot & Bengio (2010): N(0, std²) with std = gain·√(2 / (fan_in + fan_out))."""
    fan_in, fan_out = calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), generator)


def kaiming_uniform_(
    tensor: Tensor,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: Generator = None,
) -> Tensor:
    """He et al. (2015) with a uniform distribution: U(−b, b), b = √3 · gain / √fan.

    With ``nonlinearity="leaky_relu"`` and negative slope ``a`` the variance is
    b²/3 = 2 / ((1 + a²) · fan), He et al.'s Eq. 15 (see the module docstring).

    Args:
        a: the rectifier's negative slope (0 for ReLU, 0.25 for PReLU's initial value).
        mode: ``"fan_in"`` keeps the forward signal's variance, ``"fan_out"`` the gradient's.
        nonlinearity: ``"relu"`` or ``"leaky_relu"`` (or another name of :func:`calculate_gain`).
    """
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(
    tensor: Tensor,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: Generator = None,
) -> Tensor:
    """He et al. (2015): N(0, std²) with std = gain / √fan = √(2 / ((1 + a²) · fan)) for leaky_relu.

    Arguments as :func:`kaiming_uniform_`. This is the paper's own form (a
    zero-mean Gaussian, biases zero).
    """
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(tensor, mode))
    return normal_(tensor, 0.0, std, generator)


def default_uniform_(weight: Tensor, bias: Tensor | None, generator: Generator = None) -> None:
    """PyTorch's default Linear/Conv init: weight and bias from U(±1/√fan_in).

    (PyTorch writes it as ``kaiming_uniform_(w, a=√5)``, which gives the same bound.)
    Its variance 1/(3·fan_in) is a sixth of He's 2/fan_in: fine for shallow nets
    with BatchNorm, too small for deep plain rectifier nets. Paper reproductions
    call :func:`init_model` explicitly.
    """
    bound = 1.0 / math.sqrt(calculate_fan_in_and_fan_out(weight)[0])
    uniform_(weight, -bound, bound, generator)
    if bias is not None:
        uniform_(bias, -bound, bound, generator)


SCHEMES = ("kaiming_normal", "kaiming_uniform", "xavier_normal", "xavier_uniform", "default")


def init_model(
    model: Any,
    scheme: str = "kaiming_normal",
    a: float | None = None,
    mode: str = "fan_in",
    generator: Generator = None,
) -> Any:
    """Initialise every Linear and Conv2d weight of ``model`` for the rectifier that follows it.

    Biases are set to zero (He et al.), except for ``scheme="default"``, which
    restores PyTorch's default U(±1/√fan_in) for weights and biases.

    Args:
        model: a Module; every submodule with a ``weight`` of 2 or more
            dimensions (Linear, Conv2d) is initialised.
        scheme: "kaiming_normal" (alias "kaiming"), "kaiming_uniform",
            "xavier_normal", "xavier_uniform" (alias "xavier"), or "default".
        a: the negative slope for Kaiming, the same for every layer; None (the
            default) takes each layer's from the rectifier that follows it: the
            first module with an ``init_slope`` (ReLU 0, Leaky ReLU its slope,
            PReLU its initial slope, RReLU its evaluation slope) after the
            weight layer and before the next one, in registration order (a
            Sequential's forward order). A layer no rectifier follows (the
            classifier) takes the slope of the one before it; a net without
            rectifiers, 0.
        mode: "fan_in" or "fan_out" (Kaiming only).

    Examples:
        >>> import rectifiers as rf
        >>> net = rf.nn.Sequential(rf.nn.Linear(1000, 100), rf.nn.PReLU(), rf.nn.Linear(100, 2))
        >>> _ = init_model(net, "kaiming", generator=np.random.default_rng(0))  # a from the PReLU
        >>> round(float(net[0].weight.data.var()) * 1000, 2)  # Var·fan_in = 2/(1 + 0.25²) = 1.88
        1.88
    """
    scheme = {"kaiming": "kaiming_normal", "xavier": "xavier_uniform"}.get(scheme, scheme)
    if scheme not in SCHEMES:
        raise ValueError(f"init_model: scheme must be one of {SCHEMES}, got {scheme!r}")
    rng = resolve_generator(generator)
    slopes = following_slopes(model) if a is None else None
    for module in model.modules():
        weight = getattr(module, "weight", None)
        if not isinstance(weight, Tensor) or weight.ndim < 2:
            continue
        bias = getattr(module, "bias", None)
        slope = slopes[id(module)] if slopes is not None else a
        if scheme == "default":
            default_uniform_(weight, bias, rng)
            continue
        if scheme.startswith("kaiming"):
            fill = kaiming_normal_ if scheme == "kaiming_normal" else kaiming_uniform_
            fill(weight, a=slope, mode=mode, nonlinearity="leaky_relu", generator=rng)
        else:
            fill = xavier_normal_ if scheme == "xavier_normal" else xavier_uniform_
            fill(weight, generator=rng)
        if bias is not None:
            zeros_(bias)
    return model


def following_slopes(model: Any) -> dict[int, float]:
    """id(weight layer) → the ``init_slope`` of the rectifier that follows it (see ``init_model``)."""
    slopes: dict[int, float] = {}
    waiting: list[int] = []  # weight layers seen since the last rectifier
    last = 0.0
    for module in model.modules():
        weight = getattr(module, "weight", None)
        if isinstance(weight, Tensor) and weight.ndim >= 2:
            if waiting:  # the previous weight layer met no rectifier before this one
                slopes.update((layer, last) for layer in waiting)
            waiting = [id(module)]
        elif hasattr(module, "init_slope"):
            last = float(module.init_slope)
            slopes.update((layer, last) for layer in waiting)
            waiting = []
    slopes.update((layer, last) for layer in waiting)
    return slopes


__all__ = [
    "calculate_fan_in_and_fan_out",
    "calculate_gain",
    "constant_",
    "default_uniform_",
    "init_model",
    "kaiming_normal_",
    "kaiming_uniform_",
    "normal_",
    "ones_",
    "uniform_",
    "xavier_normal_",
    "xavier_uniform_",
    "zeros_",
]
