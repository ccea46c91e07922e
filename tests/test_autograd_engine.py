"""The backward engine: accumulation, graph freeing, depth, memory, no_grad, errors."""

from __future__ import annotations

import gc
import tracemalloc
import weakref

import numpy as np
import pytest

import rectifiers as rf
from rectifiers.autograd import Function, GradcheckError, gradcheck

from .helpers import random64


def test_second_backward_adds_to_grad():
    x = rf.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_array_equal(x.grad.data, [4.0, 8.0])
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [7.0, 11.0])


def test_backward_through_a_freed_graph_is_an_error():
    x = rf.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp() * 2).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="second time"):
        y.backward()


def test_a_tensor_used_twice_gets_both_gradients():
    x = rf.tensor(3.0, requires_grad=True)
    h = x * x
    (h + h * x).backward()  # d/dx (x² + x³) = 2x + 3x²
    assert x.grad.item() == pytest.approx(2 * 3 + 3 * 9)


def test_diamond_graph_runs_each_backward_once():
    calls = []

    class Spy(Function):
        def forward(self, x):
            return x.copy()

        def backward(self, grad):
            calls.append(1)
            return grad

    x = rf.tensor([1.0], requires_grad=True)
    shared = Spy()(x)
    (shared * 2 + shared * 3).sum().backward()
    assert calls == [1]
    assert x.grad.item() == 5.0


def test_deep_chain_does_not_recurse():
    x = rf.tensor([0.5], requires_grad=True)
    y = x
    for _ in range(5000):
        y = y * 1.0 + 0.0
    y.sum().backward()
    assert x.grad.item() == 1.0


def test_200_layer_chain_gradient_is_right():
    x = random64((3,), seed=1)
    assert gradcheck(lambda t: _chain(t, 200), [x])


def _chain(t, depth):
    for i in range(depth):
        t = (t * (1.0 + 0.001 * (i % 3))).tanh() + 0.01
    return t


def test_graph_is_released_and_memory_stays_flat():
    w = rf.randn(64, 64, seed=0, requires_grad=True)
    x = rf.randn(32, 64, seed=1)
    tracemalloc.start()
    for i in range(1000):
        loss = ((x @ w).tanh() * 2).mean()
        loss.backward()
        w.grad = None
        if i == 100:
            gc.collect()
            baseline, _ = tracemalloc.get_traced_memory()
    gc.collect()
    final, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert final - baseline < 64 * 1024, (baseline, final)


def test_graph_nodes_are_freed_after_backward():
    x = rf.tensor([1.0], requires_grad=True)
    y = x * 2
    node = weakref.ref(y.grad_fn)
    y.sum().backward()
    del y
    assert node() is None


def test_no_grad_records_nothing():
    x = rf.tensor([1.0], requires_grad=True)
    with rf.no_grad():
        y = x * 2
    assert not y.requires_grad and y.grad_fn is None
    assert rf.is_grad_enabled()

    @rf.no_grad()
    def double(t):
        return t * 2

    assert double(x).grad_fn is None
    assert (x * 2).grad_fn is not None


def test_set_grad_enabled_as_call_and_context():
    x = rf.tensor([1.0], requires_grad=True)
    with rf.set_grad_enabled(False):
        assert (x * 2).grad_fn is None
        with rf.enable_grad():
            assert (x * 2).grad_fn is not None
    assert rf.is_grad_enabled()
    rf.set_grad_enabled(False)
    try:
        assert not rf.is_grad_enabled()
    finally:
        rf.set_grad_enabled(True)


def test_detach_cuts_the_graph_and_shares_data():
    x = rf.tensor([1.0, 2.0], requires_grad=True)
    d = (x * 2).detach()
    assert d.grad_fn is None and not d.requires_grad
    y = x * 1
    assert y.detach().data is y.data


def test_retain_grad_keeps_an_intermediate_gradient():
    x = rf.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    h.retain_grad()
    (h * h).sum().backward()
    np.testing.assert_array_equal(h.grad.data, [6.0, 12.0])


def test_float32_stays_float32_with_python_scalars():
    x = rf.ones(3, requires_grad=True)
    y = (2.5 * x + 1) / 3 - x**2
    assert y.dtype == np.float32
    y.sum().backward()
    assert x.grad.dtype == np.float32


