"""Benchmarks beside PyTorch CPU: ``python -m benchmarks [--threads 2] [--repeats 7] [--rounds 2] [--only conv steps elementwise]``.

Each library runs in its own worker processes (rectifiers and torch never share
a process), alternating in rounds so that machine drift hits both alike. Every
figure is a median over repeats (after warm-up), then over rounds; ± is half
the min–max spread. Ratios are speed ratios: above 1 means rectifiers is faster.
"""

from __future__ import annotations

import argparse
import os


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--threads", type=int, default=2, help="BLAS/OpenMP threads for both libraries"
    )
    parser.add_argument(
        "--repeats", type=int, default=7, help="timed repeats per workload in each process"
    )
    parser.add_argument(
        "--rounds", type=int, default=2, help="alternating worker rounds per library"
    )
    parser.add_argument(
        "--only",
        nargs="*",
        default=None,
        help="suites to run: conv, steps, elementwise, overhead, memory",
    )
    parser.add_argument(
        "--out", default="benchmarks/results.json", help="where to write the JSON record"
    )
    args = parser.parse_args()
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)

    from .runner import run_suites

    run_suites(args.threads, args.repeats, args.only, args.out, args.rounds)


if __name__ == "__main__":
    main()
