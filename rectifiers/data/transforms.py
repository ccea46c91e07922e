"""Batch transforms: each maps a float32 (B, C, H, W) batch to a new one, vectorised.

Random transforms draw from the generator the :class:`DataLoader` passes in,
so one generator state (saved in checkpoints) fixes both the shuffling and
the augmentation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..autograd.tensor import Tensor
from ..checks import check_int, check_number

Batch = np.ndarray

CIFAR10_MEAN = (0.4914, 0.4822, 0.4465)
CIFAR10_STD = (0.2470, 0.2435, 0.2616)


class Compose:
    """Apply transforms in order: batch transforms ``t(batch, rng)``, or per-sample ones ``t(x)``."""

    def __init__(self, transforms: Sequence) -> None:
        self.transforms = list(transforms)

    def __call__(self, batch: Any, rng: np.random.Generator | None = None) -> Any:
        for transform in self.transforms:
            batch = transform(batch) if rng is None else transform(batch, rng)
        return batch

    def __repr__(self) -> str:
        return f"Compose({self.transforms})"


class Normalize:
    """Per-channel (x − mean) / std, with mean and std of length C.

    On a float32 (N, C, H, W) batch array (in place), or on one (C, H, W)
    sample — an array or a Tensor, e.g. after :class:`ToTensor`, as torchvision.
    """

    def __init__(self, mean: Sequence[float], std: Sequence[float]) -> None:
        self.mean = np.asarray(mean, np.float32).reshape(-1, 1, 1)
        self.std = np.asarray(std, np.float32).reshape(-1, 1, 1)
        if np.any(self.std <= 0):
            raise ValueError(f"Normalize: std must be positive, got {std}")

    def __call__(self, batch: Any, rng: np.random.Generator | None = None) -> Any:
        if isinstance(batch, Tensor):
            return Tensor._wrap(self(batch.data.copy()))
        if batch.ndim < 3 or batch.shape[-3] != len(self.mean):
            raise ValueError(
                f"Normalize: {len(self.mean)} channel statistics for an input of shape {batch.shape}"
            )
        batch -= self.mean
        batch /= self.std
        return batch

    def __repr__(self) -> str:
        return f"Normalize(mean={self.mean.ravel().tolist()}, std={self.std.ravel().tolist()})"


class ToTensor:
    """One image as a float32 (C, H, W) Tensor in [0, 1], as torchvision's ``ToTensor``.

    Takes an (H, W, C) uint8 array (a PIL image's layout: what a dataset with a
    per-sample transform hands over) and scales it by 1/255; float arrays are
    only transposed.

    Examples:
        >>> image = np.full((2, 2, 3), 255, dtype=np.uint8)
        >>> ToTensor()(image).shape
        (3, 2, 2)
    """

    def __call__(self, image: Any) -> Tensor:
        array = np.asarray(image)
        if array.ndim == 2:
            array = array[:, :, None]
        if array.ndim != 3:
            raise ValueError(f"ToTensor: expected an (H, W, C) image, got shape {array.shape}")
        chw = np.ascontiguousarray(array.transpose(2, 0, 1), dtype=np.float32)
        if array.dtype == np.uint8:
            chw *= np.float32(1 / 255)
        return Tensor._wrap(chw)

    def __repr__(self) -> str:
        return "ToTensor()"


class RandomCrop:
    """Zero-pad each image by ``padding`` and cut a random size×size crop (one offset per image).

    Vectorised: all images are padded at once, and the crop is a gather with
    per-image row and column offsets.
    """

    def __init__(self, size: int, padding: int = 4) -> None:
        self.size = check_int("RandomCrop", "size", size)
        self.padding = check_int("RandomCrop", "padding", padding, minimum=0)

    def __call__(self, batch: Batch, rng: np.random.Generator) -> Batch:
        n, c, h, w = batch.shape
        p, s = self.padding, self.size
        if s > h + 2 * p or s > w + 2 * p:
            raise ValueError(
                f"RandomCrop: crop {s} larger than the padded image {h + 2 * p}×{w + 2 * p}"
            )
        padded = np.zeros((n, c, h + 2 * p, w + 2 * p), dtype=batch.dtype)
        padded[:, :, p : p + h, p : p + w] = batch
        top = rng.integers(0, h + 2 * p - s + 1, n)
        left = rng.integers(0, w + 2 * p - s + 1, n)
        rows = (top[:, None] + np.arange(s))[:, None, :, None]  # (n, 1, s, 1)
        cols = (left[:, None] + np.arange(s))[:, None, None, :]  # (n, 1, 1, s)
        return padded[
            np.arange(n)[:, None, None, None], np.arange(c)[None, :, None, None], rows, cols
        ]

    def __repr__(self) -> str:
        return f"RandomCrop({self.size}, padding={self.padding})"


class RandomHorizontalFlip:
    """Mirror each image left–right with probability p."""

    def __init__(self, p: float = 0.5) -> None:
        self.p = check_number("RandomHorizontalFlip", "p", p, 0.0, 1.0)

    def __call__(self, batch: Batch, rng: np.random.Generator) -> Batch:
        flip = rng.random(len(batch)) < self.p
        batch[flip] = batch[flip, :, :, ::-1]
        return batch

    def __repr__(self) -> str:
        return f"RandomHorizontalFlip(p={self.p})"


class GCNZCA:
    """Global contrast normalisation then ZCA whitening, as in Network-in-Network-era papers.

    GCN: each image x (flattened, D = C·H·W values) becomes
        x ← s · (x − mean(x)) / max(√(λ + var(x)), ε)
    ZCA: with μ and covariance Σ = U diag(σ²) Uᵀ of the GCN'd *training* set,
        x ← (x − μ) U diag(1/√(σ² + ε_zca)) Uᵀ
    which decorrelates pixels while staying as close as possible to the image.
    Fit on the training set once (:meth:`fit`), then apply to every split.

    Args:
        scale: s (55 in Goodfellow et al.'s maxout/NIN pylearn2 pipeline).
        regularization: λ added to each image's variance (10 there).
        zca_epsilon: ε_zca added to the eigenvalues (0.01 there).
    """

    def __init__(
        self, scale: float = 55.0, regularization: float = 10.0, zca_epsilon: float = 0.01
    ) -> None:
        self.scale, self.regularization, self.zca_epsilon = scale, regularization, zca_epsilon
        self.mean: np.ndarray | None = None
        self.whitening: np.ndarray | None = None

    def _gcn(self, flat: np.ndarray) -> np.ndarray:
        flat = flat - flat.mean(axis=1, keepdims=True)
        norm = np.sqrt(self.regularization + flat.var(axis=1, keepdims=True))
        return self.scale * flat / np.maximum(norm, 1e-8)

    def fit(self, images: np.ndarray, chunk: int = 5000) -> GCNZCA:
        """Estimate μ and the whitening matrix from (N, C, H, W) training images (any dtype)."""
        n = len(images)
        d = int(np.prod(images.shape[1:]))
        total = np.zeros(d)
        scatter = np.zeros((d, d))
        for start in range(0, n, chunk):  # in chunks: never a float copy of the whole set
            block = self._gcn(images[start : start + chunk].reshape(-1, d).astype(np.float64))
            total += block.sum(axis=0)
            scatter += block.T @ block
        self.mean = total / n
        covariance = scatter / n - np.outer(self.mean, self.mean)
        eigenvalues, eigenvectors = np.linalg.eigh(covariance)
        inverse_sqrt = 1.0 / np.sqrt(np.maximum(eigenvalues, 0) + self.zca_epsilon)
        self.whitening = ((eigenvectors * inverse_sqrt) @ eigenvectors.T).astype(np.float32)
        self.mean = self.mean.astype(np.float32)
        return self

    def __call__(self, batch: Batch, rng: np.random.Generator) -> Batch:
        if self.whitening is None:
            raise RuntimeError(
                "GCNZCA must be fitted on the training images first: GCNZCA().fit(train.data)"
            )
        flat = self._gcn(batch.reshape(len(batch), -1))
        return ((flat - self.mean) @ self.whitening).reshape(batch.shape).astype(np.float32)

    def __repr__(self) -> str:
        return f"GCNZCA(scale={self.scale}, regularization={self.regularization}, zca_epsilon={self.zca_epsilon})"


__all__ = [
    "CIFAR10_MEAN",
    "CIFAR10_STD",
    "Compose",
    "GCNZCA",
    "Normalize",
    "RandomCrop",
    "RandomHorizontalFlip",
    "ToTensor",
]
