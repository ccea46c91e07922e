"""Optimiser mistakes are clear errors that name the argument or parameter, never silent."""

import math

import numpy as np
import pytest

import rectifiers as rf
from rectifiers import nn, optim

OPTIMISERS = {
    "SGD": lambda params, **kw: optim.SGD(params, **{"lr": 0.1, **kw}),
    "Adam": lambda params, **kw: optim.Adam(params, **kw),
    "AdamW": lambda params, **kw: optim.AdamW(params, **kw),
}


def _param(*shape: int) -> nn.Parameter:
    return nn.Parameter(np.ones(shape or (3,), dtype=np.float32))


@pytest.mark.parametrize("name", sorted(OPTIMISERS))
def test_a_bare_tensor_instead_of_an_iterable_is_refused(name):
    with pytest.raises(TypeError, match="iterable of Tensors.*got a Tensor"):
        OPTIMISERS[name](nn.Linear(3, 2).weight)


@pytest.mark.parametrize("name", sorted(OPTIMISERS))
def test_a_generator_of_parameters_is_taken_in_full(name):
    model = nn.Linear(3, 2)
    opt = OPTIMISERS[name](model.parameters())
    assert sum(len(g["params"]) for g in opt.param_groups) == 2


@pytest.mark.parametrize("name", sorted(OPTIMISERS))
def test_a_gradient_of_the_wrong_shape_is_refused_before_any_update(name):
    a, b = _param(3), _param(2, 2)
    opt = OPTIMISERS[name]([a, b])
    a.grad = rf.ones(3)
    b.grad = rf.ones(2)  # would broadcast over (2, 2)
    with pytest.raises(ValueError, match=r"parameter 1 .*shape \(2, 2\).*gradient.*shape \(2,\)"):
        opt.step()
    np.testing.assert_array_equal(a.data, 1)  # nothing was updated
    np.testing.assert_array_equal(b.data, 1)


@pytest.mark.parametrize("name", sorted(OPTIMISERS))
def test_a_gradient_of_another_dtype_is_refused(name):
    p = _param(3)
    opt = OPTIMISERS[name]([p])
    p.grad = rf.tensor(np.ones(3, dtype=np.float64))
    with pytest.raises(TypeError, match="dtype"):
        opt.step()


BAD_HYPERPARAMETERS = {
    "SGD": [
        {"lr": -1.0},
        {"lr": math.nan},
        {"lr": math.inf},
        {"momentum": -0.1},
        {"momentum": math.nan},
        {"weight_decay": -1.0},
        {"weight_decay": math.nan},
        {"dampening": math.nan},
        {"lr": "0.1"},
    ],
    "Adam": [
        {"lr": -1.0},
        {"lr": math.nan},
        {"eps": -1.0},
        {"eps": math.nan},
        {"weight_decay": math.nan},
        {"betas": (0.9, 1.0)},
        {"betas": (math.nan, 0.9)},
        {"betas": (0.9,)},
        {"lr": None},
    ],
}
BAD_CASES = [(name, kw) for name, cases in BAD_HYPERPARAMETERS.items() for kw in cases]


@pytest.mark.parametrize("name,kwargs", BAD_CASES, ids=[f"{n}-{k}" for n, k in BAD_CASES])
def test_bad_hyperparameters_are_refused_in_the_constructor(name, kwargs):
    with pytest.raises((ValueError, TypeError), match=next(iter(kwargs))):
        OPTIMISERS[name]([_param()], **kwargs)


@pytest.mark.parametrize("name,kwargs", BAD_CASES, ids=[f"{n}-{k}" for n, k in BAD_CASES])
def test_bad_hyperparameters_are_refused_in_a_parameter_group(name, kwargs):
    with pytest.raises((ValueError, TypeError), match=next(iter(kwargs))):
        OPTIMISERS[name]([{"params": [_param()]}, {"params": [_param()], **kwargs}])


def test_a_learning_rate_set_by_hand_to_nan_is_caught_at_the_next_step():
    p = _param()
    opt = optim.SGD([p], lr=0.1)
    opt.param_groups[0]["lr"] = math.nan
    p.grad = rf.ones(3)
    with pytest.raises(ValueError, match="lr"):
        opt.step()
    np.testing.assert_array_equal(p.data, 1)


def _stepped(opt, params):
    for p in params:
        p.grad = rf.ones(*p.shape)
    opt.step()
    return opt.state_dict()


@pytest.mark.parametrize("source,target", [("Adam", "SGD"), ("SGD", "Adam")])
def test_a_state_dict_of_another_optimiser_is_refused_and_changes_nothing(source, target):
    params = [_param(3)]
    saved = _stepped(
        OPTIMISERS[source](params, **({"momentum": 0.9} if source == "SGD" else {})), params
    )
    fresh = [_param(3)]
    opt = OPTIMISERS[target](fresh)
    before = opt.state_dict()
    with pytest.raises(ValueError, match=f"{source}|hyper-parameters|state"):
        opt.load_state_dict(saved)
    assert opt.state_dict() == before


def test_an_optimiser_state_of_the_wrong_shape_is_refused_and_changes_nothing():
    params = [_param(3)]
    saved = _stepped(optim.SGD(params, lr=0.1, momentum=0.9), params)
    other = [_param(4)]
    opt = optim.SGD(other, lr=0.5, momentum=0.9)
    with pytest.raises(ValueError, match=r"shape \(3,\).*\(4,\)|\(4,\).*\(3,\)"):
        opt.load_state_dict(saved)
    assert opt.param_groups[0]["lr"] == 0.5 and not opt.state


def test_parameters_that_do_not_require_grad_are_accepted_and_skipped():
    frozen = nn.Parameter(np.ones(3, dtype=np.float32), requires_grad=False)
    live = _param(3)
    opt = optim.SGD([frozen, live], lr=0.1)
    live.grad = rf.ones(3)
    opt.step()
    np.testing.assert_array_equal(frozen.data, 1)
    np.testing.assert_allclose(live.data, 0.9)


def test_a_non_leaf_tensor_is_refused():
    w = _param(3)
    with pytest.raises(ValueError, match="leaf"):
        optim.SGD([w * 2], lr=0.1)
