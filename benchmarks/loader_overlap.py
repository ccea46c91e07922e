"""Does preparing batches in background workers pay? ``python -m benchmarks.loader_overlap``.

Trains the NET-S network on CIFAR-shaped uint8 images with the examples'
augmentation (random crop with 4-pixel padding, horizontal flip, normalisation)
for ``--steps`` steps per measurement, with ``num_workers`` 0, 1 and 2, the
settings taking turns over ``--rounds`` rounds (so a slow stretch of the machine
hits all of them); prints images per second (median over rounds) and the
speed-up over ``num_workers=0``.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from . import models


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, nargs="*", default=[0, 1, 2])
    args = parser.parse_args()
    import rectifiers as rf
    from rectifiers.data import transforms as T

    rng = np.random.default_rng(0)
    n = 128 * args.steps
    dataset = rf.data.ArrayDataset(
        rng.integers(0, 256, (n, 3, 32, 32), dtype=np.uint8), rng.integers(0, 10, n)
    )
    augment = T.Compose([T.RandomCrop(32, 4), T.RandomHorizontalFlip(),
                         T.Normalize(T.CIFAR10_MEAN, T.CIFAR10_STD)])  # fmt: skip
    model = models.net_s(rf, "relu")
    opt = rf.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    rates: dict[int, list[float]] = {w: [] for w in args.workers}
    for _ in range(args.rounds):
        for workers in args.workers:
            loader = rf.data.DataLoader(dataset, batch_size=128, shuffle=True, num_workers=workers,
                                        transform=augment, generator=np.random.default_rng(1))  # fmt: skip
            began = time.perf_counter()
            for images, labels in loader:
                opt.zero_grad()
                rf.functional.cross_entropy(model(images), labels).backward()
                opt.step()
            rates[workers].append(n / (time.perf_counter() - began))
    base = statistics.median(rates[args.workers[0]])
    print(
        f"NET-S training with augmentation, {args.steps} steps of 128 images, {args.rounds} rounds"
    )
    print("| num_workers | img/s (median) | min–max | vs num_workers=0 |")
    print("|---|---|---|---|")
    for workers, values in rates.items():
        median = statistics.median(values)
        print(
            f"| {workers} | {median:.0f} | {min(values):.0f}–{max(values):.0f} | {median / base:.2f}× |"
        )


if __name__ == "__main__":
    main()
