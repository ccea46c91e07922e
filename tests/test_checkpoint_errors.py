"""A bad checkpoint is one error type (CheckpointError) naming the file, and restores nothing.

Before: BadZipFile, JSONDecodeError, KeyError or NumPy's allow_pickle hint,
depending on how the file was broken; and a checkpoint whose optimiser state
did not fit had already overwritten the model.
"""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest

import rectifiers as rf
from rectifiers import CheckpointError, nn, optim
from rectifiers.training import load_checkpoint, save_checkpoint


def _good(path):
    rf.save({"weights": np.arange(4.0), "epoch": 1}, path)
    return path


def _rewrite_member(path, name, content: bytes) -> None:
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members[name] = content
    with zipfile.ZipFile(path, "w") as z:
        for n, c in members.items():
            z.writestr(n, c)


def _structure_member(structure: str) -> bytes:
    import io

    buffer = io.BytesIO()
    np.save(buffer, np.array(structure))
    return buffer.getvalue()


BROKEN = {
    "random bytes": lambda p: p.write_bytes(b"\x00garbage" * 100),
    "empty file": lambda p: p.write_bytes(b""),
    "truncated": lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]),
    "a plain npz": lambda p: np.savez(open(p, "wb"), weights=np.ones(3)),
    "a pickled object array": lambda p: np.savez(
        open(p, "wb"), __structure__=np.array("{}"), a0=np.array([{"x": 1}], dtype=object)
    ),
    "structure is not JSON": lambda p: _rewrite_member(
        p, "__structure__.npy", _structure_member("{not json")
    ),
    "structure refers to a missing array": lambda p: _rewrite_member(
        p, "__structure__.npy", _structure_member(json.dumps({"w": {"__array__": "a9"}}))
    ),
    "a single .npy": lambda p: np.save(open(p, "wb"), np.ones(3)),
}


@pytest.mark.parametrize("how", sorted(BROKEN))
def test_a_broken_file_is_a_checkpoint_error_naming_it(tmp_path, how):
    path = _good(tmp_path / "run.npz")
    BROKEN[how](path)
    with pytest.raises(CheckpointError, match=str(path.name)):
        rf.load(path)


def test_a_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.npz"):
        rf.load(tmp_path / "nope.npz")


def _run(width: int = 4):
    model = nn.Sequential(nn.Linear(3, width), nn.ReLU(), nn.Linear(width, 2))
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for p in model.parameters():
        p.grad = rf.ones(*p.shape)
    opt.step()
    return model, opt


def test_a_saved_file_that_is_not_a_training_checkpoint_is_named(tmp_path):
    path = _good(tmp_path / "weights.npz")
    model, opt = _run()
    with pytest.raises(CheckpointError, match=r"weights.npz is not a training checkpoint"):
        load_checkpoint(path, model, opt)


def test_a_checkpoint_that_does_not_fit_restores_nothing(tmp_path):
    path = tmp_path / "run.npz"
    model, opt = _run()
    save_checkpoint(path, model, opt, epoch=3)
    state = rf.load(path)
    state["optimizer"]["state"][0]["momentum_buffer"] = np.zeros((9, 9), np.float32)
    rf.save(state, path)  # the model part fits, the optimiser part does not
    fresh, fresh_opt = _run()
    for p in fresh.parameters():
        p.data[...] = 7.0
    before = {k: v.copy() for k, v in fresh.state_dict().items()}
    opt_before = fresh_opt.state_dict()
    with pytest.raises(CheckpointError, match=r"run.npz does not fit this run.*momentum_buffer"):
        load_checkpoint(path, fresh, fresh_opt)
    for key, value in fresh.state_dict().items():
        np.testing.assert_array_equal(value, before[key])
    after = fresh_opt.state_dict()
    np.testing.assert_array_equal(
        after["state"][0]["momentum_buffer"], opt_before["state"][0]["momentum_buffer"]
    )
