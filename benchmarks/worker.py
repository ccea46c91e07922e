"""One measuring process; the runner drives it over stdin/stdout.

    python -m benchmarks.worker numpy        the machine's GEMM and copy rates (one JSON line)
    python -m benchmarks.worker LIB memory   the memory suite's rows (one JSON line)
    python -m benchmarks.worker LIB SUITE    builds SUITE's workloads and prints their
        descriptions (one JSON line); then, for each line "i" read from stdin, runs
        workload i once and prints the seconds it took.

Thread variables are set by the parent before this process starts.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time

from . import workloads


def serve(rows: list[workloads.Workload]) -> None:
    print(json.dumps([row.meta for row in rows]), flush=True)
    for line in sys.stdin:
        run = rows[int(line)].run
        start = time.perf_counter()
        run()
        print(time.perf_counter() - start, flush=True)


def main() -> None:
    lib_name, suite = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else ""
    if lib_name == "numpy":
        from rectifiers.kernels.blas import kernel_report

        rates = {"gemm_gflops": workloads.gemm_rate(9), "copy_gbs": workloads.copy_bandwidth(9)}
        print(json.dumps({**rates, "blas": kernel_report()}))
        return
    source = os.environ.get("BENCHMARK_SOURCE")
    if source:  # another rectifiers tree (a baseline commit): import it instead of this one
        sys.path.insert(0, source)
    lib = importlib.import_module(lib_name)
    if lib_name == "torch":
        lib.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))
    else:  # as fit() does (older trees did it on import; calling again is harmless)
        lib.memory.keep_freed_memory()
    if suite == "memory":
        print(json.dumps(workloads.memory(lib)))
        return
    serve(getattr(workloads, suite)(lib))


if __name__ == "__main__":
    main()
