"""Draw the figures of the docs from the library's own functions.

python docs/make_plots.py      # writes docs/img/rectifiers.png (needs matplotlib) and
                               # docs/img/prelu_graph.svg (needs graphviz: pip install -e ".[graph]")
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import rectifiers as rf
from rectifiers import nn

OUT = Path(__file__).resolve().parent / "img"


def small_prelu_net_graph() -> str:
    """The DOT source of docs/autograd.md's figure: a small PReLU net's loss, drawn."""
    net = nn.Sequential(nn.Linear(4, 3), nn.PReLU(3), nn.Linear(3, 2))
    rf.init.init_model(net, "kaiming", a=0.25, generator=np.random.default_rng(0))
    x = rf.randn(8, 4, seed=1)
    loss = rf.functional.cross_entropy(net(x), rf.tensor(np.arange(8) % 2))
    return rf.autograd.to_dot(loss, net)


def draw_graph() -> None:
    written = rf.autograd.render_dot(small_prelu_net_graph(), str(OUT / "prelu_graph"), "svg")
    print(f"written {written}")


def main() -> None:
    draw_graph()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = rf.tensor(np.linspace(-3, 3, 601).astype(np.float32), requires_grad=True)
    prelu = nn.PReLU()
    rrelu = nn.RReLU.from_divisor(3, 8, generator=np.random.default_rng(0))
    curves = {
        "ReLU": nn.ReLU(),
        "Leaky ReLU (a = 100, slope 0.01)": nn.LeakyReLU.from_divisor(100),
        "Leaky ReLU (a = 5.5, slope 0.18)": nn.LeakyReLU.from_divisor(5.5),
        "PReLU (initial slope 0.25)": prelu,
    }
    fig, axes = plt.subplots(1, 3, figsize=(14, 4))
    for label, layer in curves.items():
        x.grad = None
        y = layer(x)
        y.sum().backward()
        axes[0].plot(x.data, y.data, label=label)
        axes[1].plot(x.data, x.grad.data, label=label)
    rrelu.train()
    axes[2].scatter(
        x.data, rrelu(x).data, s=2, alpha=0.5, label="RReLU training: y = x / d, d ~ U(3, 8)"
    )
    rrelu.eval()
    axes[2].plot(x.data, rrelu(x).data, color="black", label="RReLU evaluation: y = x / 5.5")
    titles = ["f(x)", "f'(x)", "RReLU (Xu et al.)"]
    for ax, title in zip(axes, titles):
        ax.axhline(0, color="grey", lw=0.5), ax.axvline(0, color="grey", lw=0.5)
        ax.set_title(title), ax.set_xlabel("x"), ax.legend(fontsize=7)
    fig.tight_layout()
    OUT.mkdir(exist_ok=True)
    fig.savefig(OUT / "rectifiers.png", dpi=110)
    print(f"written {OUT / 'rectifiers.png'}")


if __name__ == "__main__":
    main()
