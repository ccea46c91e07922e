"""The benchmark harness: workers answer in lockstep, each workload times its own call."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import rectifiers
from benchmarks import runner, workloads

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def in_project_root(monkeypatch):
    """Workers run ``python -m benchmarks.worker``: from the project root, one thread."""
    monkeypatch.chdir(ROOT)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.setenv(var, "1")


def test_lockstep_times_every_workload(in_project_root):
    result = runner.lockstep("overhead", ["rectifiers"], repeats=2, rounds=1)
    (row,) = result["rectifiers"]
    assert row["workload"].startswith("200-op chain")
    assert 0 < row["min_s"] <= row["median_s"] <= row["max_s"]


def test_each_workload_runs_its_own_call():
    """Every closure binds its own layer (a late-bound loop variable would time the last one)."""
    rows = workloads.elementwise(rectifiers)
    layers = [cell.cell_contents for row in rows for cell in row.run.__closure__
              if isinstance(cell.cell_contents, rectifiers.nn.Module)]  # fmt: skip
    assert [type(layer).__name__ for layer in layers] == [
        "ReLU", "LeakyReLU", "PReLU", "RReLU", "BatchNorm2d"
    ]  # fmt: skip


def test_worker_reports_a_dead_worker(in_project_root):
    worker = runner.Worker("rectifiers", "overhead")
    worker.process.kill()
    worker.process.wait()
    with pytest.raises((RuntimeError, BrokenPipeError)):
        worker.time(0)
    worker.close()  # and closing what is left of it does not raise


def test_memory_suite_runs_in_a_fresh_process(in_project_root):
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.worker", "rectifiers", "memory"],
        capture_output=True, text=True, check=True, env=os.environ.copy(),
    )  # fmt: skip
    assert '"peak_mb"' in out.stdout


def test_a_baseline_tree_is_timed_in_lockstep_against_this_checkout(in_project_root, tmp_path):
    """``--baseline DIR``: the second worker imports rectifiers from DIR, not from this checkout."""
    (tmp_path / "rectifiers").symlink_to(ROOT / "rectifiers")
    lib = f"rectifiers@{tmp_path}"
    assert runner._environment(lib)["BENCHMARK_SOURCE"] == str(tmp_path)
    assert runner._command(lib, "overhead")[-2:] == ["rectifiers", "overhead"]
    result = runner.lockstep("overhead", ["rectifiers", lib], repeats=2, rounds=1)
    assert result["rectifiers"][0]["ratio"] > 0
    assert runner._other_name(result) == "baseline"


def test_gemm_shapes_reports_a_rate_per_block_shape():
    from benchmarks import gemm_shapes

    rates = gemm_shapes.single_thread_rates(repeats=1)
    assert list(rates) == [f"{r} × {k} × {n}" for r, k, n in gemm_shapes.SHAPES]
    assert all(rate > 0 for rate in rates.values())
