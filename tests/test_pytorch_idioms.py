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


def test_history_is_a_sequence_of_records_and_a_mapping_of_metrics():
    from rectifiers.training import History

    history = History(
        [{"epoch": 1, "train_loss": 2.0}, {"epoch": 2, "train_loss": 1.5, "val_loss": 1.7}]
    )
    assert [record["epoch"] for record in history] == [1, 2]  # looped forever before
    assert history[-1]["train_loss"] == 1.5 and len(history[:1]) == 1
    assert history["val_loss"] == [None, 1.7]
    with pytest.raises(KeyError, match="typo.*recorded"):
        history["typo"]  # returned [None, None] before
    assert "val_loss" in history and "typo" not in history
    assert history.keys() == ["epoch", "train_loss", "val_loss"]


def test_zero_dimensional_results_hold_0d_arrays():
    x = rf.tensor([1.0, 2.0], requires_grad=True)
    for result in (x.sum(), x.mean(), x.max(), (x * x).sum(), x.amax()):
        assert type(result.data) is np.ndarray and result.shape == ()
    loss = x.sum()
    with rf.no_grad():
        loss += 1  # an in-place change needs an array, not a NumPy scalar
    assert loss.item() == 4.0


def test_a_shared_module_is_saved_under_every_name_and_apply_visits_in_pytorch_order():
    from rectifiers import nn

    shared = nn.Linear(2, 2)
    model = nn.Sequential(shared, nn.ReLU(), shared)
    assert list(model.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    model.load_state_dict(model.state_dict())
    order = []
    tree = nn.Sequential(nn.Sequential(nn.Linear(1, 1), nn.ReLU()), nn.Tanh())
    tree.apply(lambda m: order.append(type(m).__name__))
    assert order == ["Linear", "ReLU", "Sequential", "Tanh", "Sequential"]


def test_to_refuses_other_devices_and_copies_when_asked():
    x = rf.tensor([1.0, 2.0])
    with pytest.raises(RuntimeError, match="CPU only"):
        x.to(device="cuda")  # was accepted silently
    with pytest.raises(RuntimeError, match="CPU only"):
        x.to("cuda:0", np.float64)
    with pytest.raises(TypeError, match="memory_format|unexpected"):
        x.to(np.float64, memory_fromat=None)  # a misspelt keyword is not swallowed
    assert x.to(device="cpu") is x and x.to("cpu", np.float64).dtype == np.float64
    copied = x.to(copy=True)
    copied.data[0] = 9.0
    assert x.data[0] == 1.0  # copy=True gives its own memory, as torch
