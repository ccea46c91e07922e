"""Keep freed memory for reuse: the cheapest speed-up of NumPy training on Linux.

glibc's malloc hands every allocation above 128 KiB straight from the
operating system (``mmap``) and gives it back on ``free``. A training step
allocates the same large arrays every time (im2col matrices, activations,
gradients: tens of MB each), so each step touches fresh pages and the kernel
must zero and map every 4 KiB page again — for an im2col copy that doubles its
cost. Raising glibc's mmap and trim thresholds keeps freed blocks in the
process's heap, where the next step reuses them already mapped.

Measured on the NET-S training step (see ``benchmarks``): about 1.25× faster.
The process's resident memory then stays near its high-water mark instead of
shrinking between steps.

Importing rectifiers changes nothing: :func:`rectifiers.training.fit` switches
this on when training starts (so do the examples, through ``fit``, and the
benchmarks); call :func:`keep_freed_memory` yourself in a training loop of your
own. Set ``RECTIFIERS_KEEP_FREED_MEMORY=0`` to leave malloc's defaults alone
everywhere; on systems without glibc this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_THRESHOLD = 1 << 30  # 1 GiB: no array of a CIFAR training step is larger


def keep_freed_memory(enabled: bool | None = None) -> bool:
    """Ask glibc to keep freed blocks below 1 GiB for reuse; returns whether it took effect.

    ``enabled`` None: yes, unless the environment says ``RECTIFIERS_KEEP_FREED_MEMORY=0``.
    """
    if enabled is None:
        enabled = os.environ.get("RECTIFIERS_KEEP_FREED_MEMORY", "1") != "0"
    if not enabled:
        return False
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl, macOS, Windows)
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, _THRESHOLD)) and bool(
        mallopt(_M_TRIM_THRESHOLD, _THRESHOLD)
    )
