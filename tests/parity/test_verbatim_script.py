"""A PyTorch script runs after a mechanical rewrite of its import lines, and gives torch's numbers.

``scripts/torch_classifier.py`` is written in plain PyTorch. The test rewrites
only its import lines by the mapping in docs/porting.md (``IMPORTS`` below, the
same table), runs both versions from the same initial weights and data, and
compares the losses step by step, the accuracy and the reloaded model's outputs.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import numpy as np
import torch

SCRIPT = Path(__file__).parent / "scripts" / "torch_classifier.py"

# The import mapping of docs/porting.md, one line each.
IMPORTS = {
    "import torch": "import rectifiers as torch",
    "import torch.nn as nn": "import rectifiers.nn as nn",
    "import torch.nn.functional as F": "import rectifiers.nn.functional as F",
    "import torch.optim as optim": "import rectifiers.optim as optim",
    "from torch.utils.data import DataLoader, TensorDataset": (
        "from rectifiers.utils.data import DataLoader, TensorDataset"
    ),
}


def rewrite_imports(source: str) -> str:
    """Replace each import line found in IMPORTS; every other line stays byte for byte."""
    lines = []
    for line in source.splitlines():
        lines.append(IMPORTS.get(line, line) if re.match(r"^(import|from) ", line) else line)
    return "\n".join(lines) + "\n"


def _load(source: str, name: str, tmp_path: Path):
    path = tmp_path / f"{name}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_the_rewrite_touches_only_import_lines():
    original = SCRIPT.read_text().splitlines()
    rewritten = rewrite_imports(SCRIPT.read_text()).splitlines()
    changed = [(a, b) for a, b in zip(original, rewritten) if a != b]
    assert len(original) == len(rewritten)
    assert changed and all(a.startswith(("import ", "from ")) for a, _ in changed)


def test_the_rewritten_script_gives_torchs_results(tmp_path):
    source = SCRIPT.read_text()
    theirs_module = _load(source, "script_torch", tmp_path)
    ours_module = _load(rewrite_imports(source), "script_rectifiers", tmp_path)
    rng = np.random.default_rng(0)
    images = rng.standard_normal((48, 3, 32, 32)).astype(np.float32)
    labels = rng.integers(0, 10, 48)
    torch.manual_seed(0)
    initial = {k: v.detach().numpy().copy() for k, v in theirs_module.Net().state_dict().items()}
    torch.set_num_threads(1)
    theirs = theirs_module.run(images, labels, initial, tmp_path / "torch.pt")
    ours = ours_module.run(images, labels, initial, tmp_path / "ours.npz")
    assert len(ours["losses"]) == len(theirs["losses"]) == 12
    np.testing.assert_allclose(ours["losses"], theirs["losses"], rtol=2e-4, atol=2e-5)
    assert ours["accuracy"] == theirs["accuracy"]
    assert ours["lr"] == theirs["lr"]
    np.testing.assert_allclose(ours["logits"], theirs["logits"], rtol=1e-3, atol=1e-4)


def test_a_torch_checkpoint_is_refused_with_the_way_to_convert_it(tmp_path):
    import pytest

    import rectifiers as rf

    torch.save(torch.nn.Linear(2, 2).state_dict(), tmp_path / "model.pt")
    with pytest.raises(rf.CheckpointError, match="PyTorch/pickle.*load_safetensors"):
        rf.load(tmp_path / "model.pt")
