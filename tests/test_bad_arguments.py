"""Table-driven: every public constructor and layer refuses a bad argument where it is given.

Each row is (what is called, the bad argument's name). The call must raise a
TypeError or ValueError whose message names that argument (or the problem)
at once, not a ZeroDivisionError, an AttributeError or a NumPy error from
deep inside, and not succeed.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import rectifiers as rf
from rectifiers import data, init, nn, optim
from rectifiers.data import transforms as T
from rectifiers.optim import lr_scheduler


def _opt():
    return optim.SGD([nn.Parameter(np.ones(2, np.float32))], lr=0.1)


NAN, INF = math.nan, math.inf

CONSTRUCTORS: dict[str, list[tuple]] = {
    "Linear": [
        (lambda: nn.Linear(0, 3), "in_features"),
        (lambda: nn.Linear(3, 0), "out_features"),
        (lambda: nn.Linear(3.0, 2), "in_features"),
        (lambda: nn.Linear(-1, 2), "in_features"),
        (lambda: nn.Linear(3, 2, bias="yes"), "bias"),
        (lambda: nn.Linear(3, 2, dtype=np.int64), "dtype"),
    ],
    "Conv2d": [
        (lambda: nn.Conv2d(4, 4, 3, groups=0), "groups"),
        (lambda: nn.Conv2d(4, 4, 3, groups=3), "groups"),
        (lambda: nn.Conv2d(0, 4, 3), "in_channels"),
        (lambda: nn.Conv2d(4, 0, 3), "out_channels"),
        (lambda: nn.Conv2d(4, 4, 0), "kernel_size"),
        (lambda: nn.Conv2d(4, 4, (3, 3, 3)), "kernel_size"),
        (lambda: nn.Conv2d(4, 4, 3, stride=0), "stride"),
        (lambda: nn.Conv2d(4, 4, 3, padding=-1), "padding"),
        (lambda: nn.Conv2d(4, 4, 3, padding="full"), "padding"),
        (lambda: nn.Conv2d(4, 4, 3, stride=2, padding="same"), "same"),
        (lambda: nn.Conv2d(4, 4, 3, dilation=0), "dilation"),
        (lambda: nn.Conv2d(4, 4, 3, dtype="int32"), "dtype"),
    ],
    "BatchNorm": [
        (lambda: nn.BatchNorm2d(0), "num_features"),
        (lambda: nn.BatchNorm1d(2.5), "num_features"),
        (lambda: nn.BatchNorm2d(4, eps=0), "eps"),
        (lambda: nn.BatchNorm2d(4, eps=NAN), "eps"),
        (lambda: nn.BatchNorm2d(4, momentum=1.5), "momentum"),
        (lambda: nn.BatchNorm2d(4, momentum=-0.1), "momentum"),
        (lambda: nn.BatchNorm2d(4, affine=None), "affine"),
    ],
    "pooling": [
        (lambda: nn.MaxPool2d(0), "kernel_size"),
        (lambda: nn.MaxPool2d(2, stride=0), "stride"),
        (lambda: nn.MaxPool2d(2, padding=2), "padding"),
        (lambda: nn.AvgPool2d(2, padding=-1), "padding"),
        (lambda: nn.AvgPool2d("2"), "kernel_size"),
        (lambda: nn.AdaptiveAvgPool2d(0), "output_size"),
        (lambda: nn.AdaptiveAvgPool2d((1, 2, 3)), "output_size"),
    ],
    "misc layers": [
        (lambda: nn.Dropout(1.5), "p"),
        (lambda: nn.Dropout(NAN), "p"),
        (lambda: nn.Dropout("0.5"), "p"),
        (lambda: nn.Flatten(1.5), "start_dim"),
        (lambda: nn.CrossEntropyLoss(reduction="avg"), "reduction"),
        (lambda: nn.Sequential(nn.ReLU(), "relu"), "Module"),
    ],
    "rectifiers": [
        (lambda: nn.LeakyReLU(NAN), "negative_slope"),
        (lambda: nn.LeakyReLU("0.1"), "negative_slope"),
        (lambda: nn.LeakyReLU.from_divisor(0), "divisor"),
        (lambda: nn.PReLU(0), "num_parameters"),
        (lambda: nn.PReLU(2.0), "num_parameters"),
        (lambda: nn.PReLU(init=INF), "init"),
        (lambda: nn.RReLU(0.3, 0.1), "lower"),
        (lambda: nn.RReLU(NAN, 0.3), "lower"),
        (lambda: nn.RReLU(parameterization="scale"), "parameterization"),
        (lambda: nn.RReLU.from_divisor(0, 8), "divisor"),
    ],
    "optim": [
        (lambda: optim.SGD([], lr=0.1), "empty"),
        (lambda: optim.SGD(nn.Parameter(np.ones(2, np.float32)), lr=0.1), "iterable"),
        (lambda: optim.SGD([nn.Parameter(np.ones(2, np.float32))], lr=-1), "lr"),
        (lambda: optim.Adam([nn.Parameter(np.ones(2, np.float32))], lr=NAN), "lr"),
        (
            lambda: optim.SGD([nn.Parameter(np.ones(2, np.float32))], lr=0.1, nesterov=True),
            "Nesterov",
        ),
        (lambda: lr_scheduler.StepLR(_opt(), 0), "step_size"),
        (lambda: lr_scheduler.StepLR(_opt(), 2, gamma=NAN), "gamma"),
        (lambda: lr_scheduler.MultiStepLR(_opt(), [3, -1]), "milestones"),
        (lambda: lr_scheduler.CosineAnnealingLR(_opt(), 0), "T_max"),
        (lambda: lr_scheduler.CosineAnnealingLR(_opt(), 5, eta_min=-1), "eta_min"),
        (lambda: lr_scheduler.LinearLR(_opt(), total_iters=-1), "total_iters"),
        (lambda: lr_scheduler.StepLR("optimizer", 2), "Optimizer"),
    ],
    "init": [
        (lambda: init.calculate_gain("swish"), "nonlinearity"),
        (
            lambda: init.kaiming_normal_(nn.Parameter(np.ones((2, 2), np.float32)), mode="fan"),
            "mode",
        ),
        (lambda: init.kaiming_normal_(nn.Parameter(np.ones(2, np.float32))), "dimensions"),
        (lambda: init.init_model(nn.Linear(2, 2), "he"), "scheme"),
    ],
    "data": [
        (lambda: data.DataLoader(data.SyntheticImages(8, size=8), batch_size=0), "batch_size"),
        (lambda: data.DataLoader(data.SyntheticImages(8, size=8), batch_size=2.5), "batch_size"),
        (lambda: data.DataLoader({1, 2, 3}), "dataset"),
        (lambda: data.ArrayDataset(np.zeros((4, 3, 2, 2)), np.zeros(3, np.int64)), "targets"),
        (lambda: data.SyntheticImages(-1), "n"),
        (lambda: data.SyntheticImages(8, num_classes=0), "num_classes"),
        (lambda: data.SyntheticImages(8, size=0), "size"),
        (lambda: data.CIFAR100(labels="medium"), "labels"),
        (lambda: T.RandomCrop(0), "size"),
        (lambda: T.RandomCrop(32, padding=-1), "padding"),
        (lambda: T.RandomHorizontalFlip(2.0), "p"),
        (lambda: T.Normalize((0.5,), (0.0,)), "std"),
    ],
}
CASES = [
    (group, i, call, name)
    for group, rows in CONSTRUCTORS.items()
    for i, (call, name) in enumerate(rows)
]


@pytest.mark.parametrize(
    "call, name", [(c, n) for _, _, c, n in CASES], ids=[f"{g}-{i}-{n}" for g, i, _, n in CASES]
)
def test_a_bad_constructor_argument_is_named_at_once(call, name):
    with pytest.raises((TypeError, ValueError), match=name):
        call()


# --- bad inputs to layers that exist -----------------------------------------------------
LAYER_INPUTS = [
    (nn.Linear(3, 2), np.ones((2, 3), np.float32), "Tensor"),
    (nn.Conv2d(3, 2, 3), np.ones((1, 3, 5, 5), np.float32), "Tensor"),
    (nn.ReLU(), [1.0, -1.0], "Tensor"),
    (nn.PReLU(), np.ones(3, np.float32), "Tensor"),
    (nn.BatchNorm2d(3), np.ones((2, 3, 2, 2), np.float32), "Tensor"),
    (nn.MaxPool2d(2), np.ones((1, 1, 4, 4), np.float32), "Tensor"),
    (nn.Linear(3, 2), rf.ones(2, 4), "last dimension 3"),
    (nn.Conv2d(3, 2, 3), rf.ones(1, 4, 5, 5), "channels"),
    (nn.Conv2d(3, 2, 3), rf.ones(3, 5, 5), "4-D"),
    (nn.Conv2d(3, 2, 5), rf.ones(1, 3, 3, 3), "kernel|input"),
    (nn.BatchNorm2d(3), rf.ones(2, 4, 2, 2), "channels"),
    (nn.BatchNorm1d(3), rf.ones(2, 3, 2, 2), "(N, C)"),
    (nn.PReLU(3), rf.ones(2, 4), "channels"),
    (nn.MaxPool2d(3), rf.ones(1, 1, 2, 2), "larger"),
    (nn.AdaptiveAvgPool2d(3), rf.ones(1, 4, 4), "4-D"),
    (nn.Flatten(), rf.ones(2, 3).sum(), "dim"),
]


@pytest.mark.parametrize(
    "layer, x, problem",
    LAYER_INPUTS,
    ids=[f"{type(layer).__name__}-{i}" for i, (layer, _, _) in enumerate(LAYER_INPUTS)],
)
def test_a_bad_input_to_a_layer_is_a_clear_error(layer, x, problem):
    with pytest.raises((TypeError, ValueError), match=problem):
        layer(x)


def test_loss_targets_are_checked():
    loss = nn.CrossEntropyLoss()
    logits = rf.ones(2, 3)
    for target, problem in [
        (rf.tensor([0.0, 1.0]), "integer"),
        (rf.tensor([0, 3]), r"\[0, 2\]"),
        (rf.tensor([0, 1, 2]), "do not match"),
    ]:
        with pytest.raises((TypeError, ValueError), match=problem):
            loss(logits, target)


def test_a_layer_names_itself_only_when_its_input_is_bad():
    """The functional form checks and names itself; the layer's repr is added on the error path."""
    formatted = []

    class CountingConv(nn.Conv2d):
        def extra_repr(self) -> str:
            formatted.append(1)
            return super().extra_repr()

    net = nn.Sequential(nn.Sequential(CountingConv(3, 4, 3)))
    net(rf.zeros(1, 3, 5, 5))
    assert formatted == []  # a good forward formats nothing
    with pytest.raises(ValueError) as error:
        net(rf.zeros(1, 2, 5, 5))
    message = str(error.value)
    assert (
        message.startswith("CountingConv(3, 4, kernel_size=(3, 3)")
        and "conv2d: expected" in message
    )
    assert message.count("CountingConv(") == 1  # named once, by the innermost layer
