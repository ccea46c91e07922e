"""Modules: registration, state dicts, hooks, modes, errors, and a small CNN that overfits."""

from __future__ import annotations

import numpy as np
import pytest

import rectifiers as rf
import rectifiers.functional as F
from rectifiers import nn


def small_cnn(generator=None):
    return nn.Sequential(
        nn.Conv2d(3, 16, 3, padding=1, generator=generator),
        nn.BatchNorm2d(16),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1, generator=generator),
        nn.BatchNorm2d(32),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(32, 10, generator=generator),
    )


def test_small_cnn_overfits_a_fixed_batch():
    rng = np.random.default_rng(0)
    x = rf.tensor(rng.standard_normal((64, 3, 16, 16)).astype(np.float32))
    y = rng.integers(0, 10, 64)
    model = small_cnn(rng)
    params = list(model.parameters())
    velocity = [np.zeros_like(p.data) for p in params]
    for _ in range(150):
        model.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        with rf.no_grad():
            for p, v in zip(params, velocity):
                v *= 0.9
                v += p.grad.data
                p.data -= 0.05 * v
    model.eval()
    with rf.no_grad():
        accuracy = (model(x).data.argmax(1) == y).mean()
    assert accuracy >= 0.98, accuracy
    assert loss.item() < 0.1


def test_parameters_buffers_and_names():
    model = small_cnn()
    names = [n for n, _ in model.named_parameters()]
    assert names[:4] == ["0.weight", "0.bias", "1.weight", "1.bias"]
    assert len(names) == 10
    assert [n for n, _ in model.named_buffers()][:3] == [
        "1.running_mean",
        "1.running_var",
        "1.num_batches_tracked",
    ]
    assert len(list(model.children())) == 10
    assert len(list(model.modules())) == 11


def test_shared_parameter_is_listed_once():
    layer = nn.Linear(3, 3)
    model = nn.Sequential(layer, nn.ReLU(), layer)
    assert len(list(model.parameters())) == 2


def test_state_dict_round_trip_and_copies():
    a, b = small_cnn(np.random.default_rng(1)), small_cnn(np.random.default_rng(2))
    a(rf.randn(4, 3, 8, 8, seed=0))  # move running statistics
    state = a.state_dict()
    state["0.weight"][...] = 0  # a copy: the model must not change
    assert np.abs(a[0].weight.data).sum() > 0
    b.load_state_dict(a.state_dict())
    for (k, va), vb in zip(a.state_dict().items(), b.state_dict().values()):
        np.testing.assert_array_equal(va, vb, err_msg=k)


def test_load_state_dict_names_missing_unexpected_and_mismatched():
    model = nn.Sequential(nn.Linear(3, 2))
    with pytest.raises(
        RuntimeError, match=r"missing keys \['0.bias'\].*unexpected keys \['0.extra'\]"
    ):
        model.load_state_dict({"0.weight": np.zeros((2, 3)), "0.extra": np.zeros(1)})
    result = model.load_state_dict({"0.weight": np.zeros((2, 3))}, strict=False)
    assert result.missing_keys == ["0.bias"]
    with pytest.raises(RuntimeError, match=r"0.weight has shape \(3, 2\).*\(2, 3\)"):
        model.load_state_dict({"0.weight": np.zeros((3, 2)), "0.bias": np.zeros(2)})


def test_forward_hook_sees_and_can_replace_output():
    layer = nn.ReLU()
    seen = []
    handle = layer.register_forward_hook(lambda m, inputs, out: seen.append(out.shape))
    layer(rf.ones(2, 3))
    replace = layer.register_forward_hook(lambda m, inputs, out: out * 0)
    assert layer(rf.ones(2)).data.sum() == 0
    handle.remove(), replace.remove()
    layer(rf.ones(1))
    assert seen == [(2, 3), (2,)]


def test_train_eval_switch_reaches_every_module():
    model = small_cnn()
    model.eval()
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())


def test_batchnorm_eval_uses_running_statistics():
    bn = nn.BatchNorm1d(2)
    x = rf.tensor(np.array([[1.0, 10.0], [3.0, 30.0], [5.0, 50.0]], np.float32))
    bn(x)
    np.testing.assert_allclose(bn.running_mean.data, [0.3, 3.0], rtol=1e-6)
    np.testing.assert_allclose(
        bn.running_var.data, [0.9 + 0.1 * 4, 0.9 + 0.1 * 400], rtol=1e-6
    )  # unbiased
    bn.eval()
    expected = (x.data - bn.running_mean.data) / np.sqrt(bn.running_var.data + 1e-5)
    np.testing.assert_allclose(bn(x).data, expected, rtol=1e-5)


def test_dropout_train_and_eval():
    drop = nn.Dropout(0.3, generator=np.random.default_rng(0))
    x = rf.ones(100_000)
    y = drop(x).data
    assert abs((y == 0).mean() - 0.3) < 0.01
    np.testing.assert_allclose(y[y != 0], 1 / 0.7, rtol=1e-6)
    drop.eval()
    assert drop(x) is x


