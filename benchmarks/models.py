"""The benchmark networks, built twice: with rectifiers and with torch (same layers, same order).

NET-S: [conv3×3 3→32, BN, act, conv3×3 32→32, BN, act, maxpool 2, conv3×3 32→64, BN, act,
        conv3×3 64→64, BN, act, maxpool 2, conv3×3 64→128, BN, act, global avg pool, linear 128→10]
NIN (Lin et al. 2013, the network of Xu et al.'s CIFAR experiments, no BN):
        conv5×5 192, 1×1 160, 1×1 96, maxpool 3/2, dropout,
        conv5×5 192, 1×1 192, 1×1 192, avgpool 3/2, dropout,
        conv3×3 192, 1×1 192, 1×1 10, global avg pool — an activation after every conv.
"""

from __future__ import annotations

from typing import Any


def _activation(lib: Any, name: str, channels: int) -> Any:
    nn = lib.nn
    if name == "relu":
        return nn.ReLU()
    if name == "prelu":
        return nn.PReLU(channels)
    if name == "rrelu":
        return nn.RReLU()
    raise ValueError(name)


def net_s(lib: Any, act: str) -> Any:
    nn = lib.nn
    layers: list[Any] = []
    plan = [(3, 32), (32, 32), "pool", (32, 64), (64, 64), "pool", (64, 128)]
    for item in plan:
        if item == "pool":
            layers.append(nn.MaxPool2d(2))
            continue
        c_in, c_out = item
        layers += [
            nn.Conv2d(c_in, c_out, 3, padding=1),
            nn.BatchNorm2d(c_out),
            _activation(lib, act, c_out),
        ]
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(128, 10)]
    return nn.Sequential(*layers)


def nin(lib: Any, act: str, num_classes: int = 10) -> Any:
    nn = lib.nn

    def block(c_in: int, c_out: int, k: int) -> list[Any]:
        return [nn.Conv2d(c_in, c_out, k, padding=k // 2), _activation(lib, act, c_out)]

    return nn.Sequential(
        *block(3, 192, 5), *block(192, 160, 1), *block(160, 96, 1),
        nn.MaxPool2d(3, stride=2, padding=1), nn.Dropout(0.5),
        *block(96, 192, 5), *block(192, 192, 1), *block(192, 192, 1),
        nn.AvgPool2d(3, stride=2, padding=1), nn.Dropout(0.5),
        *block(192, 192, 3), *block(192, 192, 1), *block(192, num_classes, 1),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(),
    )  # fmt: skip
