"""Schedulers compose as PyTorch's chainable ones: stepped together, after a hand-set lr, in sequence."""

from __future__ import annotations

import numpy as np
import torch

import rectifiers as rf
from rectifiers import optim
from rectifiers.optim import lr_scheduler as ours

theirs = torch.optim.lr_scheduler


def _pair(lr: float = 0.1):
    p, q = rf.ones(1, requires_grad=True), torch.ones(1, requires_grad=True)
    return optim.SGD([p], lr=lr, momentum=0.9), torch.optim.SGD([q], lr=lr, momentum=0.9)


def _run(make, epochs: int = 25, hand_set: dict[int, float] | None = None) -> None:
    """``make(lib_module, optimizer)`` builds the schedulers; compare the lr at every epoch."""
    opt, topt = _pair()
    ours_s, theirs_s = make(ours, opt), make(theirs, topt)
    for epoch in range(epochs):
        if hand_set and epoch in hand_set:
            opt.param_groups[0]["lr"] = topt.param_groups[0]["lr"] = hand_set[epoch]
        np.testing.assert_allclose(
            opt.param_groups[0]["lr"],
            topt.param_groups[0]["lr"],
            rtol=1e-12,
            err_msg=f"epoch {epoch}",
        )
        opt.step(), topt.step()
        for a, b in zip(ours_s, theirs_s):
            a.step(), b.step()


def test_two_schedulers_stepped_together_compose():
    _run(lambda m, o: [m.StepLR(o, 3, 0.5), m.ExponentialLR(o, 0.9)])
    _run(lambda m, o: [m.MultiStepLR(o, [4, 9], 0.1), m.CosineAnnealingLR(o, 12)])
    _run(lambda m, o: [m.LinearLR(o, 0.2, 1.0, 5), m.StepLR(o, 4, 0.7)])


def test_a_hand_set_learning_rate_is_kept_and_scaled():
    hand = {6: 0.02, 13: 0.3}
    _run(lambda m, o: [m.StepLR(o, 4, 0.5)], hand_set=hand)
    _run(lambda m, o: [m.CosineAnnealingLR(o, 10, 1e-3)], hand_set=hand)
    _run(lambda m, o: [m.ExponentialLR(o, 0.95)], hand_set=hand)


def test_cosine_goes_past_t_max_as_torch():
    _run(lambda m, o: [m.CosineAnnealingLR(o, 5, 0.01)], epochs=23)


def test_warm_up_then_cosine_in_sequence():
    def make(m, o):
        return [m.SequentialLR(o, [m.LinearLR(o, 0.1, 1.0, 3), m.CosineAnnealingLR(o, 10)], [3])]

    _run(make, epochs=16)


def test_lambda_lr():
    _run(lambda m, o: [m.LambdaLR(o, lambda e: 1 / (1 + e))])
