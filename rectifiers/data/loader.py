"""``DataLoader``: mini-batches of float32 NCHW images from an in-memory dataset.

The dataset's uint8 images stay as they are (one copy of the dataset); each
batch is gathered, converted to float32 in [0, 1] and transformed as a whole
array (one batch in flight). One ``numpy.random.Generator`` drives both the
shuffling and the random augmentation, so saving its state in a checkpoint is
enough to resume the exact same stream of batches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from ..autograd.tensor import Tensor
from ..checks import check_int
from ..random import resolve_generator


class ArrayDataset:
    """A dataset from two arrays: images (N, C, H, W) (uint8 or float) and integer targets (N,)."""

    def __init__(
        self, data: np.ndarray, targets: np.ndarray, classes: list[str] | None = None
    ) -> None:
        data, targets = np.asarray(data), np.asarray(targets)
        if len(data) != len(targets):
            raise ValueError(f"ArrayDataset: {len(data)} images but {len(targets)} targets")
        if targets.dtype.kind not in "iu":
            raise TypeError(f"ArrayDataset: targets must be integers, got dtype {targets.dtype}")
        self.data, self.targets = data, targets.astype(np.int64)
        self.classes = classes or [
            str(c) for c in range(int(targets.max()) + 1 if len(targets) else 0)
        ]

    def __len__(self) -> int:
        return len(self.targets)

    def __getitem__(self, index: int) -> tuple[np.ndarray, int]:
        return self.data[index], int(self.targets[index])


def subset(dataset: Any, count: int, generator: np.random.Generator | None = None) -> ArrayDataset:
    """The first ``count`` items (a random ``count`` with a generator), as an ArrayDataset."""
    order = np.arange(len(dataset)) if generator is None else generator.permutation(len(dataset))
    index = np.sort(order[:count])
    return ArrayDataset(
        dataset.data[index], dataset.targets[index], getattr(dataset, "classes", None)
    )


class DataLoader:
    """Iterate over (images, labels) batches: a float32 (B, C, H, W) Tensor and an int64 (B,) Tensor.

    Args:
        dataset: anything with ``data`` (N, C, H, W) and ``targets`` (N,) arrays
            (CIFAR10, CIFAR100, ArrayDataset, SyntheticImages).
        batch_size: images per batch.
        shuffle: a new random order every epoch.
        drop_last: skip a final batch smaller than ``batch_size``.
        transform: ``transform(batch, rng) -> batch`` on float32 arrays (see
            ``rectifiers.data.transforms``).
        generator: drives shuffling and augmentation (default: the library's).

    uint8 images are scaled to [0, 1]; float images are only cast to float32.
    """

    def __init__(
        self,
        dataset: Any,
        batch_size: int = 128,
        shuffle: bool = False,
        drop_last: bool = False,
        transform: Callable[[np.ndarray, np.random.Generator], np.ndarray] | None = None,
        generator: np.random.Generator | None = None,
    ) -> None:
        if not hasattr(dataset, "data") or not hasattr(dataset, "targets"):
            raise TypeError(
                f"DataLoader needs a dataset with .data and .targets arrays, got {type(dataset).__name__}"
            )
        batch_size = check_int("DataLoader", "batch_size", batch_size)
        if len(dataset.data) != len(dataset.targets):
            raise ValueError(
                f"DataLoader: the dataset has {len(dataset.data)} images but "
                f"{len(dataset.targets)} targets"
            )
        self.dataset, self.batch_size, self.shuffle, self.drop_last = (
            dataset,
            batch_size,
            shuffle,
            drop_last,
        )
        self.transform = transform
        self.generator = resolve_generator(generator)

    def __len__(self) -> int:
        n = len(self.dataset.targets)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self) -> Iterator[tuple[Tensor, Tensor]]:
        n = len(self.dataset.targets)
        order = self.generator.permutation(n) if self.shuffle else np.arange(n)
        for batch in range(len(self)):
            index = order[batch * self.batch_size : (batch + 1) * self.batch_size]
            yield self._images(index), Tensor._wrap(self.dataset.targets[index].astype(np.int64))

    def _images(self, index: np.ndarray) -> Tensor:
        raw = self.dataset.data[index]
        images = raw.astype(np.float32)
        if raw.dtype == np.uint8:
            images *= np.float32(1 / 255)
        if self.transform is not None:
            images = self.transform(images, self.generator)
        return Tensor._wrap(np.ascontiguousarray(images, dtype=np.float32))
