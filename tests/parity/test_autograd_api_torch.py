"""autograd.grad and Tensor.register_hook against torch."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import rectifiers as rf


def _pair(values):
    return rf.tensor(values, requires_grad=True), torch.tensor(values, requires_grad=True)


def test_grad_of_leaves_and_intermediates_leaves_dot_grad_alone():
    (x, tx), (w, tw) = _pair([1.0, -2.0, 3.0]), _pair([0.5, 0.25, 2.0])
    h, th = x * w, tx * tw
    y, ty = (h.tanh() * x).sum(), (th.tanh() * tx).sum()
    ours = rf.autograd.grad(y, [x, w, h])
    theirs = torch.autograd.grad(ty, [tx, tw, th])
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.data, b.numpy(), rtol=1e-5, atol=1e-7)
    assert x.grad is None and w.grad is None


def test_grad_with_grad_outputs_several_outputs_and_unused_inputs():
    (x, tx), (z, tz) = _pair([1.0, 2.0]), _pair([3.0, 4.0])
    outs, touts = [x * 2, (x * x).sum()], [tx * 2, (tx * tx).sum()]
    cot, tcot = [rf.tensor([1.0, -1.0]), None], [torch.tensor([1.0, -1.0]), None]
    ours = rf.autograd.grad(outs, [x, z], cot, allow_unused=True)
    theirs = torch.autograd.grad(touts, [tx, tz], tcot, allow_unused=True)
    np.testing.assert_allclose(ours[0].data, theirs[0].numpy())
    assert ours[1] is None and theirs[1] is None
    with pytest.raises(RuntimeError, match="not used"):
        rf.autograd.grad((x * 2).sum(), [x, z])


def test_hooks_see_and_replace_gradients():
    (x, tx), (w, tw) = _pair([1.0, 2.0]), _pair([3.0, -1.0])
    seen, tseen = [], []
    h, th = x * w, tx * tw
    h.register_hook(lambda g: seen.append(g.data.copy()) or g * 2)
    th.register_hook(lambda g: tseen.append(g.numpy().copy()) or g * 2)
    handle = w.register_hook(lambda g: g + 1)
    tw.register_hook(lambda g: g + 1)
    (h * h).sum().backward()
    (th * th).sum().backward()
    np.testing.assert_allclose(seen[0], tseen[0])
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy())
    np.testing.assert_allclose(w.grad.data, tw.grad.numpy())
    handle.remove()
    w.grad = None
    (x * w).sum().backward()
    np.testing.assert_allclose(w.grad.data, x.data)  # the removed hook no longer adds 1
