"""In-place operations as PyTorch: ``-=`` updates the tensor, leaves are guarded, stale saves detected."""

import numpy as np
import pytest

import rectifiers as rf
from rectifiers import nn


def _param(values=(1.0, 2.0, 3.0)):
    return nn.Parameter(np.array(values, dtype=np.float32))


def test_augmented_assignment_under_no_grad_updates_the_parameter_itself():
    model = nn.Linear(3, 1)
    before = model.weight.data.copy()
    model(rf.ones(2, 3)).sum().backward()
    with rf.no_grad():
        for p in model.parameters():
            p -= 0.1 * p.grad  # the hand-written SGD step of every tutorial
    np.testing.assert_allclose(model.weight.data, before - 0.1 * 2.0)
    assert model.weight.grad_fn is None and model.weight.requires_grad


@pytest.mark.parametrize(
    "change",
    [
        lambda p: p.__isub__(1.0),
        lambda p: p.__imul__(2.0),
        lambda p: p.add_(1.0),
        lambda p: p.zero_(),
        lambda p: p.fill_(3.0),
        lambda p: p.copy_(np.zeros(3)),
        lambda p: p.clamp_(0, 1),
        lambda p: p.normal_(),
        lambda p: p.uniform_(),
    ],
)
def test_changing_a_leaf_that_requires_grad_needs_no_grad(change):
    p = _param()
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        change(p)
    np.testing.assert_array_equal(p.data, [1, 2, 3])
    with rf.no_grad():
        assert change(p) is p


def test_a_saved_tensor_changed_in_place_fails_the_backward():
    x, w = rf.tensor([1.0, 2.0, 3.0]), _param()
    y = (x * w).sum()  # Mul keeps w's values for x's... and x's for w's gradient
    with rf.no_grad():
        x += 1  # x is not a parameter: the change is allowed, but Mul saved its old values
    with pytest.raises(RuntimeError, match="modified by an inplace operation.*Mul"):
        y.backward()


def test_an_optimiser_step_between_forward_and_backward_is_detected():
    w = _param()
    loss = (w * w).sum()
    opt = rf.optim.SGD([w], lr=0.1)
    w.grad = rf.ones(3)
    opt.step()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


def test_a_change_that_no_backward_needs_is_allowed():
    x, w = rf.tensor([1.0, 2.0, 3.0]), _param()
    y = (x + w).sum()  # Add keeps only shapes
    with rf.no_grad():
        x += 1
    y.backward()
    np.testing.assert_array_equal(w.grad.data, [1, 1, 1])


def test_a_change_through_a_detached_view_is_seen():
    w = _param()
    y = w.exp()  # Exp keeps its output
    y.detach().add_(1.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation.*Exp"):
        y.sum().backward()


def test_in_place_arithmetic_on_a_graph_tensor_is_recorded():
    w = _param()
    h = w * 2
    h += w  # h = 3w
    h *= h  # h = 9w²
    h.sum().backward()
    np.testing.assert_allclose(w.grad.data, 18 * w.data)
    acc = rf.zeros(3)
    acc += w * 2  # a plain tensor takes over a recorded result
    assert acc.requires_grad
    w.grad = None
    acc.sum().backward()
    np.testing.assert_allclose(w.grad.data, 2)


def test_in_place_casting_follows_pytorch():
    counts = rf.tensor([1, 2])
    counts += 1
    assert counts.dtype == np.int64 and counts.tolist() == [2, 3]
    with pytest.raises(RuntimeError, match="can't be cast"):
        counts += 0.5
    floats = rf.tensor([1.0, 2.0])
    floats *= rf.tensor([2, 3])
    assert floats.dtype == np.float32 and floats.tolist() == [2.0, 6.0]


def test_versions_count_changes():
    t = rf.zeros(3)
    assert t._version == 0
    t.add_(1)
    t[0] = 5
    t.zero_()
    assert t._version == 3
