"""Memory layout and blocking: everything the fast kernels know about memory, in one place.

The reference kernels at the top of each kernel file ignore all of this; the
fast ones call these helpers, so that the layout and cache tricks are written
once and tested once. Three ideas:

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

Every tuning constant the kernels use lives here; the tests patch them to
exercise many blocks and fold factors on small arrays.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import EllipsisType

import numpy as np

# Bytes of one block of the multi-pass kernels: fits a core's L2 cache with room
# for the temporaries. For a 128×64×32×32 channels-last array on one thread this
# took the PReLU forward from 25 to 17 ms and its backward from 44 to 21 ms.
CHUNK_BYTES = 1 << 20

# Values per row of a folded channel view, at least. NumPy's per-call cost in
# the column reductions was paid per row of C (32–128) values; with rows of
# r·C ≥ 2048 the channel sums of a 128×32×32×32 array went from 2.2 to 0.6 ms.
FOLDED_ROW = 2048

# Bytes of the buffer that holds a few images' im2col rows at a time: the copy
# lands in cache and the GEMM reads it from there. The forward ran 1.2–1.8×
# faster than with one whole (N·Ho·Wo, kh·kw·C) matrix for 32–128 channels.
IM2COL_CHUNK_BYTES = 4 << 20


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
    padded = np.full((n, h + top + bottom, w + left + right, c), fill, dtype=x_nhwc.dtype)
    padded[:, top : top + h, left : left + w, :] = x_nhwc
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


def images_per_im2col_block(images: int, bytes_per_image: int) -> int:
    """How many images' im2col rows fit the ``IM2COL_CHUNK_BYTES`` buffer (at least one)."""
    return max(1, min(images, IM2COL_CHUNK_BYTES // max(1, bytes_per_image)))
