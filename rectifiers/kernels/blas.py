"""What the kernels need from the BLAS library behind NumPy: its kernel set and its threads.

**Which kernels.** Most of a training step is GEMMs (``conv.py``), and
OpenBLAS picks its GEMM kernels for the CPU when it is loaded, before any
Python code of ours runs: from the CPU it detects, or from the environment
variable ``OPENBLAS_CORETYPE``. Either can leave an AVX-512 CPU on the AVX2
("Haswell") kernels, at half the speed: some OpenBLAS builds take a Zen 5 for
a Haswell (OpenBLAS issue #6029, fixed in #6033), and some machines set
``OPENBLAS_CORETYPE=Haswell`` on purpose (older builds computed wrong results
on newer CPUs). On a 2-core Zen 5, float32 GEMM 2048³: Haswell kernels 227–229
GFLOP/s, SkylakeX (AVX-512) kernels 444–456. :func:`kernel_report` says which
set runs and whether a faster one exists; :func:`warn_if_slower_core`, called by
``fit``, warns when OpenBLAS chose the slower set by itself (never when
``OPENBLAS_CORETYPE`` is set: that choice is the user's). The variable must be
set before Python starts, so the library cannot change it for you.

**How many threads.** A convolution is many GEMMs, one per block of images,
each after an im2col copy. Giving each of two Python threads half the blocks —
copy and GEMM, the GEMM on one BLAS thread — parallelises the copies too, and
leaves no BLAS worker spinning on a core after its GEMM while the next
elementwise pass wants that core. Measured on a 2-core AMD EPYC (Zen 5), conv
32→32 3×3 @32, batch 128, forward: one GEMM on 2 BLAS threads per block 19.1 ms;
2 Python threads × 1 BLAS thread 14.9 ms; 2 Python threads × 2 BLAS threads
22.0 ms (oversubscribed). So :func:`one_blas_thread` switches the BLAS library
to one thread for such a region, and back after.

OpenBLAS (NumPy's wheels, conda, Linux distributions) exposes both controls,
found among the libraries this process has loaded. Where there is none (MKL,
Accelerate, a static build), ``controllable`` is False, :func:`core_name` is None,
and the kernels leave GEMMs to the BLAS library's own threads.
"""

from __future__ import annotations

import ctypes
import os
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

# OpenBLAS's entry points, under the names its builds give them
_PREFIXES = ("scipy_openblas", "openblas")
_SUFFIXES = ("64_", "")
# The instructions OpenBLAS's SkylakeX kernels use (AVX-512 F, CD, BW, DQ, VL)
_AVX512_FLAGS = frozenset({"avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"})
# OpenBLAS's kernel sets written for AVX-512, as openblas_get_corename names them
_AVX512_CORES = frozenset({"skylakex", "cooperlake", "sapphirerapids"})


class PerformanceWarning(UserWarning):
    """The library runs correctly but slower than this machine allows; the message says how to fix it."""


class _OpenBLAS(NamedTuple):
    get_threads: Callable[[], int]
    set_threads: Callable[[int], None]
    corename: Callable[[], bytes] | None  # (older builds may lack it)


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


def _find_openblas() -> _OpenBLAS | None:
    """OpenBLAS's thread count (get, set) and kernel name, or None when no OpenBLAS is loaded."""
    import numpy as np  # noqa: F401  (loads NumPy's BLAS, if that has not happened yet)

    for path in _loaded_libraries():
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix in _PREFIXES:
            for suffix in _SUFFIXES:
                getter, setter, corename = (
                    getattr(library, f"{prefix}_{call}{suffix}", None)
                    for call in ("get_num_threads", "set_num_threads", "get_corename")
                )
                if getter is not None and setter is not None:
                    getter.restype, setter.argtypes = ctypes.c_int, [ctypes.c_int]
                    if corename is not None:
                        corename.restype = ctypes.c_char_p
                    return _OpenBLAS(getter, setter, corename)
    return None


_OPENBLAS = _find_openblas()
controllable = _OPENBLAS is not None


def core_name() -> str | None:
    """The kernel set OpenBLAS chose for this CPU ("Haswell", "SkylakeX", …); None without OpenBLAS."""
    if _OPENBLAS is None or _OPENBLAS.corename is None:
        return None
    return _OPENBLAS.corename().decode()


def cpu_flags() -> frozenset[str]:
    """The instruction-set flags Linux reports for this CPU; empty where it reports none."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:  # not Linux
        return frozenset()
    for line in text.splitlines():
        if line.startswith("flags"):
            return frozenset(line.partition(":")[2].split())
    return frozenset()


def faster_core(core: str | None, flags: frozenset[str]) -> str | None:
    """The ``OPENBLAS_CORETYPE`` that would give faster GEMMs than ``core`` on a CPU with ``flags``.

    None when OpenBLAS already uses AVX-512 kernels, the CPU has no AVX-512, or
    there is no OpenBLAS.

    >>> zen5 = frozenset({"avx2", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"})
    >>> faster_core("Haswell", zen5), faster_core("SkylakeX", zen5), faster_core("Haswell", {"avx2"})
    ('SkylakeX', None, None)
    """
    if core is None or core.lower() in _AVX512_CORES or not _AVX512_FLAGS <= flags:
        return None
    return "SkylakeX"


def warn_if_slower_core() -> bool:
    """Warn (once per call site) when OpenBLAS runs slower kernels than this CPU could; True if it did.

    Silent when ``OPENBLAS_CORETYPE`` is set: the choice is then the user's.
    """
    if "OPENBLAS_CORETYPE" in os.environ:
        return False
    faster = faster_core(core_name(), cpu_flags())
    if faster is None:
        return False
    warnings.warn(
        f"OpenBLAS uses its {core_name()} kernels on this CPU, which has AVX-512: GEMMs (most "
        f"of a training step) can run about 2x faster. Start Python with "
        f"OPENBLAS_CORETYPE={faster} in the environment (set it to any value to silence "
        f"this); docs/performance.md has the measurements.",
        PerformanceWarning,
        stacklevel=3,
    )
    return True


def kernel_report() -> str:
    """One line: which GEMM kernels OpenBLAS runs, who chose them, and whether this CPU has faster ones.

    >>> kernel_report().startswith(("OpenBLAS", "no OpenBLAS"))
    True
    """
    core = core_name()
    if core is None:
        return "no OpenBLAS found (another BLAS runs the GEMMs)"
    chosen = os.environ.get("OPENBLAS_CORETYPE")
    who = f"OPENBLAS_CORETYPE={chosen} in the environment" if chosen else "detected"
    faster = faster_core(core, cpu_flags())
    if faster is None:
        return f"OpenBLAS {core} kernels ({who})"
    return f"OpenBLAS {core} kernels ({who}); this CPU can run the faster {faster} kernels"


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run the block with BLAS on one thread (when it can be told so); restore it after."""
    if _OPENBLAS is None:
        yield
        return
    before = _OPENBLAS.get_threads()
    _OPENBLAS.set_threads(1)
    try:
        yield
    finally:
        _OPENBLAS.set_threads(before)
