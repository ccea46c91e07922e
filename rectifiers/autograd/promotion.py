"""Which dtype a binary operation computes in: PyTorch's type promotion (``torch.result_type``).

Dtypes fall into three categories, bool < integer < floating. For ``a ∘ b``:

* two tensors of one category: the wider dtype (int32 + int64 → int64,
  float32 + float64 → float64);
* two tensors of different categories: the dtype of the higher one
  (int64 tensor · float32 tensor → float32 — NumPy would say float64);
* a tensor and a Python number: the tensor's dtype, unless the number is of a
  higher category; then that category's default dtype (int tensor · 0.5 →
  float32, bool mask · 0.5 → float32, bool mask + 1 → int64). The number never
  widens the tensor within its category (float32 tensor · 0.1 stays float32).

True division (``/``) of integers gives float32, as in PyTorch. Comparisons
compare in the promoted dtype (``int_tensor < 1.5`` compares 1 < 1.5, not 1 < 1).

Examples:
    >>> import numpy as np
    >>> result_dtype(np.dtype(np.int64), 0.5), result_dtype(np.dtype(bool), 1)
    (dtype('float32'), dtype('int64'))
    >>> result_dtype(np.dtype(np.int64), np.dtype(np.float32))
    dtype('float32')
"""

from __future__ import annotations

from typing import Any

import numpy as np

DEFAULT_FLOAT = np.dtype(np.float32)
DEFAULT_INT = np.dtype(np.int64)
_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2}
_DEFAULT = {0: np.dtype(bool), 1: DEFAULT_INT, 2: DEFAULT_FLOAT}


def is_scalar(value: Any) -> bool:
    """A Python (or NumPy scalar) number: it takes part in promotion only by its category."""
    return isinstance(value, (bool, int, float, np.bool_, np.integer, np.floating))


def scalar_category(value: Any) -> int:
    if isinstance(value, (bool, np.bool_)):
        return 0
    if isinstance(value, (int, np.integer)):
        return 1
    return 2


def result_dtype(a: np.dtype | Any, b: np.dtype | Any) -> np.dtype:
    """The dtype of ``a ∘ b``; each is a tensor's dtype or a Python number."""
    a_scalar, b_scalar = not isinstance(a, np.dtype), not isinstance(b, np.dtype)
    if a_scalar and b_scalar:
        return _DEFAULT[max(scalar_category(a), scalar_category(b))]
    if a_scalar or b_scalar:
        dtype, number = (b, a) if a_scalar else (a, b)
        category = scalar_category(number)
        return dtype if category <= _CATEGORY[dtype.kind] else _DEFAULT[category]
    if a == b:
        return a
    category_a, category_b = _CATEGORY[a.kind], _CATEGORY[b.kind]
    if category_a != category_b:
        return a if category_a > category_b else b
    return np.promote_types(a, b)


def division_dtype(dtype: np.dtype) -> np.dtype:
    """True division computes in floating point: integers and bools divide as float32."""
    return dtype if dtype.kind == "f" else DEFAULT_FLOAT
