"""PyTorch idioms that used to run without error and compute the wrong thing."""

import numpy as np
import pytest

import rectifiers as rf


@pytest.mark.parametrize("batch", [1, 2, 3, 5])
def test_max_over_a_dim_unpacks_into_values_and_indices(batch):
    logits = rf.tensor(np.random.default_rng(batch).standard_normal((batch, 2)).astype(np.float32))
    _, predicted = logits.max(1)  # the CIFAR tutorial's accuracy line
    np.testing.assert_array_equal(predicted.data, logits.data.argmax(1))
    assert predicted.dtype == np.int64
    values, indices = rf.max(logits, dim=1, keepdim=True)
    assert values.shape == indices.shape == (batch, 1)
    assert (predicted == rf.tensor(logits.data.argmax(1))).sum().item() == batch
