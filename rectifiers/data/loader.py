"""``DataLoader``: mini-batches from a dataset, as ``torch.utils.data.DataLoader``.

Two ways to a batch:

* **array datasets** (CIFAR, ``ArrayDataset``, ``SyntheticImages``: whole
  ``data``/``targets`` arrays, no per-sample transform): the batch is gathered
  with one indexing operation, converted to float32 in [0, 1] and transformed
  as a whole array (``transform(batch, rng)``, ``transforms.py``);
* **any map-style dataset** (``__len__``, ``__getitem__``): samples are fetched
  one by one (with their own per-sample transform) and collated
  (``collate_fn``, by default :func:`~rectifiers.data.dataset.default_collate`).

One ``numpy.random.Generator`` drives the order and, through one seed per
batch drawn at the start of each epoch, the augmentation; so the batches are
the same whatever ``num_workers`` is, and saving the generator's state in a
checkpoint resumes the same stream. With ``num_workers > 0`` batches are
prepared in background processes (forked where the platform allows, so the
dataset is shared, not copied), up to ``prefetch_factor`` per worker ahead of
the training loop, and handed back in order.
"""

from __future__ import annotations

import multiprocessing
import queue
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np

from ..autograd.tensor import Tensor
from ..checks import check_bool, check_int, check_number
from ..random import resolve_generator
from .dataset import default_collate


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
    """Iterate over batches of a dataset, as ``torch.utils.data.DataLoader``.

    Args:
        dataset: a map-style dataset (``__len__``, ``__getitem__``); an array
            dataset (``data`` (N, C, H, W) and ``targets`` (N,)) takes the fast
            whole-batch path and yields a float32 (B, C, H, W) Tensor (uint8
            scaled to [0, 1]) and an int64 (B,) Tensor.
        batch_size: samples per batch (PyTorch's default, 1).
        shuffle: a new random order every epoch (not with ``sampler``).
        sampler: an iterable of indices giving the order instead.
        batch_sampler: an iterable of index lists, one per batch (then no
            batch_size, shuffle, sampler or drop_last).
        num_workers: background processes preparing batches (0: in this process).
        collate_fn: builds a batch from a list of samples (generic path).
        pin_memory: accepted for PyTorch code; nothing to pin on the CPU.
        drop_last: skip a final batch smaller than ``batch_size``.
        timeout: seconds to wait for a worker's batch (0: no limit).
        worker_init_fn: called as ``worker_init_fn(worker_id)`` in each worker.
        multiprocessing_context: "fork", "spawn" or "forkserver" (default: fork where available).
        generator: drives shuffling and augmentation (default: the library's).
        prefetch_factor: batches in flight per worker (default 2).
        persistent_workers: keep the workers between epochs.
        transform: (rectifiers) ``transform(batch, rng) -> batch`` on the float32
            batch array of an array dataset (``rectifiers.data.transforms``).
    """

    def __init__(
        self,
        dataset: Any,
        batch_size: int | None = 1,
        shuffle: bool | None = None,
        sampler: Iterable[int] | None = None,
        batch_sampler: Iterable[list[int]] | None = None,
        num_workers: int = 0,
        collate_fn: Callable[[list[Any]], Any] | None = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn: Callable[[int], None] | None = None,
        multiprocessing_context: Any = None,
        generator: np.random.Generator | None = None,
        *,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
        transform: Callable[[np.ndarray, np.random.Generator], np.ndarray] | None = None,
    ) -> None:
        if not (hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__")):
            raise TypeError(
                "DataLoader needs a dataset with __len__ and __getitem__ (or data and targets "
                f"arrays), got {type(dataset).__name__}"
            )
        self.dataset = dataset
        self.shuffle = bool(shuffle)
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    "DataLoader: batch_sampler excludes batch_size, shuffle, sampler and drop_last"
                )
            batch_size = None
        else:
            batch_size = check_int("DataLoader", "batch_size", batch_size)
        if sampler is not None and shuffle:
            raise ValueError("DataLoader: sampler and shuffle=True exclude each other")
        self.batch_size, self.sampler, self.batch_sampler = batch_size, sampler, batch_sampler
        self.num_workers = check_int("DataLoader", "num_workers", num_workers, minimum=0)
        self.collate_fn = collate_fn
        self.pin_memory = check_bool("DataLoader", "pin_memory", pin_memory)
        self.drop_last = check_bool("DataLoader", "drop_last", drop_last)
        self.timeout = check_number("DataLoader", "timeout", timeout, 0.0)
        self.worker_init_fn, self.multiprocessing_context = worker_init_fn, multiprocessing_context
        self.prefetch_factor = check_int(
            "DataLoader", "prefetch_factor", 2 if prefetch_factor is None else prefetch_factor
        )
        self.persistent_workers = check_bool("DataLoader", "persistent_workers", persistent_workers)
        self.transform = transform
        self.generator = resolve_generator(generator)
        self.array_path = _is_array_dataset(dataset) and collate_fn is None
        if self.array_path and len(dataset.data) != len(dataset.targets):
            raise ValueError(
                f"DataLoader: the dataset has {len(dataset.data)} images but "
                f"{len(dataset.targets)} targets"
            )
        if transform is not None and not self.array_path:
            raise ValueError(
                "DataLoader: transform= (a whole-batch transform) needs an array dataset; give "
                "the dataset a per-sample transform, or a collate_fn, instead"
            )
        self._pool: ProcessPoolExecutor | None = None

    def __len__(self) -> int:
        if self.batch_sampler is not None:
            return len(self.batch_sampler)  # type: ignore[arg-type]
        n = len(self.sampler) if self.sampler is not None else len(self.dataset)  # type: ignore[arg-type]
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def _batches(self) -> list[list[int]]:
        """This epoch's batches of indices (draws the order from the generator)."""
        if self.batch_sampler is not None:
            return [list(b) for b in self.batch_sampler]
        if self.sampler is not None:
            order = np.fromiter(self.sampler, dtype=np.int64)
        else:
            n = len(self.dataset)
            order = self.generator.permutation(n) if self.shuffle else np.arange(n)
        size = self.batch_size
        batches = [order[i : i + size] for i in range(0, len(order), size)]
        if self.drop_last and batches and len(batches[-1]) < size:
            batches.pop()
        return batches

    def __iter__(self) -> Iterator[Any]:
        batches = self._batches()
        seeds = (
            self.generator.integers(0, 2**63 - 1, len(batches))
            if self.transform
            else [None] * len(batches)
        )
        if self.num_workers == 0:
            for indices, seed in zip(batches, seeds):
                yield _wrap(make_batch(self, indices, seed))
            return
        yield from self._from_workers(batches, seeds)

    def _from_workers(self, batches: list, seeds: Any) -> Iterator[Any]:
        pool = self._pool or self._start_workers()
        pending: deque = deque()
        jobs = iter(zip(batches, seeds))
        try:
            for indices, seed in jobs:
                pending.append(pool.submit(_worker_batch, list(indices), seed))
                if len(pending) >= self.num_workers * self.prefetch_factor:
                    break
            while pending:
                batch = pending.popleft().result(timeout=self.timeout or None)
                for indices, seed in jobs:
                    pending.append(pool.submit(_worker_batch, list(indices), seed))
                    break
                yield _wrap(batch)
        finally:
            for future in pending:
                future.cancel()
            if not self.persistent_workers:
                self._stop_workers()

    def _start_workers(self) -> ProcessPoolExecutor:
        context = self.multiprocessing_context
        if context is None:
            methods = multiprocessing.get_all_start_methods()
            context = "fork" if "fork" in methods else methods[0]
        if isinstance(context, str):
            context = multiprocessing.get_context(context)
        ids = context.Queue()
        for worker_id in range(self.num_workers):
            ids.put(worker_id)
        self._pool = ProcessPoolExecutor(
            self.num_workers, mp_context=context, initializer=_init_worker, initargs=(self, ids)
        )
        return self._pool

    def _stop_workers(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_pool"] = None  # a worker gets the loader, not its pool
        return state

    def __del__(self) -> None:
        pool = self.__dict__.get("_pool")
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


def _is_array_dataset(dataset: Any) -> bool:
    return (
        isinstance(getattr(dataset, "data", None), np.ndarray)
        and isinstance(getattr(dataset, "targets", None), np.ndarray)
        and getattr(dataset, "transform", None) is None
        and getattr(dataset, "target_transform", None) is None
    )


def make_batch(loader: DataLoader, indices: Any, seed: Any) -> Any:
    """One batch as arrays (array path) or as collated samples (generic path)."""
    if not loader.array_path:
        collate = loader.collate_fn or default_collate
        return collate([loader.dataset[int(i)] for i in indices])
    dataset = loader.dataset
    index = np.asarray(indices)
    raw = dataset.data[index]
    images = raw.astype(np.float32)
    if raw.dtype == np.uint8:
        images *= np.float32(1 / 255)
    if loader.transform is not None:
        images = loader.transform(images, np.random.default_rng(seed))
    images = np.ascontiguousarray(images, dtype=np.float32)
    return _ArrayBatch((images, dataset.targets[index].astype(np.int64)))


class _ArrayBatch(tuple):
    """(images, labels) arrays from the array path, wrapped as Tensors in the main process."""


def _wrap(batch: Any) -> Any:
    if isinstance(batch, _ArrayBatch):
        return Tensor._wrap(batch[0]), Tensor._wrap(batch[1])
    return batch


_worker_loader: DataLoader | None = None


def _init_worker(loader: DataLoader, ids: Any) -> None:
    global _worker_loader
    _worker_loader = loader
    if loader.worker_init_fn is not None:
        try:
            worker_id = ids.get(timeout=10)
        except queue.Empty:
            worker_id = -1
        loader.worker_init_fn(worker_id)


def _worker_batch(indices: list[int], seed: Any) -> Any:
    return make_batch(_worker_loader, indices, seed)
