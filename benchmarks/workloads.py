"""The workloads, written once for either library (``lib`` is ``rectifiers`` or ``torch``).

Nothing here imports rectifiers or torch: the worker process imports only the
library it measures, so neither changes the other's environment (the worker
switches on rectifiers' malloc setting, as ``fit`` does: ``rectifiers/memory.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from . import models
from .timing import measure


class Workload(NamedTuple):
    """What a table row describes (name, FLOPs or bytes) and the call to time."""

    meta: dict
    run: Callable[[], object]


BATCH = 128

# (name, C_in, C_out, kernel, padding, H=W, channels_last). Input and output gradient
# lie NCHW in memory (a data loader's batch), or, marked NHWC, channels-last — as
# between the layers of a network, where each conv hands the next its output in
# that layout. Both libraries get the same arrays (torch then takes its own
# channels-last path).
CONV_SHAPES = [
    ("3→64 3×3 @32", 3, 64, 3, 1, 32, False),
    ("64→64 3×3 @32", 64, 64, 3, 1, 32, False),
    ("64→64 3×3 @32 NHWC", 64, 64, 3, 1, 32, True),
    ("128→128 3×3 @16", 128, 128, 3, 1, 16, False),
    ("128→128 3×3 @16 NHWC", 128, 128, 3, 1, 16, True),
    ("96→192 5×5 @16", 96, 192, 5, 2, 16, False),
    ("192→192 1×1 @8", 192, 192, 1, 0, 8, False),
]
STEP_NETWORKS = [(net, act) for net in ("net_s", "nin") for act in ("relu", "prelu", "rrelu")]
ELEMENTWISE_SHAPE = (128, 64, 32, 32)


def conv_flops(c_in: int, c_out: int, k: int, size: int) -> float:
    """Forward 2·N·Ho·Wo·F·C·k² (same-size output); the backward (input + weight) is twice that."""
    return 3 * 2 * BATCH * size * size * c_out * c_in * k * k


def _adapter(lib: Any) -> dict[str, Any]:
    """The few calls that differ between the two libraries."""
    if lib.__name__ == "torch":
        return dict(
            leaf=lambda a: lib.from_numpy(a).clone().requires_grad_(),
            const=lib.from_numpy,
            conv2d=lib.nn.functional.conv2d,
            cross_entropy=lambda logits, y: lib.nn.functional.cross_entropy(
                logits, lib.from_numpy(y)
            ),
            backward=lambda out, g: out.backward(lib.from_numpy(g)),
        )
    return dict(
        leaf=lambda a: lib.Tensor(a, requires_grad=True),
        const=lib.Tensor,
        conv2d=lib.functional.conv2d,
        cross_entropy=lib.functional.cross_entropy,
        backward=lambda out, g: out.backward(g),
    )


def gemm_rate(repeats: int) -> float:
    """The machine's float32 GEMM rate in GFLOP/s (2048³ NumPy matmul), best of ``repeats``.

    The best, not the median: a reference rate taken in one of the machine's
    slow stretches would flatter every "% of GEMM" figure.
    """
    a = np.random.default_rng(0).standard_normal((2048, 2048), dtype=np.float32)
    return 2 * 2048**3 / measure(lambda: a @ a, repeats)["min_s"] / 1e9


def copy_bandwidth(repeats: int) -> float:
    """GB/s of a NumPy copy of the elementwise tensor (bytes read + written), best of ``repeats``."""
    a = np.random.default_rng(0).standard_normal(ELEMENTWISE_SHAPE, dtype=np.float32)
    b = np.empty_like(a)
    return 2 * a.nbytes / measure(lambda: np.copyto(b, a), repeats)["min_s"] / 1e9


def conv(lib: Any) -> list[Workload]:
    api, rng, rows = _adapter(lib), np.random.default_rng(0), []
    for name, c_in, c_out, k, pad, size, channels_last in CONV_SHAPES:
        x = _images(rng, (BATCH, c_in, size, size), channels_last)
        w = rng.standard_normal((c_out, c_in, k, k), dtype=np.float32) * 0.05
        g = _images(rng, (BATCH, c_out, size, size), channels_last)
        run = _conv_call(api, x, w, np.zeros(c_out, np.float32), g, pad)
        rows.append(Workload({"workload": name, "flops": conv_flops(c_in, c_out, k, size)}, run))
    return rows


def _images(rng: np.random.Generator, shape: tuple, channels_last: bool) -> np.ndarray:
    """Standard normal (N, C, H, W) float32, channels-last in memory if asked."""
    n, c, h, w = shape
    if not channels_last:
        return rng.standard_normal(shape, dtype=np.float32)
    return rng.standard_normal((n, h, w, c), dtype=np.float32).transpose(0, 3, 1, 2)


def _conv_call(api: dict, x, w, b, g, pad: int) -> Callable[[], None]:
    def run():
        xt, wt, bt = api["leaf"](x), api["leaf"](w), api["leaf"](b)
        api["backward"](api["conv2d"](xt, wt, bt, padding=pad), g)

    return run


def steps(lib: Any) -> list[Workload]:
    api = _adapter(lib)
    return [
        Workload(
            {"workload": f"{network} {act}", "images": BATCH}, _step_call(api, lib, network, act)
        )
        for network, act in STEP_NETWORKS
    ]


def _step_call(api: dict, lib: Any, network: str, act: str) -> Callable[[], None]:
    model = getattr(models, network)(lib, act)
    opt = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    rng = np.random.default_rng(0)
    x = api["const"](rng.standard_normal((BATCH, 3, 32, 32), dtype=np.float32))
    y = rng.integers(0, 10, BATCH)

    def run():
        opt.zero_grad()
        api["cross_entropy"](model(x), y).backward()
        opt.step()

    return run


def elementwise(lib: Any) -> list[Workload]:
    """Activation and BatchNorm2d forward + backward on a 128×64×32×32 tensor."""
    api, rows = _adapter(lib), []
    rng = np.random.default_rng(0)
    x = rng.standard_normal(ELEMENTWISE_SHAPE, dtype=np.float32)
    g = rng.standard_normal(ELEMENTWISE_SHAPE, dtype=np.float32)
    layers = {
        "ReLU": lib.nn.ReLU(), "LeakyReLU": lib.nn.LeakyReLU(0.01), "PReLU (64)": lib.nn.PReLU(64),
        "RReLU": lib.nn.RReLU(), "BatchNorm2d": lib.nn.BatchNorm2d(64),
    }  # fmt: skip
    # bytes that must move at least: read x, write y; read g (and x or a mask), write dx
    min_bytes = {"ReLU": 4.25, "LeakyReLU": 4.25, "PReLU (64)": 5, "RReLU": 6, "BatchNorm2d": 6}
    for name, layer in layers.items():
        layer.train()
        run = _layer_call(api, layer, x, g)
        rows.append(Workload({"workload": name, "bytes": min_bytes[name] * x.nbytes}, run))
    return rows


def _layer_call(api: dict, layer: Any, x, g) -> Callable[[], None]:
    def run():
        api["backward"](layer(api["leaf"](x)), g)

    return run


def overhead(lib: Any) -> list[Workload]:
    """Autograd bookkeeping: forward + backward of a 200-op chain on 4-element tensors."""
    api = _adapter(lib)
    start = np.linspace(-1, 1, 4).astype(np.float32)

    def run():
        x = api["leaf"](start)
        y = x
        for _ in range(50):  # 4 ops per round: mul, add, tanh, mul
            y = (y * 1.01 + 0.1).tanh() * 0.99
        y.sum().backward()

    def twenty_runs():  # one call is ~1.5 ms: time 20 to keep the pipe's latency out
        for _ in range(20):
            run()

    return [Workload({"workload": "200-op chain, 4 elements", "calls": 20}, twenty_runs)]


def memory(lib: Any) -> list[dict]:
    """Peak resident memory growth over 3 NET-S (ReLU) training steps, in a fresh process."""
    import resource

    api = _adapter(lib)
    model = models.net_s(lib, "relu")
    opt = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    rng = np.random.default_rng(0)
    x = api["const"](rng.standard_normal((BATCH, 3, 32, 32), dtype=np.float32))
    y = rng.integers(0, 10, BATCH)
    before = _current_rss_mb()
    for _ in range(3):
        opt.zero_grad()
        api["cross_entropy"](model(x), y).backward()
        opt.step()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return [{"workload": "net_s relu, batch 128", "peak_mb": peak - before}]


def _current_rss_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    import os

    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
