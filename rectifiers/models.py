"""Reference networks of the paper experiments, each built for any rectifier.

``activation`` is a name for :func:`rectifiers.activations.build_activation`
plus its keyword arguments, or a callable ``channels -> Module`` (PReLU needs
the channel count for its channel-wise form).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .activations import PReLU, build_activation
from .layers import (
    AdaptiveAvgPool2d,
    AvgPool2d,
    BatchNorm2d,
    Conv2d,
    Dropout,
    Flatten,
    Linear,
    MaxPool2d,
    Module,
    Sequential,
)

ActivationSpec = str | tuple[str, dict[str, Any]] | Callable[[int], Module]


def activation_factory(spec: ActivationSpec) -> Callable[[int], Module]:
    """Turn a spec into ``channels -> Module``; PReLU becomes channel-wise (He et al.'s default)."""
    if callable(spec):
        return spec
    name, kwargs = (spec, {}) if isinstance(spec, str) else spec

    def make(channels: int) -> Module:
        if name == "prelu" and "num_parameters" not in kwargs:
            return PReLU(channels, **kwargs)
        return build_activation(name, **kwargs)

    return make


def small_convnet(
    activation: ActivationSpec = "relu",
    num_classes: int = 10,
    width: int = 32,
    batch_norm: bool = False,
    dropout: float = 0.0,
) -> Sequential:
    """A 6-layer CIFAR net: [conv3×3 w, act, conv3×3 w, act, maxpool] ×2 (w, 2w), conv3×3 4w, act, GAP, linear.

    Sized for CPU sweeps over rectifiers; ``batch_norm`` adds BN after every conv.
    """
    act = activation_factory(activation)
    layers: list[Module] = []
    channels = 3
    plan = [width, width, "pool", 2 * width, 2 * width, "pool", 4 * width]
    for item in plan:
        if item == "pool":
            layers.append(MaxPool2d(2))
            if dropout:
                layers.append(Dropout(dropout))
            continue
        layers.append(Conv2d(channels, item, 3, padding=1, bias=not batch_norm))
        if batch_norm:
            layers.append(BatchNorm2d(item))
        layers.append(act(item))
        channels = item
    layers += [AdaptiveAvgPool2d(1), Flatten(), Linear(channels, num_classes)]
    return Sequential(*layers)


def nin(
    activation: ActivationSpec = "relu", num_classes: int = 10, dropout: float = 0.5
) -> Sequential:
    """Network in Network for CIFAR (Lin et al. 2013), the model of Xu et al.'s CIFAR experiments.

    conv5×5 192, 1×1 160, 1×1 96, maxpool 3/2, dropout,
    conv5×5 192, 1×1 192, 1×1 192, avgpool 3/2, dropout,
    conv3×3 192, 1×1 192, 1×1 classes, global average pool; an activation after
    every conv but the last, no BatchNorm.
    """
    act = activation_factory(activation)

    def block(c_in: int, c_out: int, k: int, activate: bool = True) -> list[Module]:
        return [Conv2d(c_in, c_out, k, padding=k // 2)] + ([act(c_out)] if activate else [])

    return Sequential(
        *block(3, 192, 5), *block(192, 160, 1), *block(160, 96, 1),
        MaxPool2d(3, stride=2, padding=1), Dropout(dropout),
        *block(96, 192, 5), *block(192, 192, 1), *block(192, 192, 1),
        AvgPool2d(3, stride=2, padding=1), Dropout(dropout),
        *block(192, 192, 3), *block(192, 192, 1), *block(192, num_classes, 1, activate=False),
        AdaptiveAvgPool2d(1), Flatten(),
    )  # fmt: skip


def plain_net(
    depth: int,
    activation: ActivationSpec = "relu",
    num_classes: int = 10,
    widths: tuple[int, int, int] = (16, 32, 64),
) -> Sequential:
    """A plain (no BatchNorm, no shortcuts) stack of ``depth`` weight layers, for He et al.'s Fig. 3 on CIFAR.

    depth − 1 conv3×3 layers in three stages of widths ``widths`` (2×2 max-pool
    between stages), then global average pooling and one linear layer. An
    activation follows every conv.
    """
    if depth < 4:
        raise ValueError(f"plain_net: depth must be at least 4, got {depth}")
    act = activation_factory(activation)
    convs = depth - 1
    per_stage = [convs // 3 + (1 if i < convs % 3 else 0) for i in range(3)]
    layers: list[Module] = []
    channels = 3
    for stage, (width, count) in enumerate(zip(widths, per_stage)):
        if stage:
            layers.append(MaxPool2d(2))
        for _ in range(count):
            layers += [Conv2d(channels, width, 3, padding=1), act(width)]
            channels = width
    layers += [AdaptiveAvgPool2d(1), Flatten(), Linear(channels, num_classes)]
    return Sequential(*layers)
