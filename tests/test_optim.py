"""Optimisers, parameter groups, state dicts, schedules, and PReLU slopes without decay."""

from __future__ import annotations

import numpy as np
import pytest

import rectifiers as rf
from rectifiers import nn, optim
from rectifiers.optim import lr_scheduler


def quadratic_step(param, optimizer):
    optimizer.zero_grad()
    ((param - 3.0) ** 2).sum().backward()
    optimizer.step()


def test_sgd_plain_momentum_and_nesterov_by_hand():
    p = rf.tensor([1.0], requires_grad=True)
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    quadratic_step(p, opt)  # g = -4, v = -4
    assert p.item() == pytest.approx(1.4)
    quadratic_step(p, opt)  # g = -3.2, v = 0.9·(-4) - 3.2 = -6.8
    assert p.item() == pytest.approx(1.4 + 0.68)
    q = rf.tensor([1.0], requires_grad=True)
    quadratic_step(q, optim.SGD([q], lr=0.1, momentum=0.9, nesterov=True))  # d = g + 0.9·v = -7.6
    assert q.item() == pytest.approx(1.76)


def test_lr_outside_the_velocity_pytorch_form():
    """After a learning-rate change the *whole* velocity is scaled by the new lr at once."""
    p = rf.tensor([0.0], requires_grad=True)
    opt = optim.SGD([p], lr=1.0, momentum=0.5)
    p.grad = rf.tensor([1.0])
    opt.step()  # v = 1, p = -1
    opt.param_groups[0]["lr"] = 0.1
    p.grad = rf.tensor([0.0])
    opt.step()  # v = 0.5, p = -1 - 0.1·0.5
    assert p.item() == pytest.approx(-1.05)


def test_weight_decay_and_groups():
    a, b = rf.tensor([1.0], requires_grad=True), rf.tensor([1.0], requires_grad=True)
    opt = optim.SGD(
        [{"params": [a]}, {"params": [b], "weight_decay": 0.0}], lr=0.1, weight_decay=0.5
    )
    a.grad, b.grad = rf.tensor([0.0]), rf.tensor([0.0])
    opt.step()
    assert a.item() == pytest.approx(0.95) and b.item() == 1.0


def test_optimizer_errors():
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([], lr=0.1)
    p = rf.ones(1, requires_grad=True)
    with pytest.raises(ValueError, match="more than one group"):
        optim.SGD([{"params": [p]}, {"params": [p]}], lr=0.1)
    with pytest.raises(ValueError, match="unknown hyper-parameters \\['momentun'\\]"):
        optim.SGD([{"params": [p], "momentun": 0.9}], lr=0.1)
    with pytest.raises(TypeError, match="floating-point"):
        optim.SGD([rf.tensor([1, 2])], lr=0.1)


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=1e-3),
        lambda ps: optim.Adam(ps, lr=0.01, amsgrad=True),
        lambda ps: optim.AdamW(ps, lr=0.01),
    ],
)
def test_state_dict_resume_continues_exactly(make):
    def run(steps, resume_at=None):
        p = rf.tensor(np.linspace(-1, 1, 5).astype(np.float32), requires_grad=True)
        opt = make([p])
        for i in range(steps):
            if i == resume_at:
                state = opt.state_dict()
                p = rf.tensor(p.data.copy(), requires_grad=True)
                opt = make([p])
                opt.load_state_dict(state)
            quadratic_step(p, opt)
        return p.data

    np.testing.assert_array_equal(run(10), run(10, resume_at=4))


