"""The silent traps of mixed dtypes, without torch: integer and bool tensors with Python floats."""

import numpy as np
import pytest

import rectifiers as rf


@pytest.mark.parametrize(
    "expression, expected, dtype",
    [
        (lambda: rf.tensor([1, 3]) * 0.5, [0.5, 1.5], "float32"),
        (lambda: rf.tensor([1, 3]) + 1.5, [2.5, 4.5], "float32"),
        (lambda: 1.5 - rf.tensor([1, 3]), [0.5, -1.5], "float32"),
        (lambda: rf.tensor([True, False]) * 0.5, [0.5, 0.0], "float32"),
        (lambda: rf.tensor([True, False]) + 1, [2, 1], "int64"),
        (lambda: rf.tensor([1, 3]) < 1.5, [True, False], "bool"),
        (lambda: rf.tensor([1, 3]) == 1.0, [True, False], "bool"),
        (lambda: rf.tensor([1, 3]) / 2, [0.5, 1.5], "float32"),
        (lambda: rf.tensor([1, 3]) * 2, [2, 6], "int64"),
        (lambda: rf.tensor([1.0, 3.0]) * 0.1, [0.1, 0.3], "float32"),
        (lambda: rf.tensor([1, 3]) * rf.tensor([0.5, 0.5]), [0.5, 1.5], "float32"),
        (lambda: rf.where(rf.tensor([True, False]), rf.tensor([1, 2]), 0.5), [1.0, 0.5], "float32"),
    ],
)
def test_mixed_dtypes_promote_as_pytorch(expression, expected, dtype):
    result = expression()
    assert str(result.dtype) == dtype
    np.testing.assert_allclose(result.data.astype(float), expected, rtol=1e-6)
