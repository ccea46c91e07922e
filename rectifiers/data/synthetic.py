"""A synthetic stand-in for CIFAR: class-dependent patterns, learnable, generated offline.

Each class gets a smooth random colour template; an image is its class's
template, randomly shifted, with random contrast and pixel noise, stored as
uint8 (N, 3, size, size) like CIFAR. Good for tests, demos and runs without
the real data — and clearly not CIFAR: accuracy on it means nothing about
CIFAR.
"""

from __future__ import annotations

import numpy as np

from ..checks import check_int, check_number


class SyntheticImages:
    """A learnable synthetic image classification set (uint8 NCHW, like CIFAR).

    Args:
        n: number of images.
        num_classes: number of classes (each a different template).
        size: image height and width.
        noise: pixel-noise standard deviation, in units of the 0–255 range / 255.
        seed: fixes templates, labels and noise. Templates depend on the seed
            only, so a train and a test set with the same seed share classes
            while ``sample_seed`` draws different images.
    """

    def __init__(
        self,
        n: int = 1000,
        num_classes: int = 10,
        size: int = 32,
        noise: float = 0.15,
        seed: int = 0,
        sample_seed: int | None = None,
    ) -> None:
        n = check_int("SyntheticImages", "n", n, minimum=0)
        num_classes = check_int("SyntheticImages", "num_classes", num_classes)
        size = check_int("SyntheticImages", "size", size)
        noise = check_number("SyntheticImages", "noise", noise, 0.0)
        templates = self._templates(num_classes, size, np.random.default_rng(seed))
        rng = np.random.default_rng(seed + 1 if sample_seed is None else sample_seed)
        self.targets = rng.integers(0, num_classes, n).astype(np.int64)
        shifts = rng.integers(-2, 3, (n, 2))
        contrast = rng.uniform(0.6, 1.2, (n, 1, 1, 1))
        images = np.empty((n, 3, size, size))
        for i, (label, (dy, dx)) in enumerate(zip(self.targets, shifts)):
            images[i] = np.roll(templates[label], (dy, dx), axis=(1, 2))
        images = 0.5 + contrast * (images - 0.5) + rng.normal(0, noise, images.shape)
        self.data = (np.clip(images, 0, 1) * 255).round().astype(np.uint8)
        self.classes = [f"pattern_{c}" for c in range(num_classes)]

    @staticmethod
    def _templates(num_classes: int, size: int, rng: np.random.Generator) -> np.ndarray:
        coarse = rng.uniform(0, 1, (num_classes, 3, 4, 4))
        factor = -(-size // 4)
        smooth = coarse.repeat(factor, axis=2).repeat(factor, axis=3)[:, :, :size, :size]
        return smooth

    def __len__(self) -> int:
        return len(self.targets)

    def __getitem__(self, index: int) -> tuple[np.ndarray, int]:
        return self.data[index], int(self.targets[index])
