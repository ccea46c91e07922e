"""Benchmarks beside PyTorch CPU: ``python -m benchmarks [--threads 2] [--repeats 7] [--rounds 2] [--only conv steps elementwise]``.

Each library runs in its own worker process (rectifiers and torch never share
a process); the two workers are timed in lockstep — one call of rectifiers,
one of torch, alternating — so every pair of timings is taken under the same
machine conditions. Figures are medians over all timed calls (after warm-up);
± is half the min–max spread; the speed ratio is the median over the pairs
(above 1: rectifiers is faster).
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
        "--repeats", type=int, default=7, help="timed pairs per workload in each round"
    )
    parser.add_argument(
        "--rounds", type=int, default=2, help="rounds, each with a fresh pair of worker processes"
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
    parser.add_argument(
        "--baseline",
        metavar="DIR",
        default=None,
        help="time this checkout against the rectifiers source tree in DIR (e.g. `git worktree "
        "add /tmp/base COMMIT`) instead of torch: a before/after comparison in lockstep",
    )
    args = parser.parse_args()
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)

    from .runner import run_suites

    run_suites(args.threads, args.repeats, args.only, args.out, args.rounds, args.baseline)


if __name__ == "__main__":
    main()
