"""Quickstart: train a small conv–BN–PReLU network on synthetic images and watch the loss fall.

    python examples/quickstart.py

No download needed: the images are rectifiers' synthetic class patterns
(``rectifiers.data.SyntheticImages``), not CIFAR. The examples in this folder
run the papers' experiments on real CIFAR-10.
"""

from __future__ import annotations

import numpy as np

import rectifiers as rf
from rectifiers import data, nn, optim


def main() -> None:
    rf.manual_seed(0)
    train = data.SyntheticImages(2000, size=16, noise=0.35, seed=0)
    test = data.SyntheticImages(500, size=16, noise=0.35, seed=0, sample_seed=1)
    normalize = data.transforms.Normalize([0.5] * 3, [0.25] * 3)
    train_loader = data.DataLoader(
        train, 64, shuffle=True, transform=normalize, generator=np.random.default_rng(0)
    )
    test_loader = data.DataLoader(test, 250, transform=normalize)

    model = nn.Sequential(
        nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16), nn.PReLU(16), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.PReLU(32),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 10),
    )  # fmt: skip
    rf.init.init_model(model, "kaiming")  # He et al.'s init, a = 0.25 read from the PReLUs
    # PReLU slopes learn without weight decay (He et al. 2015)
    optimizer = optim.SGD(optim.param_groups_no_decay(model, 5e-4), lr=0.05, momentum=0.9)
    scheduler = optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=5)
    rf.training.fit(
        model, train_loader, optimizer, 5, scheduler, val_loader=test_loader, progress=False
    )
    slopes = model[2].weight.data
    low, high = slopes.min(), slopes.max()
    print(
        f"learned PReLU slopes, first layer: mean {slopes.mean():.3f}, range {low:.3f}..{high:.3f}"
    )


if __name__ == "__main__":
    main()