def test_default_dtypes_follow_pytorch():
    assert rf.tensor([1.0]).dtype == np.float32
    assert rf.tensor([1]).dtype == np.int64
    assert rf.tensor(np.ones(2)).dtype == np.float64
    assert rf.randn(2, 2, seed=0).dtype == np.float32
    assert rf.zeros((2, 3)).shape == rf.zeros(2, 3).shape == (2, 3)


def test_random_constructors_are_reproducible():
    a = rf.randn(3, generator=np.random.default_rng(7))
    b = rf.randn(3, seed=7)
    np.testing.assert_array_equal(a.data, b.data)
    with pytest.raises(ValueError, match="either"):
        rf.randn(3, seed=1, generator=np.random.default_rng(1))


# --- errors a user can act on ------------------------------------------------------------


def test_backward_on_non_scalar_needs_a_gradient():
    y = rf.ones(2, 3, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match=r"shape \(2, 3\)"):
        y.backward()
    y.backward(np.ones((2, 3)))
    with pytest.raises(ValueError, match="grad has shape"):
        (rf.ones(2, requires_grad=True) * 2).backward(np.ones(3))


def test_integer_tensors_cannot_require_grad():
    with pytest.raises(TypeError, match="floating-point"):
        rf.tensor([1, 2], requires_grad=True)


def test_backward_without_any_grad_is_an_error():
    with pytest.raises(RuntimeError, match="does not require grad"):
        (rf.ones(1) * 2).backward()


@pytest.mark.parametrize(
    "bad, message",
    [
        (lambda: rf.ones(2, 3) @ rf.ones(2, 3), r"\(2, 3\) and \(2, 3\) do not align"),
        (lambda: rf.ones(2, 3) + rf.ones(4), r"\(2, 3\) and \(4,\) cannot be broadcast"),
        (lambda: rf.ones(2, 3).reshape(4, 2), r"shape \(2, 3\).*into \(4, 2\)"),
        (lambda: rf.ones(2, 3).sum(axis=2), "axis 2 is out of range"),
        (lambda: rf.ones(2, 3).permute(0, 0), "not a permutation"),
        (lambda: rf.concatenate([rf.ones(2, 3), rf.ones(3, 2)]), "differ off that axis"),
        (lambda: rf.stack([rf.ones(2), rf.ones(3)]), "same shape"),
        (lambda: rf.ones(2, 3)[5], r"shape \(2, 3\)"),
        (lambda: rf.ones(3).item(), "single-element"),
        (lambda: rf.tensor(["a"]), "dtype"),
    ],
)
def test_errors_name_the_problem(bad, message):
    with pytest.raises((ValueError, TypeError, IndexError, RuntimeError), match=message):
        bad()


def test_numpy_ufuncs_refuse_tensors_instead_of_dropping_the_graph():
    with pytest.raises(TypeError):
        np.exp(rf.ones(2, requires_grad=True))


def test_in_place_write_into_a_graph_tensor_is_refused():
    w = rf.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="no_grad"):
        w[0] = 5.0
    with rf.no_grad():
        w[0] = 5.0
    assert w.data[0] == 5.0


# --- gradcheck itself -----------------------------------------------------------------


class WrongSquare(Function):
    def forward(self, x):
        self.x = x
        return x * x

    def backward(self, grad):
        return 3 * self.x * grad  # wrong on purpose: should be 2x


def test_gradcheck_catches_a_wrong_backward_and_names_the_worst_element():
    x = random64((4,), seed=3)
    with pytest.raises(GradcheckError, match="worst element"):
        gradcheck(lambda t: WrongSquare()(t), [x])
    assert gradcheck(lambda t: WrongSquare()(t), [x], raise_exception=False) is False


def test_gradcheck_refuses_float32():
    with pytest.raises(TypeError, match="float64"):
        gradcheck(lambda t: t * 2, [rf.ones(2, requires_grad=True)])


def test_wrong_gradient_shape_from_a_custom_function_is_named():
    class BadShape(Function):
        def forward(self, x):
            return x * 1

        def backward(self, grad):
            return grad.sum()

    with pytest.raises(RuntimeError, match="BadShape.backward returned a gradient of shape"):
        BadShape()(rf.ones(3, requires_grad=True)).sum().backward()
