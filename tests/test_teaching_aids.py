"""to_dot draws the graph the engine walks; summary's figures equal hand counts."""

from __future__ import annotations

import re
import shutil

import numpy as np
import pytest

import rectifiers as rf
from benchmarks import models as bench_models
from rectifiers import nn


def _nodes_and_edges(dot: str) -> tuple[dict[str, str], set[tuple[str, str]]]:
    nodes = dict(re.findall(r'^\s*(\w+) \[label="([^"]*)"', dot, re.M))
    edges = set(re.findall(r"^\s*(\w+) -> (\w+);", dot, re.M))
    return nodes, edges


def test_to_dot_has_a_node_per_function_and_leaf_and_the_engines_edges():
    net = nn.Sequential(nn.Linear(3, 4), nn.PReLU(4))
    x = rf.randn(5, 3, seed=0)
    loss = net(x).sum()
    nodes, edges = _nodes_and_edges(rf.autograd.to_dot(loss, net))
    kinds = sorted(label.split("\\n")[0] for label in nodes.values())
    assert kinds == [
        "0.bias",
        "0.weight",
        "1.weight",
        "LinearFunction",
        "PReLUFunction",
        "Sum",
        "output",
    ]
    by_kind = {label.split("\\n")[0]: name for name, label in nodes.items()}
    expected = {
        (by_kind["0.weight"], by_kind["LinearFunction"]),
        (by_kind["0.bias"], by_kind["LinearFunction"]),
        (by_kind["LinearFunction"], by_kind["PReLUFunction"]),
        (by_kind["1.weight"], by_kind["PReLUFunction"]),
        (by_kind["PReLUFunction"], by_kind["Sum"]),
        (by_kind["Sum"], "output"),
    }
    assert edges == expected
    assert "x: (5, 4)" in nodes[by_kind["PReLUFunction"]]  # what it saved, with shapes
    assert "(4, 3)\\nrequires_grad" in nodes[by_kind["0.weight"]]


def test_to_dot_of_a_shared_input_draws_it_once():
    w = rf.ones(2, requires_grad=True)
    nodes, edges = _nodes_and_edges(rf.autograd.to_dot((w * w + w).sum(), {"w": w}))
    assert sum(label.startswith("w\\n") for label in nodes.values()) == 1
    assert (
        len(edges) == 5
    )  # w→Mul (twice, one edge each input… deduplicated as a set), w→Add, Mul→Add, Add→Sum, Sum→output


@pytest.mark.skipif(shutil.which("dot") is None, reason="the Graphviz program is not installed")
def test_render_dot_writes_an_svg(tmp_path):
    pytest.importorskip("graphviz")
    w = rf.ones(2, requires_grad=True)
    path = rf.autograd.render_dot(rf.autograd.to_dot((w * 2).sum()), str(tmp_path / "graph"))
    assert path.endswith(".svg") and "<svg" in open(path).read()


def test_summary_of_net_s_equals_hand_counts():
    info = rf.summary(bench_models.net_s(rf, "relu"), (128, 3, 32, 32))
    convs = [(3, 32, 32), (32, 32, 32), (32, 64, 16), (64, 64, 16), (64, 128, 8)]  # (C, F, size)
    conv_macs = sum(128 * s * s * f * c * 9 for c, f, s in convs)
    assert info.total_mult_adds == conv_macs + 128 * 128 * 10
    assert info.flops == 2 * info.total_mult_adds  # 2·N·Ho·Wo·F·C·k² per conv
    conv_params = sum(c * f * 9 + f for c, f, _ in convs)
    bn_params = 2 * sum(f for _, f, _ in convs)
    assert info.total_params == info.trainable_params == conv_params + bn_params + 128 * 10 + 10
    first = info.rows[1]
    assert (first.kind, first.output_shape, first.params) == (
        "Conv2d",
        (128, 32, 32, 32),
        3 * 32 * 9 + 32,
    )
    assert first.output_bytes == 128 * 32 * 32 * 32 * 4


def test_summary_of_nin_equals_hand_counts_and_changes_no_state():
    model = rf.models.nin("prelu")
    before = {k: v.copy() for k, v in model.state_dict().items()}
    info = rf.summary(model, (1, 3, 32, 32))
    layers = [(3, 192, 5, 32), (192, 160, 1, 32), (160, 96, 1, 32), (96, 192, 5, 16), (192, 192, 1, 16),
              (192, 192, 1, 16), (192, 192, 3, 8), (192, 192, 1, 8), (192, 10, 1, 8)]  # fmt: skip
    assert info.total_mult_adds == sum(s * s * f * c * k * k for c, f, k, s in layers)
    prelu_slopes = 192 + 160 + 96 + 192 + 192 + 192 + 192 + 192
    assert info.total_params == sum(c * f * k * k + f for c, f, k, _ in layers) + prelu_slopes
    assert info.rows[-1].output_shape == (1, 10)
    for key, value in model.state_dict().items():
        np.testing.assert_array_equal(value, before[key])
    assert model.training
    text = str(info)
    assert "Total params" in text and "  0: Conv2d" in text
