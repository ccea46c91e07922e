"""One BLAS thread while the kernels share GEMMs out over threads of their own.

A convolution is many GEMMs, one per block of images, each after an im2col
copy. Giving each of two Python threads half the blocks — copy and GEMM, the
GEMM on one BLAS thread — parallelises the copies too, and leaves no BLAS
worker spinning on a core after its GEMM while the next elementwise pass wants
that core. Measured on a 2-core AMD EPYC (Zen 5), conv 32→32 3×3 @32, batch 128,
forward: one GEMM on 2 BLAS threads per block 19.1 ms; 2 Python threads × 1 BLAS
thread 14.9 ms; 2 Python threads × 2 BLAS threads 22.0 ms (oversubscribed). So
the BLAS library is switched to one thread for the duration of such a region,
and back after.

OpenBLAS (NumPy's wheels, conda, Linux distributions) exposes
``openblas_set_num_threads``; it is found among the libraries this process has
loaded. Where there is none (MKL, Accelerate, a static build), ``controllable``
is False and the kernels leave GEMMs to the BLAS library's own threads.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

# OpenBLAS's entry points, under the names its builds give them
_PREFIXES = ("scipy_openblas", "openblas")
_SUFFIXES = ("64_", "")


def _loaded_libraries() -> list[str]:
    """Paths of the shared libraries this process has loaded whose name mentions BLAS."""
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:  # not Linux
        return []
    paths = {line.split()[-1] for line in maps.splitlines() if "blas" in line.lower()}
    # NumPy's own first: another package's BLAS (PyTorch's, say) is not the one our GEMMs use
    return sorted(
        (p for p in paths if p.startswith("/")), key=lambda p: ("numpy" not in p.lower(), p)
    )


def _find_controls() -> tuple[Callable[[], int], Callable[[int], None]] | None:
    """(get, set) of OpenBLAS's thread count, or None when no OpenBLAS is loaded."""
    import numpy as np  # noqa: F401  (loads NumPy's BLAS, if that has not happened yet)

    for path in _loaded_libraries():
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix in _PREFIXES:
            for suffix in _SUFFIXES:
                getter = getattr(library, f"{prefix}_get_num_threads{suffix}", None)
                setter = getattr(library, f"{prefix}_set_num_threads{suffix}", None)
                if getter is not None and setter is not None:
                    getter.restype, setter.argtypes = ctypes.c_int, [ctypes.c_int]
                    return getter, setter
    return None


_CONTROLS = _find_controls()
controllable = _CONTROLS is not None


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run the block with BLAS on one thread (when it can be told so); restore it after."""
    if _CONTROLS is None:
        yield
        return
    get, set_threads = _CONTROLS
    before = get()
    set_threads(1)
    try:
        yield
    finally:
        set_threads(before)