def test_prelu_slopes_are_not_decayed():
    """Train with strong weight decay: the decayed weights shrink, the PReLU slopes do not move
    from what the data gradient alone does to them (here: nothing, all inputs positive)."""
    rng = np.random.default_rng(0)
    model = nn.Sequential(
        nn.Linear(4, 8, generator=rng), nn.PReLU(8), nn.Linear(8, 2, generator=rng)
    )
    with rf.no_grad():
        model[0].weight.data[...] = np.abs(model[0].weight.data)
        model[0].bias.data[...] = 5.0  # keeps every PReLU input positive while training
    x = rf.tensor(np.abs(rng.standard_normal((16, 4))).astype(np.float32))  # PReLU inputs all > 0
    y = rng.integers(0, 2, 16)
    opt = optim.SGD(optim.param_groups_no_decay(model, weight_decay=0.1), lr=0.01, momentum=0.9)
    norm_before = np.linalg.norm(model[2].weight.data)
    for _ in range(20):
        opt.zero_grad()
        rf.functional.cross_entropy(model(x), y).backward()
        opt.step()
    np.testing.assert_array_equal(model[1].weight.data, 0.25)
    assert np.linalg.norm(model[2].weight.data) < norm_before
    # the same run with decay on everything pulls the slopes toward zero
    opt = optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=0.1)
    for _ in range(5):
        opt.zero_grad()
        rf.functional.cross_entropy(model(x), y).backward()
        opt.step()
    assert np.all(model[1].weight.data < 0.25)


def test_no_decay_groups_can_exclude_norm_and_bias():
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.PReLU(4))
    decay, no_decay = optim.param_groups_no_decay(model, 5e-4, exclude_norm_and_bias=True)
    assert [p.shape for p in decay["params"]] == [(4, 3, 3, 3)]
    assert len(no_decay["params"]) == 4


def test_schedules_closed_forms():
    opt = optim.SGD([rf.ones(1, requires_grad=True)], lr=1.0)
    sched = lr_scheduler.MultiStepLR(opt, [2, 4], gamma=0.1)
    lrs = []
    for _ in range(6):
        lrs.append(sched.get_last_lr()[0])
        sched.step()
    np.testing.assert_allclose(lrs, [1, 1, 0.1, 0.1, 0.01, 0.01])


def test_warmup_then_cosine_and_resume():
    def make():
        opt = optim.SGD([rf.ones(1, requires_grad=True)], lr=0.1)
        warm = lr_scheduler.LinearLR(opt, start_factor=0.1, total_iters=3)
        cosine = lr_scheduler.CosineAnnealingLR(opt, T_max=10)
        return opt, lr_scheduler.SequentialLR(opt, [warm, cosine], milestones=[3])

    opt, sched = make()
    lrs = []
    for _ in range(14):  # 3 warm-up epochs, then the cosine reaches 0 at its epoch 10
        lrs.append(opt.param_groups[0]["lr"])
        sched.step()
    assert (
        lrs[0] == pytest.approx(0.01)
        and lrs[3] == pytest.approx(0.1)
        and lrs[-1] == pytest.approx(0.0, abs=1e-12)
    )
    opt2, sched2 = make()
    opt2.load_state_dict(opt.state_dict())  # the rates live in the optimiser, as in PyTorch
    sched2.load_state_dict(sched.state_dict())
    for _ in range(3):
        sched.step(), sched2.step()
        assert opt2.param_groups[0]["lr"] == opt.param_groups[0]["lr"]


def test_a_layer_of_ones_own_opts_out_of_weight_decay_by_naming_its_parameters():
    class Gate(nn.Module):
        no_weight_decay = ("gain",)

        def __init__(self):
            super().__init__()
            self.gain = nn.Parameter(np.ones(3, np.float32))
            self.weight = nn.Parameter(np.ones(3, np.float32))

    gate = Gate()
    decayed, undecayed = optim.param_groups_no_decay(nn.Sequential(gate), 5e-4)
    assert [id(p) for p in undecayed["params"]] == [id(gate.gain)]
    assert [id(p) for p in decayed["params"]] == [id(gate.weight)]


def test_optim_imports_no_model_classes():
    """The optimisers sit above the layers on the import ladder but know none of them."""
    import ast
    from pathlib import Path

    for path in Path(optim.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level >= 2:
                assert (node.module or "").split(".")[0] not in {
                    "activations",
                    "layers",
                    "models",
                }, path
