"""Every example runs in --quick mode on synthetic data and writes outputs that parse."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
HAS_MATPLOTLIB = importlib.util.find_spec("matplotlib") is not None


def run(script: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    return subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


@pytest.mark.parametrize(
    "script, outputs, plots",
    [
        ("compare_rectifiers.py", ["compare_rectifiers"], ["compare_rectifiers.png"]),
        ("deep_init.py", ["deep_init"], ["deep_init_signal.png", "deep_init_training.png"]),
        ("dead_relu.py", ["dead_relu"], ["dead_relu.png"]),
        ("prelu_coefficients.py", ["prelu_coefficients"], ["prelu_coefficients.png"]),
    ],
)
def test_example_quick_run_writes_table_json_and_plots(tmp_path, script, outputs, plots):
    result = run(script, "--quick", "--synthetic", "--no-progress", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr[-3000:]
    for name in outputs:
        table = (tmp_path / f"{name}.md").read_text()
        assert table.startswith("## ") and "|---|" in table
        record = json.loads((tmp_path / f"{name}.json").read_text())
        assert record
    for plot in plots if HAS_MATPLOTLIB else []:
        assert (tmp_path / plot).read_bytes()[:4] == b"\x89PNG"


def test_compare_rectifiers_resume_keeps_finished_runs(tmp_path):
    args = [
        "--quick",
        "--synthetic",
        "--no-progress",
        "--activations",
        "ReLU",
        "PReLU",
        "--out",
        str(tmp_path),
    ]
    assert run("compare_rectifiers.py", *args).returncode == 0
    first = json.loads((tmp_path / "compare_rectifiers.json").read_text())
    again = run("compare_rectifiers.py", *args, "--resume")
    assert again.returncode == 0 and "finished earlier, kept" in again.stdout
    assert json.loads((tmp_path / "compare_rectifiers.json").read_text())["runs"] == first["runs"]


def _offline(tmp_path, *args: str) -> subprocess.CompletedProcess:
    env_dir = tmp_path / "empty"
    env_dir.mkdir(exist_ok=True)
    return subprocess.run(
        [sys.executable, str(EXAMPLES / "compare_rectifiers.py"), "--quick", "--out", str(tmp_path / "o"), *args],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "RECTIFIERS_DATA": str(env_dir), "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9"},
    )  # fmt: skip


@pytest.mark.parametrize(
    "args, problem",
    [
        ((), "could not download"),  # offline, nothing in $RECTIFIERS_DATA
        (("--data-dir", "{empty}"), "data not found under"),  # a folder without the data
        (("--data-dir", "{missing}"), "does not exist"),  # a folder that is not there
    ],
)
def test_missing_data_ends_in_a_short_message_without_a_traceback(tmp_path, args, problem):
    args = [a.format(empty=tmp_path / "empty", missing=tmp_path / "nope") for a in args]
    result = _offline(tmp_path, *args)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and problem in result.stderr
    for hint in ("--data-dir", "RECTIFIERS_DATA", "prepare.py", "--synthetic"):
        assert hint in result.stderr
    assert len(result.stderr.splitlines()) < 12


def test_help_shows_every_default_and_quick_keeps_an_explicit_epochs(tmp_path):
    help_text = run("compare_rectifiers.py", "--help").stdout
    assert "(default: 128)" in help_text and "(default: 0)" in help_text
    result = run("compare_rectifiers.py", "--quick", "--synthetic", "--no-progress", "--activations", "ReLU",
                 "--epochs", "2", "--out", str(tmp_path))  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert "plan: 1 run (1 rectifier × 1 seed), 2 epochs each, 384 training" in result.stdout
    assert "estimate: the first epoch took" in result.stdout and "1/1 runs done" in result.stdout
    record = json.loads((tmp_path / "compare_rectifiers.json").read_text())
    assert len(record["runs"][0]["history"]) == 2  # --quick no longer overrides --epochs
    assert record["args"]["epochs"] == 2 and record["args"]["quick"] is True  # typed, not "True"
    assert all(re.fullmatch(r"[A-Za-z0-9._-]+", p.name) for p in (tmp_path / "runs").iterdir())


@pytest.mark.parametrize(
    "script", ["compare_rectifiers.py", "deep_init.py", "dead_relu.py", "prelu_coefficients.py"]
)
def test_help(script):
    result = run(script, "--help")
    assert result.returncode == 0 and "--quick" in result.stdout and "--resume" in result.stdout


def test_quickstart_loss_falls():
    result = run("quickstart.py")
    assert result.returncode == 0, result.stderr[-2000:]
    losses = [
        float(line.split("train_loss ")[1].split()[0])
        for line in result.stdout.splitlines()
        if "train_loss" in line
    ]
    assert len(losses) == 5 and losses[-1] < losses[0] / 2


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_sweep_through_a_real_dask_cluster_equals_the_local_run(tmp_path):
    """`dask scheduler` and `dask worker` started as a user would, on 127.0.0.1; then --scheduler."""
    distributed = pytest.importorskip("distributed")
    pytest.importorskip("joblib")
    args = [
        "--quick",
        "--synthetic",
        "--no-progress",
        "--activations",
        "ReLU",
        "PReLU",
        "--seeds",
        "0",
        "1",
    ]
    local = run("compare_rectifiers.py", *args, "--out", str(tmp_path / "local"))
    assert local.returncode == 0, local.stderr[-3000:]
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {
        **os.environ,
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "PYTHONPATH": str(EXAMPLES),
    }
    python_m = [sys.executable, "-m"]  # the `dask scheduler` and `dask worker` commands
    scheduler = subprocess.Popen([*python_m, "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                                  "--port", str(port), "--dashboard-address", ":0"],
                                 env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    worker = subprocess.Popen([*python_m, "distributed.cli.dask_worker", address, "--nworkers", "2",
                               "--nthreads", "1", "--no-dashboard"], cwd=EXAMPLES,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        with distributed.Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        remote = run(
            "compare_rectifiers.py",
            *args,
            "--out",
            str(tmp_path / "cluster"),
            "--scheduler",
            address,
        )
        assert remote.returncode == 0, remote.stderr[-3000:]
    finally:
        for process in (worker, scheduler):
            process.terminate()
            process.wait(30)

    def errors(folder: str) -> list:
        runs = json.loads((tmp_path / folder / "compare_rectifiers.json").read_text())["runs"]
        return [(r["activation"], r["seed"], r["train_error"], r["test_error"], r["history"][-1]["train_loss"])
                for r in runs]  # fmt: skip

    assert errors("cluster") == errors("local")  # bit-identical, not approximately equal


def test_the_synthetic_demo_trains_every_rectifier_stably_and_they_differ(tmp_path):
    result = run("compare_rectifiers.py", "--quick", "--synthetic", "--no-progress", "--epochs", "5",
                 "--out", str(tmp_path))  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    runs = json.loads((tmp_path / "compare_rectifiers.json").read_text())["runs"]
    assert len(runs) == 5
    losses = {r["activation"]: [epoch["train_loss"] for epoch in r["history"]] for r in runs}
    for name, curve in losses.items():
        assert len(curve) == 5 and all(np.isfinite(curve)), (name, curve)
        assert curve[-1] < curve[0], (name, curve)  # it learns, rather than climbing from 3.5 to 11
    assert len({round(c[-1], 6) for c in losses.values()}) == 5  # the rectifiers differ


def test_the_report_is_rebuilt_from_run_records_alone(tmp_path):
    """rectifier_report.py: tables, paired comparisons and the size plot from records only."""
    runs = tmp_path / "runs"
    runs.mkdir()
    for size in (1000, 400):  # as text "1000" < "400": the report must sort by number
        for seed in range(4):
            for name, extra in (("ReLU", 0.0), ("RReLU, a~U(3,8)", -0.02 - 0.01 * seed),
                                ("PReLU", -0.02 - 0.01 * seed)):  # fmt: skip
                record = {
                    "activation": name, "seed": seed, "dataset": "CIFAR-10", "arch": "small",
                    "train_size": size, "test_size": 1000, "augment": False, "epochs": 5,
                    "lr": 0.05, "batch_size": 128, "train_error": 0.01 * seed,
                    "test_error": 0.4 + 0.01 * seed + extra, "minutes": 1.0,
                    "history": [{"train_accuracy": 0.5 - extra, "val_accuracy": 0.5},
                                {"train_accuracy": 0.9, "val_accuracy": 0.6}],
                }  # fmt: skip
                (runs / f"{name[:4]}_{size}_{seed}.json").write_text(json.dumps(record))
    result = run("rectifier_report.py", str(tmp_path))
    assert result.returncode == 0, result.stderr[-2000:]
    report = (tmp_path / "report.md").read_text()
    assert report.count("### CIFAR-10, small net") == 2  # one section per training-set size
    # first the curve: a row per rectifier, a column per size (smallest first), Δ from ReLU
    assert report.startswith("### Against training-set size: CIFAR-10, small net, lr 0.05")
    assert "| test error % | 400 images, 5 epochs | 1,000 images, 5 epochs |" in report
    assert "| ReLU | 41.50 ± 1.29 (n=4) | 41.50 ± 1.29 (n=4) |" in report
    assert "| RReLU, a~U(3,8) | 38.00 ± 0.00 (n=4); Δ -3.50 [-5.55, -1.45] ✓ |" in report
    assert report.index("400 training images") < report.index("1000 training images")  # by size
    assert "| ReLU | 4 | 1.50 ± 1.29 [-0.55, 3.55] |" in report
    assert report.index("| ReLU |") < report.index("| RReLU, a~U(3,8) |")  # the paper's order
    # train errors identical (no difference); test error and gap resolved, p adjusted (Holm) over
    # the two comparisons with ReLU: two equal p-values, both doubled
    assert ("| +0.00 [0.00, 0.00], p = 1.000, Holm 1.000 | -3.50 [-5.55, -1.45], p = 0.012, "
            "Holm 0.025 ✓ |") in report  # fmt: skip
    assert "| RReLU, a~U(3,8) | -3.50 ✓ | +0.00 |  |" in report  # every pair: row − column
    # how fast each fits: 1 − the mean training accuracy over the epochs of its history
    first_size = report.split("### CIFAR-10")[1]
    assert "| 30.00 ± 0.00 [30.00, 30.00] |" in first_size.split("| RReLU")[0]
    assert "| -1.75 [-2.78, -0.72], p = 0.012, Holm 0.025 ✓ |" in report  # paired against ReLU's
    numbers = json.loads((tmp_path / "report.json").read_text())
    assert numbers[0]["versus_relu"]["RReLU, a~U(3,8)"]["test_error"]["resolved_holm"] is True
    if HAS_MATPLOTLIB:
        assert (tmp_path / "data_size.png").read_bytes()[:4] == b"\x89PNG"
    some = run(
        "rectifier_report.py", str(tmp_path), "--seeds", "0", "1", "--out", str(tmp_path / "s")
    )
    assert (
        some.returncode == 0
        and "| ReLU | 2 | 0.50 ± 0.71" in (tmp_path / "s" / "report.md").read_text()
    )


def test_the_curve_table_joins_only_runs_that_differ_in_size_and_counts_diverged_runs(tmp_path):
    """Runs at another lr are not a point of the same curve; a diverged run shows in its cell."""
    runs = tmp_path / "runs"
    runs.mkdir()
    for size, lr in ((100, 0.05), (200, 0.05), (300, 0.1)):
        for seed in range(3):
            for name in ("ReLU", "PReLU"):
                diverged = (size, name, seed) == (200, "PReLU", 2)
                record = {
                    "activation": name, "seed": seed, "dataset": "CIFAR-10", "arch": "small",
                    "train_size": size, "test_size": 1000, "augment": False, "epochs": 5, "lr": lr,
                    "batch_size": 128, "train_error": None if diverged else 0.0,
                    "test_error": None if diverged else 0.4 + 0.01 * seed, "minutes": 1.0,
                    "history": [], "diverged": "the loss diverged at step 3" if diverged else None,
                }  # fmt: skip
                (runs / f"{name}_{size}_{seed}.json").write_text(json.dumps(record))
    result = run("rectifier_report.py", str(tmp_path))
    assert result.returncode == 0, result.stderr[-2000:]
    report = (tmp_path / "report.md").read_text()
    assert report.count("### Against training-set size") == 1  # lr 0.1 has one size: no curve
    assert "| test error % | 100 images, 5 epochs | 200 images, 5 epochs |\n" in report
    assert (
        "| PReLU | 41.00 ± 1.00 (n=3); Δ +0.00 [0.00, 0.00] | 40.50 ± 0.71 (n=2, 1 diverged);"
        in report
    )


def test_seed_statistics_examples_run():
    result = subprocess.run([sys.executable, "-m", "doctest", str(EXAMPLES / "seed_statistics.py")],
                            capture_output=True, text=True, cwd=EXAMPLES, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:]


def test_several_training_set_sizes_with_one_budget_of_images(tmp_path):
    """--train-sizes and --budget: each size trains for budget/size epochs; one record per run."""
    result = run("compare_rectifiers.py", "--synthetic", "--no-progress", "--activations", "ReLU",
                 "PReLU", "--train-sizes", "64", "128", "--budget", "256", "--seeds", "0", "1",
                 "--test-size", "64", "--curve-size", "32", "--batch-size", "32", "--workers", "1",
                 "--out", str(tmp_path))  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert "(2 rectifiers × 2 training-set sizes × 2 seeds), 4, 2 epochs (by size)" in result.stdout
    records = [json.loads(p.read_text()) for p in sorted((tmp_path / "runs").glob("*.json"))]
    assert sorted((r["train_size"], r["epochs"]) for r in records) == [(64, 4)] * 4 + [(128, 2)] * 4
    for r in records:
        stated = {"activation", "seed", "dataset", "augment", "lr", "minutes", "blas_kernels"}
        assert stated <= set(r)
        assert r["test_size"] == 64 and r["augment"] is True and len(r["history"]) == r["epochs"]
    subsets = {r["seed"]: r for r in records if r["activation"] == "ReLU" and r["train_size"] == 64}
    assert subsets[0]["history"] != subsets[1]["history"]  # seeds draw their own subset and order
    assert "### synthetic, small net, 64 training images" in (tmp_path / "report.md").read_text()


def test_a_diverged_run_is_recorded_and_the_sweep_goes_on(tmp_path):
    """A run whose loss diverges is a result (recorded as diverged, kept on --resume), not the end
    of the sweep: the other runs finish and the report counts it apart from the statistics."""
    args = ("compare_rectifiers.py", "--synthetic", "--no-progress", "--activations", "ReLU", "PReLU",
            "--train-sizes", "64", "--epochs", "2", "--seeds", "0", "1", "--lr", "1e6",
            "--test-size", "64", "--curve-size", "32", "--batch-size", "32", "--workers", "1",
            "--resume", "--out", str(tmp_path))  # fmt: skip
    result = run(*args)
    assert result.returncode == 0, result.stderr[-3000:]
    records = [json.loads(p.read_text()) for p in sorted((tmp_path / "runs").glob("*.json"))]
    assert len(records) == 4 and all("diverged at step" in r["diverged"] for r in records)
    assert all(r["test_error"] is None and r["lr"] == 1e6 for r in records)
    report = (tmp_path / "report.md").read_text()
    assert "diverged" in report and "| ReLU | 0 |" in report  # no converged seed to summarise
    again = run(*args)  # --resume keeps a diverged run: it is not tried again
    assert again.returncode == 0 and again.stdout.count("finished earlier, kept") == 4


def test_the_report_leaves_diverged_runs_out_of_the_statistics_and_counts_them(tmp_path):
    runs = tmp_path / "runs"
    runs.mkdir()
    for seed in range(3):
        for name in ("ReLU", "PReLU"):
            diverged = name == "PReLU" and seed == 2
            record = {
                "activation": name, "seed": seed, "dataset": "CIFAR-10", "arch": "small",
                "train_size": 100, "test_size": 1000, "augment": False, "epochs": 5, "lr": 0.05,
                "batch_size": 128, "train_error": None if diverged else 0.0,
                "test_error": None if diverged else 0.4 - 0.01 * (name == "PReLU") + 0.01 * seed,
                "minutes": 1.0, "history": [], "diverged": "the loss diverged at step 3" if diverged else None,
            }  # fmt: skip
            (runs / f"{name}_{seed}.json").write_text(json.dumps(record))
    result = run("rectifier_report.py", str(tmp_path))
    assert result.returncode == 0, result.stderr[-2000:]
    report = (tmp_path / "report.md").read_text()
    assert "| PReLU | 2 | 1 (seed 2) |" in report  # two converged seeds summarised, one diverged
    assert "| PReLU | -1.00 [-1.00, -1.00], p = 0.000, Holm 0.000 ✓ |" in report.replace(
        " | +0.00 [0.00, 0.00], p = 1.000, Holm 1.000", ""
    )


def test_prelu_coefficients_records_a_diverged_seed_and_reports_the_others(tmp_path):
    """As in compare_rectifiers: a diverged seed is an outcome, recorded, not the end of the sweep."""
    result = run("prelu_coefficients.py", "--quick", "--synthetic", "--no-progress", "--seeds", "0", "1",
                 "--lr", "1e6", "--out", str(tmp_path))  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    records = [json.loads(p.read_text()) for p in sorted((tmp_path / "runs").glob("*.json"))]
    assert len(records) == 2 and all("diverged at step" in r["diverged"] for r in records)
    assert "every seed diverged (0, 1)" in (tmp_path / "prelu_coefficients.md").read_text()


def test_a_resumed_sweep_counts_kept_runs_as_recorded_not_as_run(tmp_path):
    """Runs finished earlier are taken from their records before the sweep starts: not sent to
    a worker, and not counted in the time estimate (they took no time now)."""
    args = ("compare_rectifiers.py", "--synthetic", "--no-progress", "--activations", "ReLU", "PReLU",
            "--train-sizes", "64", "--epochs", "1", "--seeds", "0", "1", "--test-size", "64",
            "--curve-size", "32", "--batch-size", "32", "--workers", "1", "--resume",
            "--out", str(tmp_path))  # fmt: skip
    assert run(*args).returncode == 0
    (tmp_path / "runs" / "small_PReLU_n64_e1_lr0.005_aug_seed1.json").unlink()
    again = run(*args)
    assert again.returncode == 0, again.stderr[-3000:]
    assert again.stdout.count("finished earlier, kept") == 3
    assert "sweep: 3 of 4 runs already recorded (resumed)" in again.stdout
    assert "sweep: 4/4 runs done (small_PReLU_n64_e1_lr0.005_aug_seed1)" in again.stdout
    assert "sweep: 1/4" not in again.stdout
