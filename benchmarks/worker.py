"""One measuring process: ``python -m benchmarks.worker LIB SUITE REPEATS`` prints JSON.

Thread variables are set by the parent before this process starts.
"""

from __future__ import annotations

import importlib
import json
import os
import sys

from . import workloads


def main() -> None:
    lib_name, suite, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if lib_name == "numpy":
        result = {
            "gemm_gflops": workloads.gemm_rate(repeats),
            "copy_gbs": workloads.copy_bandwidth(repeats),
        }
    else:
        lib = importlib.import_module(lib_name)
        if lib_name == "torch":
            lib.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))
        result = getattr(workloads, suite)(lib, repeats)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
