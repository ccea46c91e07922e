"""Write the three notebooks from the cells below and execute them, keeping their outputs.

    python notebooks/build.py          # needs the notebooks extra: pip install -e ".[notebooks]"

The notebooks are generated so that their text lives in one reviewable file;
tests/test_notebooks.py executes the committed notebooks in CI, so they never
drift from the library.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

AUTOGRAD = [
    (
        "markdown",
        """# Autograd from scratch, up to a gradchecked convolution

A `Tensor` holds a NumPy array and remembers the operation that made it. `backward()` walks
those operations in reverse and applies the chain rule. This notebook builds up from one
multiplication to a convolution, checking every gradient against finite differences.""",
    ),
    (
        "code",
        """import numpy as np
import rectifiers as rf
from rectifiers import nn

x = rf.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = (x * x).sum()          # y = Σ x²
y.backward()
print(y, x.grad)           # dy/dx = 2x""",
    ),
    (
        "markdown",
        """Each operation is a `Function` with a `forward` and a `backward` on arrays. The
output remembers its `grad_fn`; the graph is the chain of `grad_fn`s and their edges:""",
    ),
    (
        "code",
        """h = x * 3
z = h.tanh().sum()
print(type(z.grad_fn).__name__, '<-', type(h.grad_fn).__name__)
print(rf.autograd.to_dot(z, {'x': x}))""",
    ),
    (
        "markdown",
        """## Write your own operation

The cube, y = x³, with dy/dx = 3x². The forward keeps what the backward needs on `self`.""",
    ),
    (
        "code",
        """class Cube(rf.autograd.Function):
    def forward(self, x):
        self.x = x
        return x ** 3

    def backward(self, grad):
        return grad * 3 * self.x ** 2


x64 = rf.tensor([0.5, -1.0, 2.0], dtype='float64', requires_grad=True)
print(rf.autograd.gradcheck(lambda t: Cube()(t).sum(), [x64]))""",
    ),
    (
        "markdown",
        """`gradcheck` compares the backward with central differences (f(x + ε) − f(x − ε)) / 2ε
in float64. A wrong backward is caught and the worst element named:""",
    ),
    (
        "code",
        """class WrongCube(Cube):
    def backward(self, grad):
        return grad * 2 * self.x ** 2   # a bug: 2x² instead of 3x²

try:
    rf.autograd.gradcheck(lambda t: WrongCube()(t).sum(), [x64])
except rf.autograd.GradcheckError as error:
    print(str(error)[:200])""",
    ),
    (
        "markdown",
        """## Up to a convolution

A convolution's input gradient is a correlation of the output gradient with the flipped
kernel; its weight gradient a correlation of the input with the output gradient. Both are
checked here, element by element, in float64:""",
    ),
    (
        "code",
        """rng = np.random.default_rng(0)
image = rf.tensor(rng.standard_normal((2, 3, 6, 6)), requires_grad=True)
weight = rf.tensor(rng.standard_normal((4, 3, 3, 3)), requires_grad=True)
bias = rf.tensor(rng.standard_normal(4), requires_grad=True)
def conv(x, w, b):
    return rf.functional.conv2d(x, w, b, stride=2, padding=1).sum()

print('conv2d gradients agree with finite differences:', rf.autograd.gradcheck(conv, [image, weight, bias]))""",
    ),
    (
        "markdown",
        """And a whole layer stack, trained a few steps by hand with `no_grad` updates — what an
optimiser does:""",
    ),
    (
        "code",
        """model = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.PReLU(4), nn.Flatten(), nn.Linear(4 * 6 * 6, 2))
data = rf.tensor(rng.standard_normal((8, 3, 6, 6)).astype(np.float32))
labels = rf.tensor(np.arange(8) % 2)
for step in range(5):
    loss = rf.functional.cross_entropy(model(data), labels)
    model.zero_grad()
    loss.backward()
    with rf.no_grad():
        for p in model.parameters():
            p -= 0.1 * p.grad
    print(f'step {step}: loss {loss.item():.4f}')""",
    ),
]

