"""Run the benchmarks: ``python -m benchmarks [--threads 2] [--repeats 7] [--only conv]``.

Thread counts must be fixed before NumPy (OpenBLAS) and torch load, so this
entry point sets the environment first and imports the workloads after.
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
        "--repeats", type=int, default=7, help="timed repeats per workload (median reported)"
    )
    parser.add_argument("--only", nargs="*", default=None, help="run only these suites: conv, steps")
    parser.add_argument(
        "--out", default="benchmarks/results.json", help="where to write the JSON record"
    )
    args = parser.parse_args()
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)

    from .runner import run_suites  # imports numpy and torch after the variables are set

    run_suites(args.threads, args.repeats, args.only, args.out)


if __name__ == "__main__":
    main()
