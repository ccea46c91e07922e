"""Quickstart: train a tiny two-layer network on synthetic data and print the falling loss.

Run:  python examples/quickstart.py
"""

from __future__ import annotations

import numpy as np

import rectifiers as rf


def make_spirals(n_per_class: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spirals in 2-D: a classic problem no linear model solves."""
    t = np.sqrt(rng.uniform(0.05, 1, n_per_class)) * 3 * np.pi
    arm = np.stack([t * np.cos(t), t * np.sin(t)], axis=1) / (3 * np.pi)
    x = np.concatenate([arm, -arm]) + rng.normal(0, 0.02, (2 * n_per_class, 2))
    y = np.repeat([0, 1], n_per_class)
    return x.astype(np.float32), y


def main() -> None:
    rng = np.random.default_rng(0)
    x, y = make_spirals(200, rng)
    inputs, targets = rf.tensor(x), rf.tensor(y.astype(np.float32))
    w1 = rf.randn(2, 64, generator=rng, requires_grad=True)
    b1 = rf.zeros(64, requires_grad=True)
    w2 = rf.randn(64, 1, generator=rng, requires_grad=True)
    with rf.no_grad():
        w2.data *= np.float32(np.sqrt(1 / 64))  # keep the first logits small
    params = [w1, b1, w2]
    for step in range(301):
        hidden = rf.maximum(inputs @ w1 + b1, 0.0)  # a ReLU
        logit = (hidden @ w2).reshape(-1)
        # logistic loss log(1 + e^(-s)) with s = ±logit, written with the core ops
        signed = logit * (2 * targets - 1)
        loss = (1 + (-signed).exp()).log().mean()
        for p in params:
            p.grad = None
        loss.backward()
        with rf.no_grad():
            for p in params:
                p.data -= np.float32(0.5) * p.grad.data
        if step % 50 == 0:
            accuracy = float(((logit.data > 0) == (y == 1)).mean())
            print(f"step {step:3d}  loss {loss.item():.4f}  accuracy {accuracy:.3f}")


if __name__ == "__main__":
    main()
