"""Run the suites, print the tables, write the JSON record."""

from __future__ import annotations

import json
import platform

import numpy as np

from . import conv, steps
from .timing import spread


def _torch(threads: int):
    try:
        import torch
    except ImportError:
        print("torch not installed: printing rectifiers timings only (pip install -e '.[parity]')")
        return None
    torch.set_num_threads(threads)
    return torch


def run_suites(threads: int, repeats: int, only: list[str] | None, out: str) -> None:
    torch = _torch(threads)
    record = {
        "threads": threads,
        "repeats": repeats,
        "numpy": np.__version__,
        "torch": getattr(torch, "__version__", None),
        "machine": platform.processor() or platform.machine(),
    }
    if only is None or "conv" in only:
        peak = conv.gemm_rate(repeats)
        rows = conv.run(repeats, torch)
        record["gemm_gflops"] = peak
        record["conv"] = rows
        print_conv_table(rows, peak)
    if only is None or "steps" in only:
        rows = steps.run(max(3, repeats // 2), torch)
        record["steps"] = rows
        print_steps_table(rows)
    with open(out, "w") as f:
        json.dump(record, f, indent=2)
    print(f"\nwritten {out}")


def print_conv_table(rows: list[dict], peak: float) -> None:
    print(f"\nconv2d forward + backward, batch {conv.BATCH}, float32; GEMM peak {peak:.0f} GFLOP/s")
    print("| workload | rectifiers ms | GFLOP/s | % of GEMM | torch ms | rectifiers / torch time |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        ours = row["ours"]["median_s"]
        gflops = row["flops"] / ours / 1e9
        torch_ms = ratio = "–"
        if "torch" in row:
            theirs = row["torch"]["median_s"]
            torch_ms = f"{1e3 * theirs:.1f} {spread(row['torch'])}"
            ratio = f"{ours / theirs:.2f}×"
        print(
            f"| {row['workload']} | {1e3 * ours:.1f} {spread(row['ours'])} | {gflops:.0f} | "
            f"{100 * gflops / peak:.0f}% | {torch_ms} | {ratio} |"
        )


def print_steps_table(rows: list[dict]) -> None:
    print("\ntraining step (forward, cross-entropy, backward, SGD momentum), batch 128, float32")
    print("| network | rectifiers img/s | torch img/s | rectifiers / torch speed |")
    print("|---|---|---|---|")
    for row in rows:
        ours = row["images"] / row["ours"]["median_s"]
        theirs = ratio = "–"
        if "torch" in row:
            speed = row["images"] / row["torch"]["median_s"]
            theirs, ratio = f"{speed:.0f} {spread(row['torch'])}", f"{ours / speed:.2f}×"
        print(f"| {row['workload']} | {ours:.0f} {spread(row['ours'])} | {theirs} | {ratio} |")
