"""Run each suite with rectifiers and torch in two worker processes, timed in lockstep.

The two workers live side by side but never run at once: the runner asks one
for a timed call, then the other, alternating (A B, B A, …). Every timing of
rectifiers thus has a torch timing taken a second or less away, and the
speed ratio is the median of these pairs — robust to the machine's slow
stretches, which last seconds to minutes and would otherwise fall on one
library's whole run and not the other's.
"""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

from .timing import spread
from .workloads import BATCH

SUITES = ("conv", "steps", "elementwise", "overhead", "memory")
WARMUP = 2


class Worker:
    """A ``benchmarks.worker`` process serving one library's workloads of one suite."""

    def __init__(self, lib: str, suite: str) -> None:
        self.process = subprocess.Popen(
            _command(lib, suite),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=_environment(lib),
        )
        self.rows = json.loads(self._read_line())

    def time(self, index: int) -> float:
        """Seconds one call of workload ``index`` took."""
        self.process.stdin.write(f"{index}\n")
        self.process.stdin.flush()
        return float(self._read_line())

    def close(self) -> None:
        """End the worker: it exits when its stdin closes (or is killed if it does not)."""
        try:
            self.process.stdin.close()
            self.process.wait(timeout=30)
        except (BrokenPipeError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()

    def _read_line(self) -> str:
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"benchmark worker {self.process.args[3:]} exited early")
        return line


def _command(lib: str, suite: str) -> list[str]:
    """``lib`` is a module name, or ``rectifiers@DIR`` for the rectifiers source tree in DIR."""
    return [sys.executable, "-m", "benchmarks.worker", lib.partition("@")[0], suite]


def _environment(lib: str) -> dict[str, str]:
    env = os.environ.copy()
    source = lib.partition("@")[2]
    if source:
        env["BENCHMARK_SOURCE"] = source  # the worker imports the library from there
    return env


