"""Single-thread GEMM rates at the shapes of NET-S's im2col blocks: ``python -m benchmarks.gemm_shapes``.

A convolution's time is mostly its GEMMs, and their rate depends on the
kernels OpenBLAS chose for the CPU (``rectifiers/kernels/blas.py``). Run it
once per setting to compare them, one process each, e.g.
``OPENBLAS_CORETYPE=Haswell python -m benchmarks.gemm_shapes`` beside
``OPENBLAS_CORETYPE=SkylakeX python -m benchmarks.gemm_shapes``.
"""

from __future__ import annotations

import functools

import numpy as np

from .timing import measure

# (rows, K, N) of one im2col block's forward GEMM: rows = images · Ho · Wo, K = 9 · C_in, N = C_out
SHAPES = [(8192, 288, 32), (4096, 576, 64), (1024, 576, 128)]


def single_thread_rates(repeats: int = 20) -> dict[str, float]:
    """GFLOP/s of ``cols @ weights`` per shape, median of ``repeats``, on one BLAS thread."""
    from rectifiers.kernels import blas

    rng = np.random.default_rng(0)
    rates = {}
    with blas.one_blas_thread():
        for rows, k, n in SHAPES:
            a = rng.standard_normal((rows, k), dtype=np.float32)
            b = rng.standard_normal((k, n), dtype=np.float32)
            out = np.empty((rows, n), dtype=np.float32)
            seconds = measure(functools.partial(np.matmul, a, b, out=out), repeats)["median_s"]
            rates[f"{rows} × {k} × {n}"] = 2 * rows * k * n / seconds / 1e9
    return rates


def main() -> None:
    from rectifiers.kernels.blas import kernel_report

    print(kernel_report())
    for shape, rate in single_thread_rates().items():
        print(f"{shape}: {rate:.0f} GFLOP/s (one thread)")


if __name__ == "__main__":
    main()
