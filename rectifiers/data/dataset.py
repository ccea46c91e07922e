"""Map-style datasets as ``torch.utils.data``: ``Dataset``, ``TensorDataset``, ``Subset``, ``random_split``.

A dataset is anything with ``__len__`` and ``__getitem__(i)`` returning one
sample (often an ``(input, target)`` pair). The ``DataLoader`` draws indices,
fetches the samples and collates them into batches (:func:`default_collate`).
The in-memory image sets (CIFAR, ``ArrayDataset``, ``SyntheticImages``) also
expose whole ``data``/``targets`` arrays, which lets the loader gather a
batch with one indexing operation instead of one call per sample.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..autograd.tensor import Tensor
from ..random import resolve_generator


class Dataset:
    """Base class of map-style datasets: implement ``__getitem__`` and ``__len__``."""

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} does not implement __getitem__")

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} does not implement __len__")


class TensorDataset(Dataset):
    """Samples are the i-th rows of the given tensors (or arrays), as ``torch.utils.data.TensorDataset``.

    Examples:
        >>> import rectifiers as rf
        >>> ds = TensorDataset(rf.ones(4, 2), rf.tensor([0, 1, 0, 1]))
        >>> len(ds), ds[1][1]
        (4, tensor(1))
    """

    def __init__(self, *tensors: Any) -> None:
        if not tensors:
            raise ValueError("TensorDataset needs at least one tensor")
        self.tensors = tuple(t if isinstance(t, Tensor) else Tensor(np.asarray(t)) for t in tensors)
        sizes = {len(t) for t in self.tensors}
        if len(sizes) != 1:
            raise ValueError(f"TensorDataset: tensors of different first sizes {sorted(sizes)}")

    def __getitem__(self, index: int) -> tuple[Tensor, ...]:
        return tuple(Tensor._wrap(t.data[index]) for t in self.tensors)

    def __len__(self) -> int:
        return len(self.tensors[0])


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``, as ``torch.utils.data.Subset``."""

    def __init__(self, dataset: Any, indices: Sequence[int]) -> None:
        self.dataset, self.indices = dataset, list(indices)

    def __getitem__(self, index: int) -> Any:
        return self.dataset[self.indices[index]]

    def __len__(self) -> int:
        return len(self.indices)


def random_split(
    dataset: Any,
    lengths: Sequence[int | float],
    generator: np.random.Generator | None = None,
) -> list[Subset]:
    """Split ``dataset`` into non-overlapping random subsets, as ``torch.utils.data.random_split``.

    ``lengths`` are counts summing to ``len(dataset)``, or fractions summing to
    1 (the remainder after flooring goes to the first subsets, one each).
    """
    n = len(dataset)
    if all(isinstance(x, float) for x in lengths) and math.isclose(sum(lengths), 1.0):
        counts = [int(math.floor(n * f)) for f in lengths]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
    else:
        counts = [int(x) for x in lengths]
    if sum(counts) != n or any(c < 0 for c in counts):
        raise ValueError(f"random_split: lengths {list(lengths)} do not add up to the {n} samples")
    order = resolve_generator(generator).permutation(n)
    starts = np.cumsum([0, *counts])
    return [Subset(dataset, order[a:b].tolist()) for a, b in zip(starts[:-1], starts[1:])]


def default_collate(samples: list[Any]) -> Any:
    """Stack a list of samples into a batch, as PyTorch's ``default_collate``.

    Tensors and arrays are stacked along a new first axis; Python numbers
    become a tensor (int64 or float32); tuples, lists and dicts are collated
    field by field; strings stay a list.
    """
    first = samples[0]
    if isinstance(first, Tensor):
        return Tensor._wrap(np.stack([s.data for s in samples]))
    if isinstance(first, np.ndarray):
        return Tensor._wrap(np.stack(samples))
    if isinstance(first, (bool, np.bool_)):
        return Tensor._wrap(np.asarray(samples, dtype=bool))
    if isinstance(first, (int, np.integer)):
        return Tensor._wrap(np.asarray(samples, dtype=np.int64))
    if isinstance(first, (float, np.floating)):
        return Tensor._wrap(np.asarray(samples, dtype=np.float32))
    if isinstance(first, str):
        return list(samples)
    if isinstance(first, dict):
        return {key: default_collate([s[key] for s in samples]) for key in first}
    if isinstance(first, (tuple, list)):
        if any(len(s) != len(first) for s in samples):
            raise ValueError("default_collate: samples have different numbers of fields")
        fields = [default_collate(list(field)) for field in zip(*samples)]
        return tuple(fields) if isinstance(first, tuple) else fields
    raise TypeError(f"default_collate: cannot batch samples of type {type(first).__name__}")
