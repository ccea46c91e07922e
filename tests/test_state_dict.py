"""``Module.load_state_dict`` is all or nothing: every problem reported at once, nothing changed."""

import numpy as np
import pytest

from rectifiers import nn


def _model() -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.Flatten(), nn.Linear(4, 2))


def _snapshot(model: nn.Module) -> dict:
    return {k: v.copy() for k, v in model.state_dict().items()}


def _assert_unchanged(model: nn.Module, before: dict) -> None:
    after = model.state_dict()
    assert list(after) == list(before)
    for key in before:
        np.testing.assert_array_equal(after[key], before[key], err_msg=key)


def _other_state() -> dict:
    """A valid state dict whose values all differ from a fresh model's."""
    return {k: v + 1 for k, v in _model().state_dict().items()}


BREAKAGES = {
    "last layer's shape": lambda s: s.update({"3.weight": np.zeros((2, 5), np.float32)}),
    "missing key at the end": lambda s: s.pop("3.bias"),
    "unexpected key": lambda s: s.update({"3.scale": np.zeros(2, np.float32)}),
    "integer value for a float weight": lambda s: s.update(
        {"3.weight": np.zeros((2, 4), np.int64)}
    ),
    "float value for an integer buffer": lambda s: s.update(
        {"1.num_batches_tracked": np.array(1.5)}
    ),
    "string value": lambda s: s.update({"3.bias": np.array(["a", "b"])}),
    "None value": lambda s: s.update({"3.bias": None}),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_a_bad_state_dict_changes_nothing(breakage):
    model = _model()
    before = _snapshot(model)
    state = _other_state()
    BREAKAGES[breakage](state)
    with pytest.raises(RuntimeError, match="load_state_dict"):
        model.load_state_dict(state)
    _assert_unchanged(model, before)


def test_every_problem_is_listed_in_one_error():
    state = _other_state()
    state.pop("0.bias")
    state["extra"] = np.zeros(1)
    state["3.weight"] = np.zeros((5, 5), np.float32)
    state["1.running_mean"] = np.zeros(4, np.int64)
    with pytest.raises(RuntimeError) as error:
        _model().load_state_dict(state)
    message = str(error.value)
    for part in ("0.bias", "extra", "3.weight", "(5, 5)", "1.running_mean", "int64"):
        assert part in message, part


def test_non_strict_load_still_refuses_shape_mismatches_and_changes_nothing():
    model = _model()
    before = _snapshot(model)
    state = _other_state()
    state.pop("3.bias")
    state["0.weight"] = np.zeros((1, 1), np.float32)
    with pytest.raises(RuntimeError, match="0.weight"):
        model.load_state_dict(state, strict=False)
    _assert_unchanged(model, before)


def test_a_good_state_dict_loads_and_float64_values_are_cast():
    model = _model()
    state = {
        k: v.astype(np.float64) if v.dtype.kind == "f" else v for k, v in _other_state().items()
    }
    model.load_state_dict(state)
    for key, value in model.state_dict().items():
        np.testing.assert_allclose(value, state[key], rtol=1e-6)
        assert value.dtype != np.float64 or key.endswith("num_batches_tracked")