VARIANCE = [
    (
        "markdown",
        """# He et al.'s variance argument, layer by layer

For a layer y = W x with fan-in n and weights of variance Var[w], the output's second moment is
n · Var[w] · E[x²]. A ReLU halves E[x²] (only positive inputs pass), so keeping the signal's
scale constant through depth needs n · Var[w] / 2 = 1: **Var[w] = 2 / n** (He et al. 2015,
Eq. 10). With a leaky slope a the rectifier keeps (1 + a²)/2 of it: Var[w] = 2 / ((1 + a²) n).
Xavier's Var[w] = 1/n (for the average of fan-in and fan-out) loses a factor of 2 per layer.""",
    ),
    (
        "code",
        """import numpy as np
import rectifiers as rf
from rectifiers import models

rng = np.random.default_rng(0)
images = rf.tensor(rng.standard_normal((64, 3, 32, 32)).astype(np.float32))
labels = rf.tensor(rng.integers(0, 10, 64))

def statistics(scheme):
    model = models.plain_net(30, 'relu')
    rf.init.init_model(model, scheme, generator=np.random.default_rng(1))
    return rf.diagnostics.signal_statistics(model, images, rf.functional.cross_entropy, labels)

xavier, kaiming = statistics('xavier'), statistics('kaiming')
print('layer   forward std (Xavier / Kaiming)    gradient std (Xavier / Kaiming)')
for a, b in list(zip(xavier, kaiming))[::4]:
    print(f"{a['index']:>5}   {a['forward_std']:.2e} / {b['forward_std']:.2e}        "
          f"{a['backward_std']:.2e} / {b['backward_std']:.2e}")""",
    ),
    (
        "markdown",
        """Under Xavier the forward signal shrinks layer after layer until almost nothing reaches
layer 29, and the gradient that reaches the first layers has all but vanished; under Kaiming
both keep their scale through all 30 layers (the table above). Drawn:""",
    ),
    (
        "code",
        """import matplotlib.pyplot as plt

fig, axes = plt.subplots(1, 2, figsize=(9, 3.2))
for stats, name in [(xavier, 'Xavier'), (kaiming, 'Kaiming')]:
    axes[0].semilogy([s['index'] for s in stats], [s['forward_std'] for s in stats], marker='o', label=name)
    axes[1].semilogy([s['index'] for s in stats], [s['backward_std'] for s in stats], marker='o', label=name)
axes[0].set(title='forward: std of each layer output', xlabel='layer')
axes[1].set(title='backward: std of dL/d(output)', xlabel='layer')
axes[0].legend()
fig.tight_layout()
plt.show()""",
    ),
    (
        "markdown",
        """## Does it matter for training?

A plain 22-layer net (no BatchNorm, no shortcuts) on a small synthetic task, 60 SGD steps, the
two initialisations side by side:""",
    ),
    (
        "code",
        """from rectifiers import data, optim

train = data.SyntheticImages(512, size=16, seed=0)
def train_steps(scheme, steps=60):
    model = models.plain_net(22, 'relu', widths=(8, 16, 32))
    rf.init.init_model(model, scheme, generator=np.random.default_rng(2))
    opt = optim.SGD(model.parameters(), lr=0.02, momentum=0.9)
    loader = data.DataLoader(train, batch_size=64, shuffle=True, generator=np.random.default_rng(3))
    losses = []
    while len(losses) < steps:
        for x, y in loader:
            opt.zero_grad()
            loss = rf.functional.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            losses.append(loss.item())
    return losses[:steps]

for scheme in ('xavier', 'kaiming'):
    losses = train_steps(scheme)
    print(f'{scheme:>8}: loss {losses[0]:.3f} -> {np.mean(losses[-10:]):.3f} (mean of the last 10 steps)')""",
    ),
    (
        "markdown",
        """The Xavier net barely moves from ln 10 ≈ 2.303 (chance for 10 classes), while the Kaiming
net learns: He et al.'s Figure 3 in miniature. (The full experiment is `examples/deep_init.py`.)""",
    ),
]

