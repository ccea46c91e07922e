"""The kernels' threads: set like torch's, derived from the machine, and invisible in the results."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

import rectifiers as rf
from rectifiers.kernels import blas


def in_fresh_python(code: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=120)  # fmt: skip


def test_set_and_get_num_threads_as_torch():
    before = rf.get_num_threads()
    try:
        rf.set_num_threads(1)
        assert rf.get_num_threads() == 1
        for bad in (0, -1, 1.5, True, "2"):
            with pytest.raises(ValueError, match="set_num_threads"):
                rf.set_num_threads(bad)
    finally:
        rf.set_num_threads(before)


@pytest.mark.parametrize(
    "env, expected",
    [({"OMP_NUM_THREADS": "1"}, "1"), ({"RECTIFIERS_THREADS": "3"}, "3"),
     ({"RECTIFIERS_CHUNK_BYTES": "4096"}, "4096")],
)  # fmt: skip
def test_the_settings_come_from_the_machine_or_the_environment(env, expected):
    what = "CHUNK_BYTES" if "RECTIFIERS_CHUNK_BYTES" in env else "THREADS"
    result = in_fresh_python(
        f"from rectifiers.kernels import _layout; print(_layout.{what})", **env
    )
    assert result.stdout.strip() == expected, result.stderr


def test_a_bad_setting_is_refused_by_name():
    result = in_fresh_python("import rectifiers", RECTIFIERS_THREADS="many")
    assert (
        result.returncode != 0 and "RECTIFIERS_THREADS must be a positive integer" in result.stderr
    )


@pytest.mark.skipif(not blas.controllable, reason="this BLAS cannot be told its thread count")
def test_one_blas_thread_is_restored_afterwards():
    get = blas._OPENBLAS.get_threads
    before = get()
    with blas.one_blas_thread():
        assert get() == 1
    assert get() == before


def training_run(threads: int) -> list[np.ndarray]:
    rf.set_num_threads(threads)
    rf.manual_seed(0)
    model = rf.nn.Sequential(
        rf.nn.Conv2d(3, 8, 3, padding=1), rf.nn.BatchNorm2d(8), rf.nn.ReLU(), rf.nn.MaxPool2d(2),
        rf.nn.Conv2d(8, 8, 3, padding=1), rf.nn.PReLU(8), rf.nn.AdaptiveAvgPool2d(1),
        rf.nn.Flatten(), rf.nn.Linear(8, 10),
    )  # fmt: skip
    rf.init.init_model(model, "kaiming", generator=np.random.default_rng(0))
    opt = rf.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    rng = np.random.default_rng(1)
    for _ in range(3):
        x = rf.tensor(rng.standard_normal((16, 3, 16, 16), dtype=np.float32))
        y = rf.tensor(rng.integers(0, 10, 16))
        opt.zero_grad()
        rf.functional.cross_entropy(model(x), y).backward()
        opt.step()
    return [p.data.copy() for p in model.parameters()]


def test_training_gives_the_same_bits_on_one_thread_or_three(monkeypatch):
    from rectifiers.kernels import _layout

    monkeypatch.setattr(_layout, "PARALLEL_BYTES", 0)  # split even these small arrays
    monkeypatch.setattr(_layout, "CHUNK_BYTES", 4096)  # into many blocks
    monkeypatch.setattr(_layout, "IM2COL_CHUNK_BYTES", 8192)
    before = rf.get_num_threads()
    try:
        alone, shared = training_run(1), training_run(3)
    finally:
        rf.set_num_threads(before)
    for a, b in zip(alone, shared):
        np.testing.assert_array_equal(a, b)


FORK_PROBE = """
import os, sys
import numpy as np
from rectifiers.kernels import _layout
_layout.THREADS, _layout.PARALLEL_BYTES, _layout.CHUNK_BYTES = 2, 0, 64
a = np.arange(4096.0)
assert sum(_layout.map_blocks(a, lambda rows: a[rows].sum())) == a.sum()  # the pool now exists
pid = os.fork()
if pid == 0:  # the child inherits the pool object but not its thread
    ok = sum(_layout.map_blocks(a, lambda rows: a[rows].sum())) == a.sum()
    os._exit(0 if ok else 1)
_, status = os.waitpid(pid, 0)
print("child exit", os.waitstatus_to_exitcode(status))
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this system")
def test_a_forked_child_starts_its_own_threads():
    result = in_fresh_python(FORK_PROBE)
    assert result.stdout.strip() == "child exit 0", result.stderr[-2000:]
