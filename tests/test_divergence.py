"""``fit`` never writes diverged weights over a good checkpoint, and says what went wrong.

Before: only the training loss was checked, only before each step, so a
step that made the weights NaN at the end of an epoch, or a NaN validation
loss, was saved over the last good checkpoint; an empty dataset gave a
loss of 0.0; a NaN in the data was reported as "lower the learning rate".
"""

import numpy as np
import pytest

import rectifiers as rf
from rectifiers import data, nn, optim
from rectifiers.training import (
    DivergedError,
    NonFiniteInputError,
    evaluate,
    fit,
    save_checkpoint,
    train_one_epoch,
)


def _model(seed: int = 0) -> nn.Sequential:
    rng = np.random.default_rng(seed)
    return nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1, generator=rng),
        nn.BatchNorm2d(4),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(4, 10, generator=rng),
    )


def _loader(n: int = 64, images: np.ndarray | None = None) -> data.DataLoader:
    dataset = data.SyntheticImages(n, size=8, seed=0)
    if images is not None:
        dataset = data.ArrayDataset(images, dataset.targets[: len(images)])
    return data.DataLoader(dataset, batch_size=16)


class _SabotagedSGD(optim.SGD):
    """SGD that writes a NaN into the first parameter at step ``at`` (after a finite loss)."""

    def __init__(self, params, at: int, **kwargs) -> None:
        super().__init__(params, **kwargs)
        self.at, self.steps = at, 0

    def step(self) -> None:
        super().step()
        self.steps += 1
        if self.steps == self.at:
            self.param_groups[0]["params"][0].data[0] = np.nan


def _checkpoint_bytes(path) -> bytes:
    return path.read_bytes()


def test_a_nan_in_the_input_batch_is_told_apart_from_divergence():
    images = np.random.default_rng(0).random((64, 3, 8, 8)).astype(np.float32)
    images[37, 1, 2, 3] = np.nan  # in batch 3 (of 16 images each)
    model = _model()
    with pytest.raises(NonFiniteInputError, match=r"batch 3 of 4 in epoch 1 holds 1 non-finite"):
        fit(model, _loader(images=images), optim.SGD(model.parameters(), lr=0.1), 1,
            progress=False, log=None)  # fmt: skip


def test_divergence_names_the_step_and_the_learning_rate():
    model = _model()
    opt = optim.SGD(model.parameters(), lr=1e6, momentum=0.9)
    with np.errstate(all="ignore"), pytest.raises(DivergedError) as error:
        fit(model, _loader(), opt, 3, progress=False, log=None)
    message = str(error.value)
    assert "lr 1000000.0" in message and "diverged" in message
    assert isinstance(error.value, FloatingPointError)


def test_weights_broken_by_the_last_step_of_an_epoch_never_reach_the_checkpoint(tmp_path):
    path = tmp_path / "run.npz"
    model = _model()
    fit(model, _loader(), optim.SGD(model.parameters(), lr=0.05), 1, checkpoint=path,
        progress=False, log=None)  # fmt: skip
    good = _checkpoint_bytes(path)
    # epoch 2's last step (the 8th overall, 4 batches an epoch) breaks a weight; its loss was finite
    opt = _SabotagedSGD(model.parameters(), at=4, lr=0.05)
    with pytest.raises(DivergedError, match=r"after epoch 2 .*0\.weight.*not overwritten"):
        fit(model, _loader(), opt, 2, checkpoint=path, resume=True, progress=False, log=None)
    assert _checkpoint_bytes(path) == good
    restored = rf.load(path)["model"]
    assert all(np.isfinite(v).all() for v in restored.values())


class _NaNInEvaluation(nn.Module):
    """Fine in training, NaN in evaluation (as a broken running statistic would be)."""

    def forward(self, x):
        return x if self.training else x * float("nan")


def test_a_nan_validation_loss_stops_fit_before_the_checkpoint(tmp_path):
    path = tmp_path / "run.npz"
    model = nn.Sequential(_model(), _NaNInEvaluation())
    opt = optim.SGD(model.parameters(), lr=0.05)
    with np.errstate(all="ignore"), pytest.raises(DivergedError, match="validation loss is nan"):
        fit(model, _loader(), opt, 2, val_loader=_loader(32), checkpoint=path, progress=False,
            log=None)  # fmt: skip
    assert not path.exists()


def test_a_non_finite_buffer_is_caught_too(tmp_path):
    model = _model()
    model[1].running_var.data[0] = np.inf
    with pytest.raises(DivergedError, match="1.running_var"):
        fit(model, _loader(), optim.SGD(model.parameters(), lr=0.0), 1,
            checkpoint=tmp_path / "c.npz", progress=False, log=None)  # fmt: skip


def test_save_checkpoint_refuses_non_finite_weights_and_keeps_the_file(tmp_path):
    path = tmp_path / "run.npz"
    model = _model()
    opt = optim.SGD(model.parameters(), lr=0.1)
    save_checkpoint(path, model, opt, epoch=1)
    good = _checkpoint_bytes(path)
    model[0].weight.data[0, 0, 0, 0] = np.nan
    with pytest.raises(DivergedError, match="0.weight"):
        save_checkpoint(path, model, opt, epoch=2)
    assert _checkpoint_bytes(path) == good


@pytest.mark.parametrize("drop_last", [False, True])
def test_an_empty_dataset_is_an_error_not_a_loss_of_zero(drop_last):
    model = _model()
    opt = optim.SGD(model.parameters(), lr=0.1)
    n = 0 if not drop_last else 5  # 5 images, batch 16, drop_last: no batch at all
    loader = data.DataLoader(data.SyntheticImages(n, size=8), 16, drop_last=drop_last)
    with pytest.raises(ValueError, match="no samples"):
        train_one_epoch(model, loader, opt, progress=False)
    with pytest.raises(ValueError, match="no samples"):
        evaluate(model, loader)
    with pytest.raises(ValueError, match="no samples"):
        fit(model, loader, opt, 1, progress=False, log=None)
