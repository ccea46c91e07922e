"""The blocked batch-norm statistics stay accurate in float32 (the layouts, block sizes and
fold factors are tested against the reference in test_kernels_equal_references.py)."""

from __future__ import annotations

import numpy as np
import pytest

from rectifiers.kernels import batch_norm as bn

from .helpers import channels_last, small_chunks


@pytest.mark.parametrize("last", [False, True])
def test_variance_stays_accurate_in_float32_when_the_mean_is_large(last):
    rng = np.random.default_rng(1)
    x = (1e4 + rng.standard_normal((16, 4, 8, 8))).astype(np.float32)
    if last:
        x = channels_last(x)
    with small_chunks(512):  # many chunks to merge
        _, _, mean, var = bn.batch_norm_train_forward(x, None, None, 1e-5)
    x64 = x.astype(np.float64)
    np.testing.assert_allclose(var, x64.var(axis=(0, 2, 3)), rtol=1e-4)
    np.testing.assert_allclose(mean, x64.mean(axis=(0, 2, 3)), rtol=1e-6)
