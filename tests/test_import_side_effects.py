"""Importing rectifiers changes nothing in the process; training switches on the malloc setting."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import ctypes
calls = []
class Libc:
    def __init__(self, name):
        self.mallopt = lambda option, value: calls.append((option, value)) or 1
ctypes.CDLL = Libc
import numpy as np
import rectifiers as rf
print("after import:", calls)
model = rf.nn.Sequential(rf.nn.Flatten(), rf.nn.Linear(4, 2))
data = rf.data.TensorDataset(rf.tensor(np.zeros((4, 4), np.float32)), rf.tensor(np.zeros(4, np.int64)))
rf.training.fit(model, rf.data.DataLoader(data, 2), rf.optim.SGD(model.parameters(), lr=0.1), 1,
                progress=False, log=None)
print("after fit:", calls)
"""


def probe(**env: str) -> list[str]:
    import os

    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                            env={**os.environ, **env}, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.splitlines()


def test_import_sets_nothing_and_fit_keeps_freed_memory():
    after_import, after_fit = probe()
    assert after_import == "after import: []"
    assert after_fit.startswith("after fit: [(") and len(eval(after_fit.split(": ", 1)[1])) == 2


def test_the_environment_variable_turns_it_off():
    assert probe(RECTIFIERS_KEEP_FREED_MEMORY="0")[-1] == "after fit: []"
