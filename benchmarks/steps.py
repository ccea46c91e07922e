"""One training step (forward, cross-entropy, backward, SGD momentum) at batch 128: images/s."""

from __future__ import annotations

import numpy as np

import rectifiers as rf

from . import models
from .timing import measure

BATCH = 128


def _ours_step(build, act: str):
    model = build(rf, act)
    opt = rf.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    rng = np.random.default_rng(0)
    x = rf.Tensor(rng.standard_normal((BATCH, 3, 32, 32), dtype=np.float32))
    y = rng.integers(0, 10, BATCH)

    def step():
        opt.zero_grad()
        rf.functional.cross_entropy(model(x), y).backward()
        opt.step()

    return step


def _torch_step(torch, build, act: str):
    model = build(torch, act)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    rng = np.random.default_rng(0)
    x = torch.from_numpy(rng.standard_normal((BATCH, 3, 32, 32), dtype=np.float32))
    y = torch.from_numpy(rng.integers(0, 10, BATCH))

    def step():
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(x), y).backward()
        opt.step()

    return step


def run(repeats: int, torch=None, networks=("net_s", "nin"), acts=("relu", "prelu", "rrelu")) -> list[dict]:
    rows = []
    for network in networks:
        build = getattr(models, network)
        for act in acts:
            row = {"workload": f"{network} {act}", "images": BATCH}
            row["ours"] = measure(_ours_step(build, act), repeats, warmup=2)
            if torch is not None:
                row["torch"] = measure(_torch_step(torch, build, act), repeats, warmup=2)
            rows.append(row)
    return rows
