"""rectifiers.sweep: records written as runs finish, resume, local workers and a real Dask cluster agree."""

from __future__ import annotations

import json
import os
import time

import numpy as np
import pytest

import rectifiers as rf
from rectifiers.sweep import map_runs, run_sweep, safe_name


def train_briefly(config: dict) -> dict:
    """A real (tiny) training run: deterministic given its config's seed."""
    rf.manual_seed(config["seed"])
    rng = np.random.default_rng(config["seed"])
    model = rf.models.small_convnet(config["activation"], width=4)
    rf.init.init_model(model, "kaiming", generator=rng)
    loader = rf.data.DataLoader(rf.data.SyntheticImages(64, size=8, seed=0), batch_size=32,
                                shuffle=True, generator=np.random.default_rng(config["seed"]))  # fmt: skip
    opt = rf.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    history = rf.training.fit(model, loader, opt, epochs=1, progress=False, log=None)
    return {**config, "train_loss": history["train_loss"][-1]}


CONFIGS = [{"activation": a, "seed": s} for a in ("relu", "prelu") for s in (0, 1)]


def test_records_are_written_per_run_and_resume_skips_them(tmp_path):
    calls = []

    def job(config):
        calls.append(config)
        return train_briefly(config)

    lines = []
    first = run_sweep(job, CONFIGS, tmp_path, log=lines.append)
    assert len(calls) == 4 and "4/4 runs done" in lines[-1] and "min left" in lines[0]
    files = sorted(p.name for p in (tmp_path / "runs").iterdir())
    assert files == ["prelu_0.json", "prelu_1.json", "relu_0.json", "relu_1.json"]
    assert json.loads((tmp_path / "runs" / "relu_1.json").read_text()) == first[1]
    (tmp_path / "runs" / "prelu_1.json").unlink()  # as if the sweep had been killed before it
    again = run_sweep(job, CONFIGS, tmp_path, resume=True, log=None)
    assert len(calls) == 5 and again == first


def test_local_worker_processes_give_the_same_records(tmp_path):
    pytest.importorskip("joblib")
    alone = run_sweep(train_briefly, CONFIGS, tmp_path / "alone", log=None)
    parallel = run_sweep(
        train_briefly, CONFIGS, tmp_path / "workers", workers=2, threads=1, log=None
    )
    assert parallel == alone


def test_a_real_dask_cluster_on_localhost_gives_the_same_records(tmp_path):
    distributed = pytest.importorskip("distributed")
    pytest.importorskip("joblib")
    local = run_sweep(train_briefly, CONFIGS, tmp_path / "local", log=None)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster:  # fmt: skip
        remote = run_sweep(
            train_briefly,
            CONFIGS,
            tmp_path / "cluster",
            scheduler=cluster.scheduler_address,
            log=None,
        )
    assert remote == local
    assert sorted(p.name for p in (tmp_path / "cluster" / "runs").iterdir()) == sorted(
        p.name for p in (tmp_path / "local" / "runs").iterdir()
    )


def test_names_are_shell_safe_and_keys_unique(tmp_path):
    assert safe_name("small", "RReLU, a~U(3,8)", "seed0") == "small_RReLU-a-U-3-8_seed0"
    assert safe_name("lr=0.02", "a/b") == "lr-0.02_a-b"
    with pytest.raises(ValueError, match="same key"):
        run_sweep(train_briefly, [{"a": 1}, {"a": 1}], tmp_path, log=None)


def test_a_missing_engine_names_the_install_command():
    from rectifiers.sweep import _require

    with pytest.raises(ImportError, match=r"\.\[distributed\]"):
        _require("no_such_engine_for_rectifiers")


def blas_threads(config: dict) -> dict:
    from threadpoolctl import threadpool_info

    blas = [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]
    return {**config, "threads": blas, "kernel_threads": rf.get_num_threads()}


def test_threads_are_limited_in_this_process_too(tmp_path):
    """workers=1 runs here; threads=1 used to be ignored there, silently."""
    pytest.importorskip("threadpoolctl")
    (record,) = run_sweep(blas_threads, [{"x": 1}], tmp_path, workers=1, threads=1, log=None)
    assert record["threads"] and set(record["threads"]) == {1} and record["kernel_threads"] == 1
    (untouched,) = run_sweep(blas_threads, [{"x": 2}], tmp_path, workers=1, log=None)
    assert untouched["threads"] == blas_threads({})["threads"]  # no threads given: left alone


def instant_or_slow(config: dict) -> int:
    """A stand-in run: instant when it was 'finished earlier', else 0.3 s of work."""
    if config["slow"]:
        time.sleep(0.3)
    return os.getpid()


def test_runs_kept_on_resume_do_not_batch_the_rest_onto_one_worker():
    # joblib's automatic batching grows the batch while tasks finish fast: after the
    # instant 'kept' runs of a resumed sweep it handed several long runs to one worker
    # as a batch, leaving the other idle at the end.
    pytest.importorskip("joblib")
    configs = [{"slow": False}] * 24 + [{"slow": True}] * 6
    for _ in range(3):  # the old code split the six 2/4 in four tries out of five
        pids = map_runs(instant_or_slow, configs, workers=2, threads=1, log=None)[24:]
        assert sorted(pids.count(pid) for pid in set(pids)) == [3, 3]
