"""Learning-rate schedules, as ``torch.optim.lr_scheduler``: call ``step()`` once per epoch.

Each ``step()`` updates every parameter group's *current* learning rate by
the schedule's factor for that epoch (PyTorch's "chainable" form):

    StepLR: lr ← lr · gamma every ``step_size`` epochs,  otherwise unchanged.

Reading the current rate rather than recomputing it from the initial one is
what lets schedules compose: two schedulers stepped together multiply their
factors, and a learning rate set by hand is kept and scaled from then on.
Each schedule also has its closed form (``lr_at(epoch, base_lr)``), used by
``SequentialLR`` when it switches to the next schedule and by
``step(epoch)``. The learning rates live in the optimiser's groups, so a
checkpoint that restores the optimiser and the scheduler state continues
exactly.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from ..checks import check_int, check_number
from .optimizer import Optimizer


class LRScheduler:
    """Base class: subclasses implement ``next_lr`` (chainable) and ``lr_at`` (closed form)."""

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                f"{type(self).__name__} needs an Optimizer, got {type(optimizer).__name__}"
            )
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        elif any("initial_lr" not in group for group in optimizer.param_groups):
            raise KeyError(
                f"{type(self).__name__}: resuming at last_epoch={last_epoch} needs 'initial_lr' in "
                "every parameter group (restore the optimiser's state dict first)"
            )
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._step_count = 0
        self.step()

    def next_lr(self, epoch: int, lr: float, base_lr: float) -> float:
        """The group's learning rate for ``epoch`` from its current ``lr`` (chainable form)."""
        raise NotImplementedError

    def lr_at(self, epoch: int, base_lr: float) -> float:
        """The learning rate at ``epoch`` from the initial one alone (closed form)."""
        raise NotImplementedError

    def step(self, epoch: int | None = None) -> None:
        """Advance one epoch (or jump to ``epoch``, closed form) and set every group's rate."""
        self._step_count += 1
        if epoch is None:
            self.last_epoch += 1
            resuming = self._step_count == 1 and self.last_epoch > 0
            lrs = [
                self.lr_at(self.last_epoch, base) if resuming
                else self.next_lr(self.last_epoch, group["lr"], base)
                for group, base in zip(self.optimizer.param_groups, self.base_lrs)
            ]  # fmt: skip
        else:
            self.last_epoch = check_int(type(self).__name__, "epoch", epoch, minimum=0)
            lrs = [self.lr_at(epoch, base) for base in self.base_lrs]
        for group, lr in zip(self.optimizer.param_groups, lrs):
            group["lr"] = lr
        self._last_lr = lrs

    def get_last_lr(self) -> list[float]:
        """The learning rates this scheduler set at its last step."""
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        return {
            "last_epoch": self.last_epoch,
            "base_lrs": list(self.base_lrs),
            "step_count": self._step_count,
            "last_lr": list(self._last_lr),
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore the counters (the rates themselves come back with the optimiser's state)."""
        self.last_epoch, self.base_lrs = int(state["last_epoch"]), list(state["base_lrs"])
        self._step_count = int(state.get("step_count", self.last_epoch + 1))
        self._last_lr = list(state.get("last_lr", [g["lr"] for g in self.optimizer.param_groups]))


class StepLR(LRScheduler):
    """lr ← lr · gamma every ``step_size`` epochs; closed form base · gamma^⌊epoch / step_size⌋."""

    def __init__(
        self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        self.step_size = check_int("StepLR", "step_size", step_size)
        self.gamma = check_number("StepLR", "gamma", gamma, 0.0, low_open=True)
        super().__init__(optimizer, last_epoch)

    def next_lr(self, epoch: int, lr: float, base_lr: float) -> float:
        return lr * self.gamma if epoch and epoch % self.step_size == 0 else lr

    def lr_at(self, epoch: int, base_lr: float) -> float:
        return base_lr * self.gamma ** (epoch // self.step_size)


class MultiStepLR(LRScheduler):
    """lr ← lr · gamma at each milestone; closed form base · gamma^(milestones ≤ epoch)."""

    def __init__(
        self,
        optimizer: Optimizer,
        milestones: Sequence[int],
        gamma: float = 0.1,
        last_epoch: int = -1,
    ) -> None:
        self.milestones = sorted(check_int("MultiStepLR", "milestones", m, 0) for m in milestones)
        self.gamma = check_number("MultiStepLR", "gamma", gamma, 0.0, low_open=True)
        super().__init__(optimizer, last_epoch)

    def next_lr(self, epoch: int, lr: float, base_lr: float) -> float:
        repeats = Counter(self.milestones)[epoch]
        return lr * self.gamma**repeats if repeats else lr

    def lr_at(self, epoch: int, base_lr: float) -> float:
        return base_lr * self.gamma ** bisect.bisect_right(self.milestones, epoch)


class ExponentialLR(LRScheduler):
    """lr ← lr · gamma every epoch; closed form base · gamma^epoch."""

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = check_number("ExponentialLR", "gamma", gamma, 0.0, low_open=True)
        super().__init__(optimizer, last_epoch)

    def next_lr(self, epoch: int, lr: float, base_lr: float) -> float:
        return lr * self.gamma if epoch else lr

    def lr_at(self, epoch: int, base_lr: float) -> float:
        return base_lr * self.gamma**epoch


class CosineAnnealingLR(LRScheduler):
    """lr = eta_min + (base − eta_min) · (1 + cos(π · epoch / T_max)) / 2, chainable as PyTorch's.

    Each step scales the current distance to eta_min by the ratio of
    consecutive cosine terms, so a rate changed by hand or by another
    scheduler keeps annealing from where it is.
    """

    def __init__(
        self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1
    ) -> None:  # noqa: N803
        self.T_max = check_int("CosineAnnealingLR", "T_max", T_max)
        self.eta_min = check_number("CosineAnnealingLR", "eta_min", eta_min, 0.0)
        super().__init__(optimizer, last_epoch)

    def next_lr(self, epoch: int, lr: float, base_lr: float) -> float:
        if epoch == 0:
            return lr
        if (epoch - 1 - self.T_max) % (2 * self.T_max) == 0:  # past the minimum: back up
            return lr + (base_lr - self.eta_min) * (1 - math.cos(math.pi / self.T_max)) / 2
        ratio = (1 + math.cos(math.pi * epoch / self.T_max)) / (
            1 + math.cos(math.pi * (epoch - 1) / self.T_max)
        )
        return ratio * (lr - self.eta_min) + self.eta_min

    def lr_at(self, epoch: int, base_lr: float) -> float:
        cosine = (1 + math.cos(math.pi * epoch / self.T_max)) / 2
        return self.eta_min + (base_lr - self.eta_min) * cosine


class LinearLR(LRScheduler):
    """Linear warm-up: the factor goes from ``start_factor`` to ``end_factor`` over ``total_iters`` epochs."""

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
        last_epoch: int = -1,
    ) -> None:
        if not 0 < start_factor <= 1 or not 0 <= end_factor <= 1:
            raise ValueError(
                f"LinearLR: factors must lie in (0, 1], got {start_factor}, {end_factor}"
            )
        self.start_factor, self.end_factor = start_factor, end_factor
        self.total_iters = check_int("LinearLR", "total_iters", total_iters, minimum=0)
        super().__init__(optimizer, last_epoch)

    def next_lr(self, epoch: int, lr: float, base_lr: float) -> float:
        if epoch == 0:
            return lr * self.start_factor
        if epoch > self.total_iters:
            return lr
        change = self.end_factor - self.start_factor
        return lr * (1.0 + change / (self.total_iters * self.start_factor + (epoch - 1) * change))

    def lr_at(self, epoch: int, base_lr: float) -> float:
        progress = min(epoch, self.total_iters) / self.total_iters if self.total_iters else 1.0
        return base_lr * (self.start_factor + (self.end_factor - self.start_factor) * progress)


class LambdaLR(LRScheduler):
    """lr = base · lr_lambda(epoch) (one function, or one per parameter group), as PyTorch."""

    def __init__(
        self,
        optimizer: Optimizer,
        lr_lambda: Callable[[int], float] | Sequence[Callable[[int], float]],
        last_epoch: int = -1,
    ) -> None:
        groups = len(optimizer.param_groups) if isinstance(optimizer, Optimizer) else 1
        lambdas = list(lr_lambda) if isinstance(lr_lambda, (list, tuple)) else [lr_lambda] * groups
        if len(lambdas) != groups or not all(callable(f) for f in lambdas):
            raise ValueError(f"LambdaLR: expected one callable or {groups} (one per group)")
        self.lr_lambdas = lambdas
        super().__init__(optimizer, last_epoch)

    def step(self, epoch: int | None = None) -> None:
        self._step_count += 1
        self.last_epoch = self.last_epoch + 1 if epoch is None else epoch
        lrs = [base * f(self.last_epoch) for base, f in zip(self.base_lrs, self.lr_lambdas)]
        for group, lr in zip(self.optimizer.param_groups, lrs):
            group["lr"] = lr
        self._last_lr = lrs


class SequentialLR(LRScheduler):
    """Run ``schedulers`` one after another, switching at ``milestones`` (e.g. warm-up, then cosine).

    At each milestone the next schedule starts from its epoch 0 (its closed
    form), as PyTorch's ``SequentialLR``.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        schedulers: Sequence[LRScheduler],
        milestones: Sequence[int],
        last_epoch: int = -1,
    ) -> None:
        if len(milestones) != len(schedulers) - 1:
            raise ValueError("SequentialLR: needs one milestone fewer than schedulers")
        if any(s.optimizer is not optimizer for s in schedulers):
            raise ValueError("SequentialLR: every scheduler must drive the same optimizer")
        self.optimizer = optimizer
        self.schedulers, self.milestones = list(schedulers), list(milestones)
        self.last_epoch, self._step_count = last_epoch + 1, 1
        for group in optimizer.param_groups:  # undo what the schedulers' own first steps did
            group["lr"] = group["initial_lr"]
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        for scheduler in self.schedulers:
            scheduler.last_epoch -= 1
        self.schedulers[0]._step_count = 0
        self.schedulers[0].step()
        self._last_lr = self.schedulers[0].get_last_lr()

    def step(self, epoch: int | None = None) -> None:
        self.last_epoch += 1
        self._step_count += 1
        stage = bisect.bisect_right(self.milestones, self.last_epoch)
        scheduler = self.schedulers[stage]
        if stage and self.milestones[stage - 1] == self.last_epoch:
            scheduler.step(0)
        else:
            scheduler.step()
        self._last_lr = scheduler.get_last_lr()

    def state_dict(self) -> dict[str, Any]:
        return {**super().state_dict(), "schedulers": [s.state_dict() for s in self.schedulers]}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        super().load_state_dict(state)
        for scheduler, saved in zip(self.schedulers, state["schedulers"]):
            scheduler.load_state_dict(saved)


class OneCycleLR(LRScheduler):
    """The 1cycle policy (Smith & Topin 2018), as ``torch.optim.lr_scheduler.OneCycleLR``: step per batch.

    The rate rises from max_lr/div_factor to ``max_lr`` over the first
    ``pct_start`` of ``total_steps`` and anneals to max_lr/(div_factor·final_div_factor)
    over the rest (cosine or linear); with ``cycle_momentum`` the momentum (SGD's
    ``momentum`` or Adam's β₁) moves the opposite way between ``max_momentum`` and
    ``base_momentum``. ``three_phase`` adds PyTorch's symmetric third phase.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        max_lr: float | Sequence[float],
        total_steps: int | None = None,
        epochs: int | None = None,
        steps_per_epoch: int | None = None,
        pct_start: float = 0.3,
        anneal_strategy: str = "cos",
        cycle_momentum: bool = True,
        base_momentum: float = 0.85,
        max_momentum: float = 0.95,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
        last_epoch: int = -1,
    ) -> None:
        if total_steps is None:
            if epochs is None or steps_per_epoch is None:
                raise ValueError("OneCycleLR: give total_steps, or epochs and steps_per_epoch")
            total_steps = check_int("OneCycleLR", "epochs", epochs) * check_int(
                "OneCycleLR", "steps_per_epoch", steps_per_epoch
            )
        self.total_steps = check_int("OneCycleLR", "total_steps", total_steps)
        check_number("OneCycleLR", "pct_start", pct_start, 0.0, 1.0)
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(
                f"OneCycleLR: anneal_strategy must be 'cos' or 'linear', got {anneal_strategy!r}"
            )
        self.anneal = _cosine if anneal_strategy == "cos" else _linear
        groups = optimizer.param_groups
        max_lrs = list(max_lr) if isinstance(max_lr, (list, tuple)) else [max_lr] * len(groups)
        if last_epoch == -1:
            for group, top in zip(groups, max_lrs):
                group.update(initial_lr=top / div_factor, max_lr=top)
                group["min_lr"] = group["initial_lr"] / final_div_factor
        up = float(pct_start * self.total_steps) - 1
        if three_phase:
            self.phases = [
                (up, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (float(2 * pct_start * self.total_steps) - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
                (self.total_steps - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"),
            ]  # fmt: skip
        else:
            self.phases = [
                (up, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (self.total_steps - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"),
            ]
        self.cycle_momentum = cycle_momentum
        self.use_beta1 = "betas" in optimizer.defaults
        if cycle_momentum:
            if "momentum" not in optimizer.defaults and not self.use_beta1:
                raise ValueError(
                    "OneCycleLR: cycle_momentum needs an optimizer with momentum or betas"
                )
            if last_epoch == -1:
                for group in groups:
                    group.update(base_momentum=base_momentum, max_momentum=max_momentum)
                    self._set_momentum(group, max_momentum)
        super().__init__(optimizer, last_epoch)

    def _set_momentum(self, group: dict[str, Any], value: float) -> None:
        if self.use_beta1:
            group["betas"] = (value, *group["betas"][1:])
        else:
            group["momentum"] = value

    def step(self, epoch: int | None = None) -> None:
        self._step_count += 1
        self.last_epoch = self.last_epoch + 1 if epoch is None else epoch
        step = self.last_epoch
        if step > self.total_steps:
            raise ValueError(
                f"OneCycleLR: stepped {step} times for total_steps={self.total_steps} "
                "(step it once per batch)"
            )
        lrs = []
        for group in self.optimizer.param_groups:
            start = 0.0
            for i, (end, lr_from, lr_to, m_from, m_to) in enumerate(self.phases):
                if step <= end or i == len(self.phases) - 1:
                    fraction = (step - start) / (end - start)
                    lr = self.anneal(group[lr_from], group[lr_to], fraction)
                    if self.cycle_momentum:
                        self._set_momentum(group, self.anneal(group[m_from], group[m_to], fraction))
                    break
                start = end
            group["lr"] = lr
            lrs.append(lr)
        self._last_lr = lrs


def _cosine(start: float, end: float, fraction: float) -> float:
    return end + (start - end) / 2.0 * (math.cos(math.pi * fraction) + 1)


def _linear(start: float, end: float, fraction: float) -> float:
    return (end - start) * fraction + start


class ReduceLROnPlateau:
    """Lower the learning rate when a metric stops improving, as PyTorch's: ``step(metric)`` per epoch.

    After more than ``patience`` epochs without an improvement of more than
    ``threshold`` (relative, or absolute with ``threshold_mode="abs"``) the rate
    is multiplied by ``factor`` (not below ``min_lr``), then ``cooldown`` epochs
    pass before counting again.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        mode: str = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: str = "rel",
        cooldown: int = 0,
        min_lr: float | Sequence[float] = 0.0,
        eps: float = 1e-8,
    ) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"ReduceLROnPlateau needs an Optimizer, got {type(optimizer).__name__}")
        if mode not in ("min", "max") or threshold_mode not in ("rel", "abs"):
            raise ValueError(
                "ReduceLROnPlateau: mode must be 'min'/'max', threshold_mode 'rel'/'abs'"
            )
        self.factor = check_number("ReduceLROnPlateau", "factor", factor, 0.0, 1.0, high_open=True)
        self.optimizer, self.mode, self.threshold_mode = optimizer, mode, threshold_mode
        self.patience = check_int("ReduceLROnPlateau", "patience", patience, minimum=0)
        self.cooldown = check_int("ReduceLROnPlateau", "cooldown", cooldown, minimum=0)
        self.threshold, self.eps = threshold, eps
        groups = optimizer.param_groups
        self.min_lrs = list(min_lr) if isinstance(min_lr, (list, tuple)) else [min_lr] * len(groups)
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs = self.cooldown_counter = 0
        self.last_epoch = 0
        self._last_lr = [group["lr"] for group in groups]

    def _improved(self, value: float) -> bool:
        if self.mode == "min":
            bound = (
                self.best * (1 - self.threshold)
                if self.threshold_mode == "rel"
                else self.best - self.threshold
            )
            return value < bound
        bound = (
            self.best * (1 + self.threshold)
            if self.threshold_mode == "rel"
            else self.best + self.threshold
        )
        return value > bound

    def step(self, metrics: float) -> None:
        value = float(metrics)
        self.last_epoch += 1
        if self._improved(value):
            self.best, self.num_bad_epochs = value, 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            for group, floor in zip(self.optimizer.param_groups, self.min_lrs):
                new = max(group["lr"] * self.factor, floor)
                if group["lr"] - new > self.eps:
                    group["lr"] = new
            self.cooldown_counter, self.num_bad_epochs = self.cooldown, 0
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self) -> list[float]:
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        keys = ("best", "num_bad_epochs", "cooldown_counter", "last_epoch", "_last_lr")
        return {k: getattr(self, k) for k in keys}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        for key, value in state.items():
            setattr(self, key, value)
