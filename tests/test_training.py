"""fit/evaluate, History, save/load, and checkpoints that resume bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

import rectifiers as rf
from rectifiers import data, nn, optim
from rectifiers.data import transforms as T
from rectifiers.optim import lr_scheduler
from rectifiers.training import History, evaluate, fit


def _setup(seed=0):
    rng = np.random.default_rng(seed)
    model = nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1, generator=rng),
        nn.BatchNorm2d(8),
        nn.RReLU.from_divisor(generator=np.random.default_rng(1)),
        nn.MaxPool2d(4),
        nn.Flatten(),
        nn.Dropout(0.3, generator=np.random.default_rng(2)),
        nn.Linear(128, 10, generator=rng),
    )
    augment = T.Compose([T.RandomCrop(16, 2), T.RandomHorizontalFlip()])
    loader = data.DataLoader(
        data.SyntheticImages(96, size=16, seed=0),
        32,
        shuffle=True,
        transform=augment,
        generator=np.random.default_rng(3),
    )
    opt = optim.SGD(optim.param_groups_no_decay(model, 1e-3), lr=0.05, momentum=0.9)
    sched = lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    return model, loader, opt, sched


def test_resume_equals_an_uninterrupted_run_bit_for_bit(tmp_path):
    model, loader, opt, sched = _setup()
    fit(model, loader, opt, 3, sched, progress=False, log=None)
    straight = model.state_dict()

    path = tmp_path / "run.npz"
    model, loader, opt, sched = _setup()
    fit(model, loader, opt, 2, sched, checkpoint=path, progress=False, log=None)
    model, loader, opt, sched = _setup(
        seed=99
    )  # a fresh process: different initial state everywhere
    loader.generator, model[2].generator = np.random.default_rng(42), np.random.default_rng(43)
    history = fit(
        model, loader, opt, 3, sched, checkpoint=path, resume=True, progress=False, log=None
    )
    assert [r["epoch"] for r in history.epochs] == [1, 2, 3]
    for key, value in straight.items():
        np.testing.assert_array_equal(model.state_dict()[key], value, err_msg=key)


def test_fit_records_history_and_evaluate_restores_mode(tmp_path):
    model, loader, opt, sched = _setup()
    calls = []
    history = fit(
        model,
        loader,
        opt,
        2,
        sched,
        val_loader=loader,
        callbacks=[lambda e, r: calls.append(e)],
        progress=False,
        log=None,
    )
    assert calls == [1, 2] and history["lr"] == [0.05, 0.05]
    assert set(history.epochs[0]) >= {
        "train_loss",
        "train_accuracy",
        "val_loss",
        "val_accuracy",
        "seconds",
    }
    history.to_json(tmp_path / "h.json")
    assert History.from_json(tmp_path / "h.json").epochs == history.epochs
    model.train()
    evaluate(model, loader)
    assert model.training


def test_diverging_training_stops_with_a_clear_error():
    model, loader, _, _ = _setup()
    opt = optim.SGD(model.parameters(), lr=1e6)
    with (
        np.errstate(all="ignore"),
        pytest.raises(FloatingPointError, match="lower the learning rate"),
    ):
        fit(model, loader, opt, 3, progress=False, log=None)


def test_save_load_round_trip_without_pickle(tmp_path):
    model, _, opt, sched = _setup()
    obj = {
        "model": model.state_dict(),
        "optimizer": opt.state_dict(),
        "sched": sched.state_dict(),
        "tuple": (1, 2.5),
        "none": None,
        "text": "é",
        "int_keys": {3: np.ones(2)},
    }
    rf.save(obj, tmp_path / "c.npz")
    back = rf.load(tmp_path / "c.npz")
    np.testing.assert_array_equal(back["model"]["0.weight"], obj["model"]["0.weight"])
    assert back["tuple"] == [1, 2.5] and back["none"] is None and back["text"] == "é"
    np.testing.assert_array_equal(back["int_keys"][3], np.ones(2))
    assert back["optimizer"]["param_groups"] == obj["optimizer"]["param_groups"]
    with np.load(tmp_path / "c.npz", allow_pickle=False) as f:
        assert all(f[k].dtype != object for k in f.files)
    with pytest.raises(TypeError, match="cannot store a set"):
        rf.save({"bad": {1, 2}}, tmp_path / "bad.npz")
    assert not (tmp_path / "bad.npz").exists()