def _one_shot(lib: str, suite: str) -> object:
    result = subprocess.run(
        _command(lib, suite), capture_output=True, text=True, check=True, env=_environment(lib)
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def lockstep(suite: str, libs: list[str], repeats: int, rounds: int) -> dict:
    """Per library, the suite's rows with median/min/max seconds; per row, the paired speed ratio.

    Each round starts fresh workers; within it, every workload gets WARMUP
    untimed calls per library, then ``repeats`` timed pairs.
    """
    times: dict[str, list[list[float]]] = {}
    rows: list[dict] = []
    for _ in range(rounds):
        workers = [Worker(lib, suite) for lib in libs]
        try:
            rows = workers[0].rows
            for lib in libs:
                times.setdefault(lib, [[] for _ in rows])
            for i in range(len(rows)):
                for _ in range(WARMUP):
                    for worker in workers:
                        worker.time(i)
                for repeat in range(repeats):
                    pairs = list(zip(libs, workers))
                    for lib, worker in pairs if repeat % 2 == 0 else pairs[::-1]:
                        times[lib][i].append(worker.time(i))
        finally:
            for worker in workers:
                worker.close()
    result = {lib: [_summary(row, t) for row, t in zip(rows, times[lib])] for lib in libs}
    if len(libs) == 2:
        ours, theirs = libs
        for row, ours_t, theirs_t in zip(result[ours], times[ours], times[theirs]):
            row["ratio"] = statistics.median(b / a for a, b in zip(ours_t, theirs_t))
    return result


def _summary(row: dict, seconds: list[float]) -> dict:
    per_call = [s / row.get("calls", 1) for s in seconds]
    return {
        **row,
        "median_s": statistics.median(per_call),
        "min_s": min(per_call),
        "max_s": max(per_call),
    }


def run_suites(
    threads: int,
    repeats: int,
    only: list[str] | None,
    out: str,
    rounds: int,
    baseline: str | None = None,
) -> None:
    """Time the suites in lockstep against torch, or against another rectifiers tree (``baseline``)."""
    has_torch = importlib.util.find_spec("torch") is not None
    if baseline is not None:
        libs = ["rectifiers", f"rectifiers@{Path(baseline).resolve()}"]
        print(f"this checkout against the rectifiers in {libs[1].partition('@')[2]} (the baseline)")
    else:
        libs = ["rectifiers", "torch"] if has_torch else ["rectifiers"]
    if not has_torch and baseline is None:
        print("torch not installed: rectifiers timings only (pip install -e '.[parity]')")
    machine = _one_shot("numpy", "")
    record = {
        "baseline": baseline, "threads": threads, "repeats": repeats, "rounds": rounds, "python": platform.python_version(),
        "machine": platform.machine(), **machine, "suites": {},
    }  # fmt: skip
    print(
        f"float32 GEMM {machine['gemm_gflops']:.0f} GFLOP/s, copy {machine['copy_gbs']:.1f} GB/s, {threads} threads"
    )
    print(machine["blas"])
    if "faster" in machine["blas"]:  # (kernels/blas.py): say so before any ratio is read
        print(
            "  the ratios below are with the slower kernels; for the faster, run this command with"
        )
        print(
            "  `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE` (or OPENBLAS_CORETYPE set to the faster set)"
        )
    for suite in only or SUITES:
        if suite == "memory":  # a fresh process per figure: peak memory is per process
            merged = {lib: _memory_median(lib, rounds) for lib in libs}
        else:
            merged = lockstep(suite, libs, repeats, rounds)
        record["suites"][suite] = merged
        PRINTERS[suite](merged, machine)
    with open(out, "w") as f:
        json.dump(record, f, indent=2)
    print(f"\nwritten {out}")


def _memory_median(lib: str, rounds: int) -> list[dict]:
    runs = [_one_shot(lib, "memory") for _ in range(rounds)]
    return [
        {**rows[0], "peak_mb": statistics.median(r["peak_mb"] for r in rows)} for rows in zip(*runs)
    ]


def _theirs(merged: dict, i: int) -> dict | None:
    """Row ``i`` of the other side (torch, or the baseline tree), if there is one."""
    others = [lib for lib in merged if lib != "rectifiers"]
    return merged[others[0]][i] if others else None


def _other_name(merged: dict) -> str:
    others = [lib for lib in merged if lib != "rectifiers"]
    return "baseline" if others and "@" in others[0] else "torch"


def _ratio(ours: dict) -> str:
    """The paired speed ratio: above 1 means rectifiers is faster."""
    return f"{ours['ratio']:.2f}×" if "ratio" in ours else "–"


def _torch_ms(theirs: dict | None) -> str:
    return f"{1e3 * theirs['median_s']:.1f} {spread(theirs)}" if theirs else "–"


def print_conv(merged: dict, machine: dict) -> None:
    print(f"\nconv2d forward + backward (input and weight gradients), batch {BATCH}, float32")
    other = _other_name(merged)
    print(f"| workload | rectifiers ms | GFLOP/s | % of GEMM | {other} ms | speed vs {other} |")
    print("|---|---|---|---|---|---|")
    for i, ours in enumerate(merged["rectifiers"]):
        theirs = _theirs(merged, i)
        gflops = ours["flops"] / ours["median_s"] / 1e9
        print(
            f"| {ours['workload']} | {1e3 * ours['median_s']:.1f} {spread(ours)} | {gflops:.0f} | "
            f"{100 * gflops / machine['gemm_gflops']:.0f}% | {_torch_ms(theirs)} | {_ratio(ours)} |"
        )


def print_steps(merged: dict, machine: dict) -> None:
    print(
        f"\ntraining step (forward, cross-entropy, backward, SGD momentum), batch {BATCH}, float32"
    )
    other = _other_name(merged)
    print(f"| network | rectifiers img/s | {other} img/s | speed vs {other} |")
    print("|---|---|---|---|")
    for i, ours in enumerate(merged["rectifiers"]):
        theirs = _theirs(merged, i)
        rate = ours["images"] / ours["median_s"]
        theirs_rate = (
            f"{ours['images'] / theirs['median_s']:.0f} {spread(theirs)}" if theirs else "–"
        )
        print(
            f"| {ours['workload']} | {rate:.0f} {spread(ours)} | {theirs_rate} | {_ratio(ours)} |"
        )


def print_elementwise(merged: dict, machine: dict) -> None:
    print("\nactivation / BatchNorm2d forward + backward on 128×64×32×32 float32")
    other = _other_name(merged)
    print(
        f"| layer | rectifiers ms | GB/s (minimum traffic) | % of copy bandwidth | {other} ms | speed vs {other} |"
    )
    print("|---|---|---|---|---|---|")
    for i, ours in enumerate(merged["rectifiers"]):
        theirs = _theirs(merged, i)
        gbs = ours["bytes"] / ours["median_s"] / 1e9
        print(
            f"| {ours['workload']} | {1e3 * ours['median_s']:.1f} {spread(ours)} | {gbs:.1f} | "
            f"{100 * gbs / machine['copy_gbs']:.0f}% | {_torch_ms(theirs)} | {_ratio(ours)} |"
        )


PRINTERS = {"conv": print_conv, "steps": print_steps, "elementwise": print_elementwise}


def print_overhead(merged: dict, machine: dict) -> None:
    print("\nautograd overhead: forward + backward of a 200-op graph of 4-element tensors")
    other = _other_name(merged)
    print(f"| workload | rectifiers µs | {other} µs | speed vs {other} |")
    print("|---|---|---|---|")
    for i, ours in enumerate(merged["rectifiers"]):
        theirs = _theirs(merged, i)
        t = f"{1e6 * theirs['median_s']:.0f}" if theirs else "–"
        print(f"| {ours['workload']} | {1e6 * ours['median_s']:.0f} | {t} | {_ratio(ours)} |")


def print_memory(merged: dict, machine: dict) -> None:
    print("\npeak resident memory growth over 3 training steps (fresh process)")
    other = _other_name(merged)
    print(f"| workload | rectifiers MB | {other} MB | rectifiers / {other} |")
    print("|---|---|---|---|")
    for i, ours in enumerate(merged["rectifiers"]):
        theirs = _theirs(merged, i)
        t = f"{theirs['peak_mb']:.0f}" if theirs else "–"
        ratio = f"{ours['peak_mb'] / theirs['peak_mb']:.2f}×" if theirs else "–"
        print(f"| {ours['workload']} | {ours['peak_mb']:.0f} | {t} | {ratio} |")


PRINTERS.update(overhead=print_overhead, memory=print_memory)
