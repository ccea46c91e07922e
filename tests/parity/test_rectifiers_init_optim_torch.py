"""Activations, init formulas, optimisers and schedules against torch."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import rectifiers as rf
import rectifiers.functional as F
from rectifiers import init, nn, optim
from rectifiers.functional.activations import RReLUTrainFunction
from rectifiers.optim import lr_scheduler

from .helpers import compare

rng = np.random.default_rng(0)
X = rng.standard_normal((4, 3, 5, 5)).astype(np.float32)


@pytest.mark.parametrize("slope", [0.01, 0.2, 1 / 5.5, -0.3])
def test_relu_and_leaky_relu(slope):
    compare(F.relu, TF.relu, [X])
    compare(lambda t: F.leaky_relu(t, slope), lambda t: TF.leaky_relu(t, slope), [X])


def test_relu_at_exactly_zero():
    x = np.array([-1.0, 0.0, 0.0, 2.0], np.float32)
    compare(F.relu, TF.relu, [x])
    compare(lambda t: F.leaky_relu(t, 0.1), lambda t: TF.leaky_relu(t, 0.1), [x])


@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 5, 5), (2, 3, 7)])
@pytest.mark.parametrize("shared", [True, False])
def test_prelu_input_and_slope_gradients(shape, shared):
    x = rng.standard_normal(shape).astype(np.float32)
    a = rng.uniform(0, 0.5, 1 if shared else shape[1]).astype(np.float32)
    compare(F.prelu, TF.prelu, [x, a])


@pytest.mark.parametrize("lower, upper", [(1 / 8, 1 / 3), (0.05, 0.5)])
def test_rrelu_eval(lower, upper):
    compare(
        lambda t: F.rrelu(t, lower, upper, training=False),
        lambda t: TF.rrelu(t, lower, upper, training=False),
        [X],
    )
    assert nn.RReLU(lower, upper).eval_slope == pytest.approx((lower + upper) / 2)


class ReplayUniforms:
    """A stand-in generator whose uniform draws are given values, in order."""

    def __init__(self, uniforms: np.ndarray) -> None:
        self.uniforms, self.used = uniforms.ravel(), 0

    def random(self, size=None, dtype=np.float64, out=None):
        out[...] = self.uniforms[self.used : self.used + out.size].reshape(out.shape)
        self.used += out.size
        return out


def test_rrelu_training_with_torchs_slopes():
    """Draw slopes with torch, read them back from its output, replay them as our uniforms."""
    x = torch.tensor(X, requires_grad=True)
    y = TF.rrelu(x, training=True)
    slopes = torch.where(x > 0, torch.full_like(x, 0.2), y / x).detach().numpy()
    g = rng.standard_normal(X.shape).astype(np.float32)
    y.backward(torch.tensor(g))
    ours = rf.Tensor(X.copy(), requires_grad=True)
    lower, upper = 1 / 8, 1 / 3  # torch's defaults
    uniforms = ReplayUniforms((slopes - lower) / (upper - lower))
    out = RReLUTrainFunction((lower, upper), "slope", uniforms)(ours)
    np.testing.assert_allclose(out.data, y.detach().numpy(), atol=1e-6, rtol=1e-5)
    out.backward(g)
    np.testing.assert_allclose(ours.grad.data, x.grad.numpy(), atol=1e-6, rtol=1e-5)


def test_prelu_module_default_matches_torch():
    assert nn.PReLU().weight.shape == torch.nn.PReLU().weight.shape
    assert nn.PReLU().weight.data[0] == torch.nn.PReLU().weight.item()


@pytest.mark.parametrize(
    "name, param",
    [
        ("relu", None),
        ("leaky_relu", None),
        ("leaky_relu", 0.25),
        ("tanh", None),
        ("linear", None),
        ("conv2d", None),
        ("sigmoid", None),
        ("selu", None),
    ],
)
def test_calculate_gain(name, param):
    assert init.calculate_gain(name, param) == pytest.approx(
        torch.nn.init.calculate_gain(name, param)
    )


@pytest.mark.parametrize("shape", [(7, 5), (64, 32, 3, 3), (16, 4, 5, 1)])
def test_fans(shape):
    theirs = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))
    assert init.calculate_fan_in_and_fan_out(rf.zeros(shape)) == theirs


@pytest.mark.parametrize(
    "ours, theirs, kwargs",
    [
        (init.kaiming_normal_, torch.nn.init.kaiming_normal_, dict(a=0.25, mode="fan_in")),
        (
            init.kaiming_normal_,
            torch.nn.init.kaiming_normal_,
            dict(a=0.0, mode="fan_out", nonlinearity="relu"),
        ),
        (init.kaiming_uniform_, torch.nn.init.kaiming_uniform_, dict(a=math.sqrt(5))),
        (init.xavier_uniform_, torch.nn.init.xavier_uniform_, dict(gain=1.5)),
        (init.xavier_normal_, torch.nn.init.xavier_normal_, dict()),
    ],
)
def test_init_distributions_match_torch(ours, theirs, kwargs):
    shape = (256, 128, 3, 3)
    a = ours(rf.zeros(*shape), generator=np.random.default_rng(0), **kwargs).data
    torch.manual_seed(0)
    b = theirs(torch.empty(shape), **kwargs).numpy()
    assert abs(a.std() / b.std() - 1) < 0.01
    assert abs(np.abs(a).max() / np.abs(b).max() - 1) < 0.05


def _twin_models():
    ours = nn.Sequential(nn.Linear(6, 8), nn.PReLU(8), nn.Linear(8, 3))
    theirs = torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.PReLU(8), torch.nn.Linear(8, 3))
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    return ours, theirs


def _groups(model, names):
    decay = [p for n, p in names(model) if not n.startswith("1.")]
    slopes = [p for n, p in names(model) if n.startswith("1.")]
    return [{"params": decay}, {"params": slopes, "weight_decay": 0.0}]


@pytest.mark.parametrize(
    "ours_cls, theirs_cls, kwargs",
    [
        (optim.SGD, torch.optim.SGD, dict(lr=0.1)),
        (optim.SGD, torch.optim.SGD, dict(lr=0.1, momentum=0.9, weight_decay=5e-3)),
        (optim.SGD, torch.optim.SGD, dict(lr=0.05, momentum=0.9, dampening=0.1, weight_decay=1e-3)),
        (optim.SGD, torch.optim.SGD, dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3)),
        (optim.Adam, torch.optim.Adam, dict(lr=0.01, weight_decay=1e-3)),
        (optim.Adam, torch.optim.Adam, dict(lr=0.01, betas=(0.8, 0.99), amsgrad=True)),
        (optim.AdamW, torch.optim.AdamW, dict(lr=0.01, weight_decay=0.1)),
    ],
)
def test_trajectories_over_20_steps(ours_cls, theirs_cls, kwargs):
    ours, theirs = _twin_models()
    opt = ours_cls(_groups(ours, lambda m: m.named_parameters()), **kwargs)
    topt = theirs_cls(_groups(theirs, lambda m: m.named_parameters()), **kwargs)
    sched = lr_scheduler.StepLR(opt, step_size=7, gamma=0.5)
    tsched = torch.optim.lr_scheduler.StepLR(topt, step_size=7, gamma=0.5)
    x = rng.standard_normal((16, 6)).astype(np.float32)
    y = rng.integers(0, 3, 16)
    for _ in range(20):
        opt.zero_grad(), topt.zero_grad()
        F.cross_entropy(ours(rf.tensor(x)), y).backward()
        TF.cross_entropy(theirs(torch.tensor(x)), torch.tensor(y)).backward()
        opt.step(), topt.step()
        sched.step(), tsched.step()
    for (name, p), q in zip(ours.named_parameters(), theirs.parameters()):
        np.testing.assert_allclose(p.data, q.detach().numpy(), atol=1e-5, rtol=1e-4, err_msg=name)


def _lrs(make_ours, make_theirs, epochs=15):
    p, q = rf.ones(1, requires_grad=True), torch.ones(1, requires_grad=True)
    opt, topt = optim.SGD([p], lr=0.1), torch.optim.SGD([q], lr=0.1)
    sched, tsched = make_ours(opt), make_theirs(topt)
    ours, theirs = [], []
    for _ in range(epochs):
        ours.append(sched.get_last_lr()[0])
        theirs.append(tsched.get_last_lr()[0])
        opt.step(), topt.step()
        sched.step(), tsched.step()
    np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)


def test_schedules_match_torch():
    T = torch.optim.lr_scheduler
    _lrs(lambda o: lr_scheduler.StepLR(o, 4, 0.5), lambda o: T.StepLR(o, 4, 0.5))
    _lrs(
        lambda o: lr_scheduler.MultiStepLR(o, [3, 8], 0.2), lambda o: T.MultiStepLR(o, [3, 8], 0.2)
    )
    _lrs(
        lambda o: lr_scheduler.CosineAnnealingLR(o, 10, 1e-3),
        lambda o: T.CosineAnnealingLR(o, 10, 1e-3),
        epochs=11,
    )
    _lrs(lambda o: lr_scheduler.LinearLR(o, 0.25, 1.0, 4), lambda o: T.LinearLR(o, 0.25, 1.0, 4))
