"""Run the same computation in rectifiers and in torch and compare values and gradients."""

from __future__ import annotations

import numpy as np
import torch

import rectifiers as rf

ATOL, RTOL = 1e-5, 1e-4


def compare(ours, theirs, arrays, atol=ATOL, rtol=RTOL, grad_inputs=None):
    """Compare forward values and the gradients of every input for a random cotangent.

    ``ours`` maps rectifiers tensors to a tensor, ``theirs`` maps torch tensors
    to a tensor; ``arrays`` are float32 NumPy inputs.
    """
    grad_inputs = range(len(arrays)) if grad_inputs is None else grad_inputs
    mine = [rf.Tensor(a.copy(), requires_grad=i in grad_inputs) for i, a in enumerate(arrays)]
    ref = [torch.tensor(a.copy(), requires_grad=i in grad_inputs) for i, a in enumerate(arrays)]
    out, ref_out = ours(*mine), theirs(*ref)
    np.testing.assert_allclose(out.data, ref_out.detach().numpy(), atol=atol, rtol=rtol)
    cotangent = np.random.default_rng(0).standard_normal(out.shape).astype(out.dtype)
    out.backward(cotangent)
    ref_out.backward(torch.tensor(cotangent))
    for i in grad_inputs:
        np.testing.assert_allclose(
            mine[i].grad.data, ref[i].grad.numpy(), atol=atol, rtol=rtol, err_msg=f"input {i}"
        )