@pytest.mark.parametrize("layout", ["nchw", "channels_last", "strided"])
def test_dropout_mask_follows_the_input_layout(layout):
    data = np.ones((8, 6, 10, 12), np.float32)
    if layout == "channels_last":
        data = np.ascontiguousarray(data.transpose(0, 2, 3, 1)).transpose(0, 3, 1, 2)
    elif layout == "strided":
        data = data[:, :, ::2, 1::3]
    x = rf.Tensor(data, requires_grad=True)
    y = nn.Dropout(0.5, generator=np.random.default_rng(0))(x)
    assert y.data.strides == np.empty_like(data).strides  # the mask was drawn in x's layout
    assert set(np.unique(y.data)) == {0.0, 2.0} and abs((y.data == 0).mean() - 0.5) < 0.05
    y.backward(np.ones_like(data))
    np.testing.assert_array_equal(x.grad.data, y.data)  # one mask, forward and backward


def test_repr_looks_like_pytorch():
    text = repr(nn.Sequential(nn.Conv2d(3, 8, 3, padding=1, bias=False), nn.ReLU()))
    assert text == (
        "Sequential(\n  (0): Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), bias=False)\n"
        "  (1): ReLU()\n)"
    )


def test_float64_model_gradchecks():
    model = nn.Sequential(
        nn.Conv2d(2, 3, 3), nn.BatchNorm2d(3), nn.PReLU(3), nn.Flatten(), nn.Linear(12, 2)
    ).double()
    x = rf.randn(2, 2, 4, 4, seed=0, dtype=np.float64, requires_grad=True)
    assert rf.autograd.gradcheck(lambda t: model(t), [x])


@pytest.mark.parametrize(
    "module, x_shape, message",
    [
        (
            nn.Conv2d(3, 8, 3),
            (2, 4, 8, 8),
            r"Conv2d\(3, 8.*expected input with 3 channels, got shape \(2, 4, 8, 8\)",
        ),
        (
            nn.Conv2d(3, 8, 3),
            (3, 8, 8),
            r"Conv2d\(3, 8.*4-D \(N, C, H, W\) input, got shape \(3, 8, 8\)",
        ),
        (nn.Conv2d(3, 8, 5), (1, 3, 3, 3), r"kernel 5 .*larger than the padded input"),
        (nn.Linear(4, 2), (3, 5), r"Linear\(in_features=4.*last dimension 4, got shape \(3, 5\)"),
        (
            nn.BatchNorm2d(4),
            (2, 3, 5, 5),
            r"BatchNorm2d\(4.*expected 4 channels, got input shape \(2, 3, 5, 5\)",
        ),
        (nn.BatchNorm1d(4), (1, 4), r"BatchNorm1d\(4.*more than one value per channel.*\(1, 4\)"),
        (nn.BatchNorm2d(4), (2, 4), r"4-D \(N, C, H, W\) input, got shape \(2, 4\)"),
        (nn.MaxPool2d(4), (1, 1, 3, 3), r"max_pool2d: kernel \(4, 4\) is larger"),
        (nn.PReLU(3), (2, 4), r"PReLU.*3 channels on axis 1, got shape \(2, 4\)"),
    ],
)
def test_bad_input_names_the_module_and_shapes(module, x_shape, message):
    with pytest.raises(ValueError, match=message):
        module(rf.zeros(*x_shape))


def test_dtype_mismatch_is_a_clear_error():
    with pytest.raises(TypeError, match="different dtypes"):
        nn.Linear(3, 2)(rf.zeros(1, 3, dtype=np.float64))


def test_cross_entropy_rejects_bad_targets():
    logits = rf.zeros(3, 4)
    with pytest.raises(ValueError, match=r"targets must lie in \[0, 3\]"):
        F.cross_entropy(logits, np.array([0, 1, 4]))
    with pytest.raises(TypeError, match="integer class indices"):
        F.cross_entropy(logits, np.array([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match=r"targets of shape \(2,\) do not match logits \(3, 4\)"):
        F.cross_entropy(logits, np.array([0, 1]))


def test_float32_stays_float32_through_a_network():
    model = small_cnn()
    out = model(rf.randn(2, 3, 8, 8, seed=0))
    assert out.dtype == np.float32
    F.cross_entropy(out, np.array([1, 2])).backward()
    assert all(p.grad.dtype == np.float32 for p in model.parameters())


def test_pool_classes_are_distinct_and_print_their_geometry():
    avg, mx = nn.AvgPool2d(3, stride=2, padding=1), nn.MaxPool2d(2)
    assert not isinstance(avg, nn.MaxPool2d)
    assert repr(avg) == "AvgPool2d(kernel_size=3, stride=2, padding=1)"
    assert repr(mx) == "MaxPool2d(kernel_size=2, stride=2, padding=0)"
    x = rf.tensor(np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4))
    np.testing.assert_array_equal(mx(x).data.ravel(), [5, 7, 13, 15])
    np.testing.assert_array_equal(nn.AvgPool2d(2)(x).data.ravel(), [2.5, 4.5, 10.5, 12.5])


def test_reset_running_stats():
    bn = nn.BatchNorm1d(3)
    bn(rf.randn(8, 3, seed=0) * 5 + 2)
    bn.reset_running_stats()
    assert np.all(bn.running_mean.data == 0) and np.all(bn.running_var.data == 1)
    assert int(bn.num_batches_tracked.data) == 0
