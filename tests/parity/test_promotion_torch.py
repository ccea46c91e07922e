"""Type promotion follows torch.result_type: every dtype pair and every Python-number kind."""

from __future__ import annotations

import operator

import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import rectifiers as rf

DTYPES = ["bool", "uint8", "int32", "int64", "float32", "float64"]
OPS = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
    "<": operator.lt, "<=": operator.le, "==": operator.eq, "!=": operator.ne, ">": operator.gt,
}  # fmt: skip
SCALARS = [True, False, 3, -2, 0.5, 1.5, -0.25]


def _values(dtype: str, rng: np.random.Generator) -> np.ndarray:
    if dtype == "bool":
        return rng.integers(0, 2, 5).astype(bool)
    if dtype == "uint8":
        return rng.integers(0, 6, 5).astype(np.uint8)
    return rng.integers(-3, 4, 5).astype(dtype)


def _torch_or_none(call):
    try:
        return call()
    except RuntimeError:  # e.g. bool - bool: torch refuses; no dtype to compare with
        return None


def _assert_same(ours: rf.Tensor, theirs: torch.Tensor) -> None:
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
    np.testing.assert_allclose(
        ours.data.astype(np.float64), theirs.numpy().astype(np.float64), rtol=1e-6
    )


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(DTYPES), st.sampled_from(SCALARS), st.sampled_from(sorted(OPS)),
       st.booleans(), st.integers(0, 2**32 - 1))  # fmt: skip
def test_tensor_with_a_python_number(dtype, scalar, op, scalar_first, seed):
    values = _values(dtype, np.random.default_rng(seed))
    fn = OPS[op]
    if op == "/" and (scalar == 0 or scalar is False) and not scalar_first:
        return
    call = (lambda a: fn(scalar, a)) if scalar_first else (lambda a: fn(a, scalar))
    theirs = _torch_or_none(lambda: call(torch.from_numpy(values.copy())))
    if theirs is None:
        return
    with np.errstate(divide="ignore", invalid="ignore"):
        _assert_same(call(rf.tensor(values.copy())), theirs)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(DTYPES), st.sampled_from(DTYPES), st.sampled_from(sorted(OPS)),
       st.integers(0, 2**32 - 1))  # fmt: skip
def test_two_tensors(dtype_a, dtype_b, op, seed):
    rng = np.random.default_rng(seed)
    a, b = _values(dtype_a, rng), _values(dtype_b, rng)
    if op == "/":
        b = np.where(b == 0, 1, b).astype(b.dtype) if dtype_b != "bool" else np.ones(5, bool)
    theirs = _torch_or_none(lambda: OPS[op](torch.from_numpy(a.copy()), torch.from_numpy(b.copy())))
    if theirs is None:
        return
    _assert_same(OPS[op](rf.tensor(a.copy()), rf.tensor(b.copy())), theirs)


def test_gradients_flow_through_a_promoted_operand():
    x = rf.tensor([1.0, 2.0], requires_grad=True)
    (x * rf.tensor([2, 3])).sum().backward()
    tx = torch.tensor([1.0, 2.0], requires_grad=True)
    (tx * torch.tensor([2, 3])).sum().backward()
    np.testing.assert_array_equal(x.grad.data, tx.grad.numpy())
    assert x.grad.dtype == np.float32
