"""What the input and argument checks cost inside a training step: ``python -m benchmarks.check_cost``.

The checks (a Tensor and dtype test on every functional call, the optimiser's
hyper-parameter and gradient checks before each step, the training loop's
finite-loss test) are too cheap to see in a lockstep ratio, whose spread on a
NET-S step is tens of percent. So this profiles a few NET-S training steps
with cProfile and sums the time spent inside the check functions themselves.
cProfile slows small Python functions more than NumPy-bound ones, so the
share it reports is an upper bound on the checks' real share of a step.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats

import numpy as np

from . import models

CHECKS = {
    ("checks.py", None),  # every function of rectifiers/checks.py
    ("_args.py", "check_tensor"),
    ("_args.py", "check_rank"),
    ("_args.py", "check_floating"),
    ("_args.py", "check_not_bool"),
    ("_args.py", "check_float"),
    ("optimizer.py", "check_group"),
    ("sgd.py", "check_group"),
    ("optimizer.py", "_check_gradient"),
    ("grad_mode.py", "is_grad_enabled"),
}


def _is_check(filename: str, function: str) -> bool:
    base = os.path.basename(filename)
    return any(base == f and (name is None or name == function) for f, name in CHECKS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--activation", default="relu", choices=("relu", "prelu", "rrelu"))
    args = parser.parse_args()
    import rectifiers as rf

    model = models.net_s(rf, args.activation)
    opt = rf.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    rng = np.random.default_rng(0)
    x = rf.tensor(rng.standard_normal((128, 3, 32, 32), dtype=np.float32))
    y = rf.tensor(rng.integers(0, 10, 128))

    def step() -> None:
        opt.zero_grad()
        rf.functional.cross_entropy(model(x), y).backward()
        opt.step()

    step()  # warm-up: first-touch page faults, buffers
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.steps):
        step()
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # {(file, line, function): (cc, nc, tottime, cumtime, _)}
    total = sum(tottime for (_, _, tottime, _, _) in stats.values())
    checks = sum(
        tottime for (file, _, function), (_, _, tottime, _, _) in stats.items()
        if _is_check(file, function)
    )  # fmt: skip
    calls = sum(
        ncalls for (file, _, function), (_, ncalls, _, _, _) in stats.items()
        if _is_check(file, function)
    )  # fmt: skip
    print(
        f"NET-S {args.activation}, {args.steps} profiled steps: {1e3 * total / args.steps:.1f} ms "
        f"per step, of which checks {1e3 * checks / args.steps:.3f} ms "
        f"({calls // args.steps} check calls per step) = {100 * checks / total:.3f} % (upper bound)"
    )


if __name__ == "__main__":
    main()
