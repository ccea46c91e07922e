"""Run each suite in fresh worker processes, rectifiers and torch alternating, and print ratio tables."""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys

from .timing import spread
from .workloads import BATCH

SUITES = ("conv", "steps", "elementwise", "overhead", "memory")


def _worker(lib: str, suite: str, repeats: int) -> object:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.worker", lib, suite, str(repeats)],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ.copy(),
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def _merge(rounds: list[list[dict]]) -> list[dict]:
    """Per workload, the median over rounds of each round's median (and the overall min/max)."""
    merged = []
    for rows in zip(*rounds):
        row = dict(rows[0])
        row["median_s"] = statistics.median(r["median_s"] for r in rows)
        if "peak_mb" in row:
            row["peak_mb"] = statistics.median(r["peak_mb"] for r in rows)
        row["min_s"], row["max_s"] = min(r["min_s"] for r in rows), max(r["max_s"] for r in rows)
        merged.append(row)
    return merged


def run_suites(threads: int, repeats: int, only: list[str] | None, out: str, rounds: int) -> None:
    has_torch = importlib.util.find_spec("torch") is not None
    libs = ["rectifiers", "torch"] if has_torch else ["rectifiers"]
    if not has_torch:
        print("torch not installed: rectifiers timings only (pip install -e '.[parity]')")
    machine = _worker("numpy", "machine", repeats)
    record = {
        "threads": threads, "repeats": repeats, "rounds": rounds, "python": platform.python_version(),
        "machine": platform.machine(), **machine, "suites": {},
    }  # fmt: skip
    print(
        f"float32 GEMM {machine['gemm_gflops']:.0f} GFLOP/s, copy {machine['copy_gbs']:.1f} GB/s, {threads} threads"
    )
    for suite in only or SUITES:
        results = {lib: [] for lib in libs}
        for _ in range(rounds):  # interleave the libraries so drift hits both alike
            for lib in libs:
                results[lib].append(_worker(lib, suite, repeats))
        merged = {lib: _merge(rs) for lib, rs in results.items()}
        record["suites"][suite] = merged
        PRINTERS[suite](merged, machine)
    with open(out, "w") as f:
        json.dump(record, f, indent=2)
    print(f"\nwritten {out}")


def _ratio_columns(
    ours: dict, theirs: dict | None, per_second: float | None = None
) -> tuple[str, str]:
    if theirs is None:
        return "–", "–"
    ratio = theirs["median_s"] / ours["median_s"]  # speed ratio: > 1 means rectifiers is faster
    return f"{1e3 * theirs['median_s']:.1f} {spread(theirs)}", f"{ratio:.2f}×"


def print_conv(merged: dict, machine: dict) -> None:
    print(f"\nconv2d forward + backward (input and weight gradients), batch {BATCH}, float32")
    print("| workload | rectifiers ms | GFLOP/s | % of GEMM | torch ms | speed vs torch |")
    print("|---|---|---|---|---|---|")
    for i, ours in enumerate(merged["rectifiers"]):
        theirs = merged["torch"][i] if "torch" in merged else None
        gflops = ours["flops"] / ours["median_s"] / 1e9
        torch_ms, ratio = _ratio_columns(ours, theirs)
        print(
            f"| {ours['workload']} | {1e3 * ours['median_s']:.1f} {spread(ours)} | {gflops:.0f} | "
            f"{100 * gflops / machine['gemm_gflops']:.0f}% | {torch_ms} | {ratio} |"
        )


def print_steps(merged: dict, machine: dict) -> None:
    print(
        f"\ntraining step (forward, cross-entropy, backward, SGD momentum), batch {BATCH}, float32"
    )
    print("| network | rectifiers img/s | torch img/s | speed vs torch |")
    print("|---|---|---|---|")
    for i, ours in enumerate(merged["rectifiers"]):
        theirs = merged["torch"][i] if "torch" in merged else None
        rate = ours["images"] / ours["median_s"]
        theirs_rate = (
            f"{ours['images'] / theirs['median_s']:.0f} {spread(theirs)}" if theirs else "–"
        )
        ratio = f"{theirs['median_s'] / ours['median_s']:.2f}×" if theirs else "–"
        print(f"| {ours['workload']} | {rate:.0f} {spread(ours)} | {theirs_rate} | {ratio} |")


def print_elementwise(merged: dict, machine: dict) -> None:
    print("\nactivation / BatchNorm2d forward + backward on 128×64×32×32 float32")
    print(
        "| layer | rectifiers ms | GB/s (minimum traffic) | % of copy bandwidth | torch ms | speed vs torch |"
    )
    print("|---|---|---|---|---|---|")
    for i, ours in enumerate(merged["rectifiers"]):
        theirs = merged["torch"][i] if "torch" in merged else None
        gbs = ours["bytes"] / ours["median_s"] / 1e9
        torch_ms, ratio = _ratio_columns(ours, theirs)
        print(
            f"| {ours['workload']} | {1e3 * ours['median_s']:.1f} {spread(ours)} | {gbs:.1f} | "
            f"{100 * gbs / machine['copy_gbs']:.0f}% | {torch_ms} | {ratio} |"
        )


PRINTERS = {"conv": print_conv, "steps": print_steps, "elementwise": print_elementwise}


def print_overhead(merged: dict, machine: dict) -> None:
    print("\nautograd overhead: forward + backward of a 200-op graph of 4-element tensors")
    print("| workload | rectifiers µs | torch µs | speed vs torch |")
    print("|---|---|---|---|")
    for i, ours in enumerate(merged["rectifiers"]):
        theirs = merged["torch"][i] if "torch" in merged else None
        t = f"{1e6 * theirs['median_s']:.0f}" if theirs else "–"
        ratio = f"{theirs['median_s'] / ours['median_s']:.2f}×" if theirs else "–"
        print(f"| {ours['workload']} | {1e6 * ours['median_s']:.0f} | {t} | {ratio} |")


def print_memory(merged: dict, machine: dict) -> None:
    print("\npeak resident memory growth over 3 training steps (fresh process)")
    print("| workload | rectifiers MB | torch MB | rectifiers / torch |")
    print("|---|---|---|---|")
    for i, ours in enumerate(merged["rectifiers"]):
        theirs = merged["torch"][i] if "torch" in merged else None
        t = f"{theirs['peak_mb']:.0f}" if theirs else "–"
        ratio = f"{ours['peak_mb'] / theirs['peak_mb']:.2f}×" if theirs else "–"
        print(f"| {ours['workload']} | {ours['peak_mb']:.0f} | {t} | {ratio} |")


PRINTERS.update(overhead=print_overhead, memory=print_memory)
