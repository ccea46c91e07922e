"""RMSprop, maximize=, OneCycleLR and ReduceLROnPlateau against torch."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import rectifiers as rf
from rectifiers import optim
from rectifiers.optim import lr_scheduler


def _trajectories(make_ours, make_theirs, steps=12):
    rng = np.random.default_rng(0)
    start = rng.standard_normal(5).astype(np.float32)
    p, q = (
        rf.tensor(start.copy(), requires_grad=True),
        torch.tensor(start.copy(), requires_grad=True),
    )
    opt, topt = make_ours([p]), make_theirs([q])
    for _ in range(steps):
        g = rng.standard_normal(5).astype(np.float32)
        p.grad, q.grad = rf.tensor(g.copy()), torch.tensor(g.copy())
        opt.step(), topt.step()
        np.testing.assert_allclose(p.data, q.detach().numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"momentum": 0.9}, {"centered": True}, {"weight_decay": 0.1, "momentum": 0.5, "centered": True},
     {"maximize": True, "alpha": 0.9}],
)  # fmt: skip
def test_rmsprop(kwargs):
    _trajectories(
        lambda p: optim.RMSprop(p, lr=0.01, **kwargs),
        lambda p: torch.optim.RMSprop(p, lr=0.01, **kwargs),
    )


def test_maximize_for_sgd_and_adam():
    _trajectories(lambda p: optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=0.01, maximize=True),
                  lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=0.01, maximize=True))  # fmt: skip
    _trajectories(
        lambda p: optim.Adam(p, lr=0.01, maximize=True),
        lambda p: torch.optim.Adam(p, lr=0.01, maximize=True),
    )
    _trajectories(
        lambda p: optim.AdamW(p, lr=0.01, maximize=True),
        lambda p: torch.optim.AdamW(p, lr=0.01, maximize=True),
    )


@pytest.mark.parametrize("three_phase", [False, True])
@pytest.mark.parametrize("strategy", ["cos", "linear"])
@pytest.mark.parametrize("adam", [False, True])
def test_one_cycle(three_phase, strategy, adam):
    p, q = rf.ones(1, requires_grad=True), torch.ones(1, requires_grad=True)
    opt = optim.Adam([p], lr=0.1) if adam else optim.SGD([p], lr=0.1, momentum=0.9)
    topt = torch.optim.Adam([q], lr=0.1) if adam else torch.optim.SGD([q], lr=0.1, momentum=0.9)
    kw = dict(max_lr=0.5, total_steps=20, anneal_strategy=strategy, three_phase=three_phase)
    ours, theirs = (
        lr_scheduler.OneCycleLR(opt, **kw),
        torch.optim.lr_scheduler.OneCycleLR(topt, **kw),
    )
    key = "betas" if adam else "momentum"
    for _ in range(20):
        np.testing.assert_allclose(
            opt.param_groups[0]["lr"], topt.param_groups[0]["lr"], rtol=1e-12
        )
        np.testing.assert_allclose(opt.param_groups[0][key], topt.param_groups[0][key], rtol=1e-12)
        opt.step(), topt.step()
        ours.step(), theirs.step()
    with pytest.raises(ValueError, match="total_steps"):
        ours.step()


@pytest.mark.parametrize("mode, threshold_mode", [("min", "rel"), ("max", "abs")])
def test_reduce_lr_on_plateau(mode, threshold_mode):
    p, q = rf.ones(1, requires_grad=True), torch.ones(1, requires_grad=True)
    opt, topt = optim.SGD([p], lr=1.0), torch.optim.SGD([q], lr=1.0)
    kw = dict(mode=mode, factor=0.5, patience=2, threshold=0.01, threshold_mode=threshold_mode,
              cooldown=1, min_lr=0.05)  # fmt: skip
    ours = lr_scheduler.ReduceLROnPlateau(opt, **kw)
    theirs = torch.optim.lr_scheduler.ReduceLROnPlateau(topt, **kw)
    metrics = [5, 4, 4, 4, 4, 3.99, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3]
    for value in metrics:
        ours.step(value), theirs.step(value)
        assert opt.param_groups[0]["lr"] == pytest.approx(topt.param_groups[0]["lr"])