RECTIFIERS = [
    (
        "markdown",
        """# The rectifier family

ReLU, Leaky ReLU, PReLU and RReLU are all y = x for x > 0 and y = a·x otherwise; they differ in
the slope a: 0, fixed, learned, or random in training.""",
    ),
    (
        "code",
        """import matplotlib.pyplot as plt
import numpy as np
import rectifiers as rf
from rectifiers import nn

x = rf.tensor(np.linspace(-3, 3, 301).astype(np.float32), requires_grad=True)
family = {'ReLU': nn.ReLU(), 'Leaky ReLU (a = 1/5.5)': nn.LeakyReLU.from_divisor(5.5),
          'PReLU (a = 0.25)': nn.PReLU(), 'RReLU (training draw)': nn.RReLU.from_divisor(3, 8, generator=np.random.default_rng(0))}
fig, axes = plt.subplots(1, 2, figsize=(9, 3.2))
for name, layer in family.items():
    x.grad = None
    y = layer(x)
    y.sum().backward()
    axes[0].plot(x.data, y.data, label=name, lw=1)
    axes[1].plot(x.data, x.grad.data, label=name, lw=1)
axes[0].set(title='y(x)'); axes[1].set(title='dy/dx')
axes[0].legend(fontsize=7)
fig.tight_layout()
plt.show()""",
    ),
    (
        "markdown",
        """## Dead units under a too-large learning rate

A ReLU unit whose input stays negative outputs 0 and passes no gradient: it can never recover.
`DeadUnitMonitor` counts, per layer, the channels that were never positive during an epoch.
A small net without BatchNorm, trained at a sensible and at a far too large learning rate. (The
monitor counts a Leaky ReLU channel that stays negative the same way, but such a channel still
passes a·g back and can come back to life.)""",
    ),
    (
        "code",
        """from rectifiers import data, diagnostics, models, optim

train = data.SyntheticImages(768, size=16, seed=0)

def dead_after_training(activation, lr, epochs=3):
    model = models.small_convnet(activation, width=8)
    rf.init.init_model(model, 'kaiming', generator=np.random.default_rng(1))
    opt = optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    loader = data.DataLoader(train, batch_size=64, shuffle=True, generator=np.random.default_rng(2))
    monitor = diagnostics.DeadUnitMonitor(model)
    for _ in range(epochs):
        monitor.reset()
        for x, y in loader:
            opt.zero_grad()
            loss = rf.functional.cross_entropy(model(x), y)
            if not np.isfinite(loss.item()):
                return 'diverged'
            loss.backward()
            opt.step()
    fractions = monitor.dead_fractions()
    monitor.remove()
    return f"{100 * np.mean(list(fractions.values())):.0f} % dead"

for lr in (0.01, 0.5):
    print(f"lr {lr}: ReLU {dead_after_training('relu', lr)}, Leaky ReLU {dead_after_training('leaky_relu', lr)}")""",
    ),
    (
        "markdown",
        """## Five rectifiers compared (a small version of Xu et al. 2015)

Same data order and initial weights for every rectifier, four epochs on the synthetic set, a
small conv net with BatchNorm; `examples/compare_rectifiers.py` runs the real comparison on
CIFAR-10.""",
    ),
    (
        "code",
        """test = data.SyntheticImages(512, size=16, seed=0, sample_seed=9)
rectifiers_to_compare = {
    'ReLU': 'relu',
    'Leaky ReLU a=100': ('leaky_relu', {'divisor': 100}),
    'Leaky ReLU a=5.5': ('leaky_relu', {'divisor': 5.5}),
    'PReLU': 'prelu',
    'RReLU U(3, 8)': ('rrelu', {'parameterization': 'divisor', 'lower': 3.0, 'upper': 8.0}),
}
for name, spec in rectifiers_to_compare.items():
    model = models.small_convnet(spec, width=8, batch_norm=True)
    rf.init.init_model(model, 'kaiming', generator=np.random.default_rng(1))  # a from the rectifier
    opt = optim.SGD(optim.param_groups_no_decay(model, 5e-4), lr=0.05, momentum=0.9)
    loader = data.DataLoader(train, batch_size=64, shuffle=True, generator=np.random.default_rng(2))
    history = rf.training.fit(model, loader, opt, epochs=4, progress=False, log=None)
    result = rf.training.evaluate(model, data.DataLoader(test, batch_size=256))
    print(f"{name:>18}: final training loss {history['train_loss'][-1]:.3f}, "
          f"test error {100 * (1 - result['accuracy']):.1f} %")""",
    ),
    (
        "markdown",
        """Every rectifier learns this toy task; what differs is how low the training loss gets in
four epochs. One seed on a toy task cannot rank them — that needs several seeds and a task
where they overfit (see the README's Results for CIFAR-10, with their commands).""",
    ),
]

NOTEBOOKS = {
    "1_autograd_from_scratch.ipynb": AUTOGRAD,
    "2_variance_argument.ipynb": VARIANCE,
    "3_rectifier_family.ipynb": RECTIFIERS,
}


def build(name: str, cells: list[tuple[str, str]]) -> None:
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    notebook.cells = [
        nbformat.v4.new_markdown_cell(text)
        if kind == "markdown"
        else nbformat.v4.new_code_cell(text)
        for kind, text in cells
    ]
    NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(HERE)}}
    ).execute()
    nbformat.write(notebook, HERE / name)
    print(f"written {HERE / name}")


if __name__ == "__main__":
    for name, cells in NOTEBOOKS.items():
        if len(sys.argv) == 1 or name in sys.argv[1:]:
            build(name, cells)
