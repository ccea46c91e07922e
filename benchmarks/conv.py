"""conv2d forward + backward (input and weight gradients), batch 128, float32."""

from __future__ import annotations

import numpy as np

import rectifiers as rf
import rectifiers.functional as F

from .timing import measure

# (name, C_in, C_out, kernel, padding, H=W)
SHAPES = [
    ("3→64 3×3 @32", 3, 64, 3, 1, 32),
    ("64→64 3×3 @32", 64, 64, 3, 1, 32),
    ("128→128 3×3 @16", 128, 128, 3, 1, 16),
    ("96→192 5×5 @16", 96, 192, 5, 2, 16),
    ("192→192 1×1 @8", 192, 192, 1, 0, 8),
]
BATCH = 128


def gemm_rate(repeats: int) -> float:
    """The machine's float32 GEMM rate in GFLOP/s (2048³ NumPy matmul), the ceiling for conv."""
    a = np.random.default_rng(0).standard_normal((2048, 2048), dtype=np.float32)
    result = measure(lambda: a @ a, repeats)
    return 2 * 2048**3 / result["median_s"] / 1e9


def conv_flops(c_in: int, c_out: int, k: int, size: int) -> float:
    """Forward 2·N·Ho·Wo·F·C·k² (same-size output); backward (input + weight) is twice that."""
    return 3 * 2 * BATCH * size * size * c_out * c_in * k * k


def run(repeats: int, torch=None) -> list[dict]:
    rng = np.random.default_rng(0)
    rows = []
    for name, c_in, c_out, k, pad, size in SHAPES:
        x = rng.standard_normal((BATCH, c_in, size, size), dtype=np.float32)
        w = rng.standard_normal((c_out, c_in, k, k), dtype=np.float32) * 0.05
        b = np.zeros(c_out, np.float32)
        g = rng.standard_normal((BATCH, c_out, size, size), dtype=np.float32)

        def ours():
            xt, wt, bt = (rf.Tensor(a, requires_grad=True) for a in (x, w, b))
            F.conv2d(xt, wt, bt, padding=pad).backward(g)

        row = {
            "workload": name,
            "ours": measure(ours, repeats),
            "flops": conv_flops(c_in, c_out, k, size),
        }
        if torch is not None:
            tx, tw, tb, tg = (torch.from_numpy(a) for a in (x, w, b, g))

            def theirs():
                xt, wt, bt = (t.clone().requires_grad_() for t in (tx, tw, tb))
                torch.nn.functional.conv2d(xt, wt, bt, padding=pad).backward(tg)

            row["torch"] = measure(theirs, repeats)
        rows.append(row)
    return rows
