"""Memory layout and blocking: everything the fast kernels know about memory, in one place.

The reference kernels at the top of each kernel file ignore all of this; the
fast ones call these helpers, so that the layout and cache tricks are written
once and tested once. Four ideas:

* **Channels-last memory.** A convolution writes its output as NHWC memory and
  hands back an NCHW-*shaped* view of it (see ``conv.py``). Per-channel work
  (batch norm, PReLU) then walks a *channel view*: the (M, C) matrix of the
  M = N·H·W positions, folded to (M/r, r·C) so NumPy's inner loops run over
  long rows. A C-ordered NCHW array is walked as (N, C, H·W) instead.
* **Blocks.** A kernel that needs several passes over an array runs them one
  cache-sized block (a slice along axis 0) at a time: the block is read from
  main memory once and the later passes find it in cache.
* **Layout-preserving buffers.** Zeros and padded copies are made in the
  layout of the array they belong to, so no pass changes layout by accident.
* **Threads.** The blocks of a pass are independent, and NumPy releases the GIL
  inside its loops, so ``map_blocks`` shares them out over the cores; results
  come back in block order, so the numbers do not depend on the thread count.

Every tuning constant the kernels use lives here, derived from the machine at
import (below); the tests patch them to exercise many blocks, fold factors and
threads on small arrays.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import EllipsisType
from typing import Any

import numpy as np

# --- the machine: where the tuning constants come from --------------------------------
# The project moves between machine types, so no constant below is fitted to one:
# each is derived from the machine (its L2 cache, its cores) at import, and any can
# be set with an environment variable (RECTIFIERS_CHUNK_BYTES, RECTIFIERS_IM2COL_BYTES,
# RECTIFIERS_THREADS) or by assigning the module attribute, as the tests do.
# docs/performance.md has the measurements behind each rule.


def l2_cache_bytes() -> int:
    """One core's L2 cache in bytes: from Linux's sysfs, else ``sysconf``, else 1 MiB."""
    for index in sorted(Path("/sys/devices/system/cpu/cpu0/cache").glob("index*")):
        try:
            if (index / "level").read_text().strip() == "2":
                return parse_size((index / "size").read_text())
        except (OSError, ValueError):
            break
    try:
        size = os.sysconf("SC_LEVEL2_CACHE_SIZE")
    except (ValueError, OSError, AttributeError):
        size = 0
    return size if size > 0 else 1 << 20


def parse_size(text: str) -> int:
    """'1024K' → 1048576, '2M' → 2097152, '512' → 512 (sysfs's way of writing cache sizes).

    >>> parse_size("1024K"), parse_size("2M")
    (1048576, 2097152)
    """
    text = text.strip().upper()
    scale = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(text[-1:], 1)
    return int(text.rstrip("KMG")) * scale


def available_cores() -> int:
    """Cores this process may run on, capped by the thread limit it was started with
    (``OMP_NUM_THREADS``/``OPENBLAS_NUM_THREADS``, as a sweep's workers are)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        value = os.environ.get(variable, "")
        if value.isdigit() and int(value) > 0:
            cores = min(cores, int(value))
    return max(1, cores)


def setting(name: str, default: int) -> int:
    """``RECTIFIERS_<name>`` from the environment when set (a positive int), else ``default``."""
    value = os.environ.get(f"RECTIFIERS_{name}", "")
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"RECTIFIERS_{name} must be a positive integer, got {value!r}")
    return int(value)


L2_BYTES = l2_cache_bytes()

# Bytes of one block of the multi-pass kernels: one core's L2, so the later passes
# over a block find it in cache. (Blocks of 1 MiB took the PReLU forward of a
# 128×64×32×32 channels-last array from 25 to 17 ms and its backward from 44 to
# 21 ms on a 2 MiB-L2 Intel core. On a 1 MiB-L2 AMD Zen 5, NET-S step with two
# threads: L2/4 205 ms, L2/2 190–197, L2 186–190, 2·L2 187–194.)
CHUNK_BYTES = setting("CHUNK_BYTES", L2_BYTES)

# Values per row of a folded channel view, at least. NumPy's per-call cost in
# the column reductions was paid per row of C (32–128) values; with rows of
# r·C ≥ 2048 the channel sums of a 128×32×32×32 array went from 2.2 to 0.6 ms.
FOLDED_ROW = 2048

# Bytes of the buffer that holds a few images' im2col rows at a time (one per
# thread): the copy lands in cache and the GEMM reads it from there. The forward
# ran 1.2–1.8× faster than with one whole (N·Ho·Wo, kh·kw·C) matrix for 32–128
# channels. On the 1 MiB-L2 Zen 5, NET-S step, two threads: L2 200–214 ms,
# 2·L2 202–209, 4·L2 216, 8·L2 235–242.
IM2COL_CHUNK_BYTES = setting("IM2COL_BYTES", 2 * L2_BYTES)

# Threads for the elementwise passes: NumPy's ufuncs release the GIL, so the
# blocks of one pass can be shared out over the cores (``map_blocks``).
THREADS = setting("THREADS", available_cores())
# Below this size a pass is not split: a thread hand-off costs tens of µs.
PARALLEL_BYTES = 1 << 20


# --- the layout of an (N, C, *spatial) array ------------------------------------------


def is_channels_last(x: np.ndarray) -> bool:
    """True when the channel axis (1) is the innermost in memory, as for a conv output.

    >>> x = np.zeros((2, 3, 4, 5))
    >>> is_channels_last(x), is_channels_last(np.zeros((2, 4, 5, 3)).transpose(0, 3, 1, 2))
    (False, True)
    """
    return x.ndim > 2 and x.shape[1] > 1 and np.moveaxis(x, 1, -1).flags.c_contiguous


def zeros(shape: tuple[int, ...], dtype: np.dtype, channels_last: bool) -> np.ndarray:
    """Zeros of NCHW ``shape``, lying channels-last in memory when asked."""
    if not channels_last:
        return np.zeros(shape, dtype=dtype)
    n, c, *spatial = shape
    return np.moveaxis(np.zeros((n, *spatial, c), dtype=dtype), -1, 1)


def pad_nhwc(x_nhwc: np.ndarray, padding, fill: float = 0.0) -> np.ndarray:
    """Pad H and W of an (N, H, W, C) array; the array itself when there is no padding."""
    (top, bottom), (left, right) = padding
    if top == bottom == left == right == 0:
        return x_nhwc
    n, h, w, c = x_nhwc.shape
    padded = np.empty((n, h + top + bottom, w + left + right, c), dtype=x_nhwc.dtype)

    def block(images: slice) -> None:  # the border filled, the inside copied, a block at a time
        out = padded[images]
        out[:, :top], out[:, top + h :] = fill, fill
        out[:, top : top + h, :left], out[:, top : top + h, left + w :] = fill, fill
        out[:, top : top + h, left : left + w] = x_nhwc[images]

    map_blocks(padded, block)
    return padded


def pad_nchw(x: np.ndarray, padding, fill: float = 0.0) -> np.ndarray:
    """Pad H and W of an (N, C, H, W) array with ``fill``, keeping x's memory layout."""
    (top, bottom), (left, right) = padding
    if top == bottom == left == right == 0:
        return x
    n, c, h, w = x.shape
    padded = np.full_like(x, fill, shape=(n, c, h + top + bottom, w + left + right))
    padded[:, :, top : top + h, left : left + w] = x
    return padded


def crop(x: np.ndarray, padding, h: int, w: int, channels_last: bool) -> np.ndarray:
    """Undo padding: the inner h×w part of a padded image, (N, H, W, C) or (N, C, H, W)."""
    (top, _), (left, _) = padding
    if channels_last:
        return x[:, top : top + h, left : left + w, :]
    return x[:, :, top : top + h, left : left + w]


# --- channel views: one number per channel, sums over everything else -----------------


def channel_view(x: np.ndarray, channels_last: bool) -> np.ndarray:
    """(N, C, *spatial) → (M/r, r·C) if ``channels_last`` else (N, C, S), S = H·W.

    A view when x lies in that layout in memory; a copy otherwise. Row i of
    the channels-last view holds r consecutive positions of all C channels.
    """
    n, c = x.shape[:2]
    if not channels_last:
        return x.reshape(n, c, -1)
    rows = np.moveaxis(x, 1, -1).reshape(-1, c)
    return rows.reshape(-1, fold_factor(len(rows), c) * c)


def fold_factor(m: int, c: int) -> int:
    """A divisor r of M with r·C ≥ FOLDED_ROW (close to it), all M rows if fewer, else 1."""
    smallest = max(1, -(-FOLDED_ROW // c))
    if m <= smallest:
        return max(1, m)
    for r in range(smallest, min(m, 4 * smallest) + 1):
        if m % r == 0:
            return r
    return 1  # no divisor near: M has large prime factors; unfolded is still correct


def from_channel_view(y: np.ndarray, shape: tuple[int, ...], channels_last: bool) -> np.ndarray:
    """Undo ``channel_view``: an array of ``shape`` sharing y's memory."""
    if not channels_last:
        return y.reshape(shape)
    n, c, *spatial = shape
    return np.moveaxis(y.reshape(n, *spatial, c), -1, 1)


def broadcast_channels(v: np.ndarray, view: np.ndarray) -> np.ndarray:
    """A (C,) vector shaped to broadcast against a channel view (tiled r times for a folded one)."""
    if view.ndim == 3:
        return v[:, None]
    return np.tile(v, view.shape[1] // v.size)


def channel_sum(a: np.ndarray, b: np.ndarray | None = None, *, channels: int) -> np.ndarray:
    """Σ a (or Σ a·b) over everything but the channel: shape (C,).

    ``channels`` (C) is needed for a folded (M/r, r·C) view, whose column
    sums are then added up r at a time.
    """
    if a.ndim == 3:
        return a.sum(axis=(0, 2)) if b is None else np.einsum("acs,acs->c", a, b)
    columns = a.sum(axis=0) if b is None else np.einsum("ac,ac->c", a, b)
    # r partial sums per channel, added in float64: in float32 a large mean would
    # cost the sum its low digits
    return columns.reshape(-1, channels).sum(axis=0, dtype=np.float64).astype(a.dtype)


def column_sums(matrix: np.ndarray) -> np.ndarray:
    """Σ over the rows of an (M, C) matrix, through a folded (M/r, r·C) view: shape (C,).

    NumPy's own ``matrix.sum(axis=0)`` adds one short row at a time; folded,
    the same sum of a 131072×32 float32 matrix took 0.24 ms instead of 1.9.
    """
    m, c = matrix.shape
    folded = matrix.reshape(-1, fold_factor(m, c) * c)
    return channel_sum(folded, channels=c)


# --- blocks ---------------------------------------------------------------------------


def chunks(a: np.ndarray) -> Iterator[slice | EllipsisType]:
    """Slices along axis 0 covering about ``CHUNK_BYTES`` of ``a`` each (at least one row).

    Axis-0 slices are contiguous in memory for NCHW and channels-last arrays
    alike. A 0-d array has no axis 0: it is one block, indexed by ``...``.

    >>> [s for s in chunks(np.zeros((3, 1 << 18), np.float32))]  # 1 MiB rows: one per block
    [slice(0, 1, None), slice(1, 2, None), slice(2, 3, None)]
    """
    if a.ndim == 0:
        yield ...
        return
    step = max(1, CHUNK_BYTES // max(1, a[:1].nbytes))
    for start in range(0, len(a), step):
        yield slice(start, start + step)


def map_blocks(a: np.ndarray, work: Callable[[Any], Any]) -> list[Any]:
    """``[work(rows) for rows in chunks(a)]``, the blocks shared out over ``THREADS`` threads.

    The results come back in block order, so a sum of them is the same whatever
    the thread count. ``work`` must only touch its own rows of any output (the
    blocks run at the same time). Small arrays are not split.

    >>> a = np.arange(12.0).reshape(6, 2)
    >>> sum(map_blocks(a, lambda rows: float(a[rows].sum())))
    66.0
    """
    blocks = list(chunks(a))
    if a.nbytes < PARALLEL_BYTES:
        return [work(rows) for rows in blocks]
    return share_out(blocks, lambda run: [work(rows) for rows in run])


def share_out(items: list[Any], work_on_run: Callable[[list[Any]], list[Any]]) -> list[Any]:
    """Split ``items`` into ``THREADS`` contiguous runs, call ``work_on_run`` on each at the same
    time (the first run in this thread), and return their results joined in item order."""
    threads = min(THREADS, len(items))
    if threads < 2:
        return work_on_run(items)
    share = -(-len(items) // threads)
    runs = [items[i : i + share] for i in range(0, len(items), share)]
    pool = _thread_pool(len(runs) - 1)
    futures = [pool.submit(work_on_run, run) for run in runs[1:]]
    results = work_on_run(runs[0])
    for future in futures:
        results += future.result()
    return results


_pools: dict[int, ThreadPoolExecutor] = {}
# A forked child (a DataLoader worker) inherits the pools but not their threads:
# it starts its own on first use.
if hasattr(os, "register_at_fork"):  # POSIX; elsewhere there is no fork
    os.register_at_fork(after_in_child=_pools.clear)


def _thread_pool(workers: int) -> ThreadPoolExecutor:
    """A pool of ``workers`` helper threads, made once per size and kept."""
    if workers not in _pools:
        _pools[workers] = ThreadPoolExecutor(workers, thread_name_prefix="rectifiers-kernel")
    return _pools[workers]


def images_per_im2col_block(images: int, bytes_per_image: int) -> int:
    """How many images' im2col rows fit the ``IM2COL_CHUNK_BYTES`` buffer (at least one)."""
    return max(1, min(images, IM2COL_CHUNK_BYTES // max(1, bytes_per_image)))
