"""Modules, losses and utilities added for PyTorch code, against torch."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given, settings
from hypothesis import strategies as st

import rectifiers as rf
import rectifiers.nn.functional as F
from rectifiers import nn

from .helpers import compare


@settings(max_examples=80, deadline=None)
@given(
    st.integers(1, 6), st.integers(2, 5), st.sampled_from(["mean", "sum", "none"]),
    st.booleans(), st.sampled_from([0.0, 0.1, 0.5]), st.booleans(), st.integers(0, 2**32 - 1),
)  # fmt: skip
def test_cross_entropy_with_weights_ignore_index_and_smoothing(
    n, c, reduction, weighted, smoothing, ignore, seed
):
    rng = np.random.default_rng(seed)
    logits = (rng.standard_normal((n, c)) * 3).astype(np.float32)
    targets = rng.integers(0, c, n)
    if ignore:
        targets[0] = -100
    if ignore and n == 1 and reduction == "mean":
        return  # every sample ignored: both give nan
    weight = rng.uniform(0.2, 2.0, c).astype(np.float32) if weighted else None
    tw = None if weight is None else torch.tensor(weight)
    kw = dict(reduction=reduction, label_smoothing=smoothing)
    compare(lambda t: F.cross_entropy(t, targets, weight, **kw),
            lambda t: TF.cross_entropy(t, torch.tensor(targets), tw, **kw), [logits], atol=1e-5)  # fmt: skip
    log_probs = np.log(np.exp(logits) / np.exp(logits).sum(1, keepdims=True)).astype(np.float32)
    compare(lambda t: F.nll_loss(t, targets, weight, reduction=reduction),
            lambda t: TF.nll_loss(t, torch.tensor(targets), tw, reduction=reduction), [log_probs])  # fmt: skip
    module = nn.CrossEntropyLoss(weight, ignore_index=-100, **kw)
    np.testing.assert_allclose(
        module(rf.tensor(logits), rf.tensor(targets)).data,
        torch.nn.CrossEntropyLoss(tw, **kw)(torch.tensor(logits), torch.tensor(targets)).numpy(),
        rtol=1e-5, atol=1e-6,
    )  # fmt: skip


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_mse_loss(reduction):
    rng = np.random.default_rng(0)
    x, y = (
        rng.standard_normal((4, 3)).astype(np.float32),
        rng.standard_normal((4, 3)).astype(np.float32),
    )
    compare(lambda a, b: nn.MSELoss(reduction=reduction)(a, b),
            lambda a, b: torch.nn.MSELoss(reduction=reduction)(a, b), [x, y])  # fmt: skip
    with pytest.raises(ValueError, match="shape"):
        F.mse_loss(rf.tensor(x), rf.tensor(y[:, :1]))


@pytest.mark.parametrize("name", ["Softmax", "LogSoftmax", "Tanh", "Sigmoid"])
def test_elementwise_modules(name):
    x = np.random.default_rng(1).standard_normal((3, 4)).astype(np.float32) * 4
    args = (1,) if "Softmax" in name else ()
    compare(getattr(nn, name)(*args), getattr(torch.nn, name)(*args), [x])


def test_dropout2d_drops_whole_channels_and_scales():
    x = rf.ones(64, 8, 3, 3)
    y = nn.Dropout2d(0.25, generator=np.random.default_rng(0))(x).data
    per_plane = y.reshape(64 * 8, 9)
    assert set(np.unique(per_plane.min(1))) <= {0.0, np.float32(1 / 0.75)}
    assert np.all(per_plane.min(1) == per_plane.max(1))  # a whole plane kept or dropped
    assert 0.15 < (per_plane[:, 0] == 0).mean() < 0.35
    layer = nn.Dropout2d(0.25).eval()
    assert layer(x) is x


def test_module_list_and_dict_register_their_modules():
    blocks = nn.ModuleList([nn.Linear(3, 3), nn.Linear(3, 2)])
    heads = nn.ModuleDict({"a": nn.Linear(2, 1), "b": nn.Linear(2, 1)})
    parent = nn.Sequential(nn.Identity())
    parent.blocks, parent.heads = blocks, heads
    assert len(list(parent.parameters())) == 8
    assert "blocks.1.weight" in parent.state_dict() and "heads.b.bias" in parent.state_dict()
    assert [type(m).__name__ for m in blocks] == ["Linear", "Linear"] and list(heads) == ["a", "b"]


@pytest.mark.parametrize("norm_type", [2.0, 1.0, float("inf")])
def test_clip_grad_norm_and_value(norm_type):
    rng = np.random.default_rng(2)
    grads = [rng.standard_normal(s).astype(np.float32) * 5 for s in [(3, 4), (4,)]]
    ours = [rf.zeros(*g.shape, requires_grad=True) for g in grads]
    theirs = [torch.zeros(*g.shape, requires_grad=True) for g in grads]
    for p, q, g in zip(ours, theirs, grads):
        p.grad, q.grad = rf.tensor(g.copy()), torch.tensor(g.copy())
    total = nn.utils.clip_grad_norm_(ours, 1.5, norm_type)
    expected = torch.nn.utils.clip_grad_norm_(theirs, 1.5, norm_type)
    np.testing.assert_allclose(total.item(), expected.item(), rtol=1e-5)
    for p, q in zip(ours, theirs):
        np.testing.assert_allclose(p.grad.data, q.grad.numpy(), rtol=1e-5, atol=1e-7)
    nn.utils.clip_grad_value_(ours, 0.1)
    torch.nn.utils.clip_grad_value_(theirs, 0.1)
    for p, q in zip(ours, theirs):
        np.testing.assert_allclose(p.grad.data, q.grad.numpy(), rtol=1e-6)
