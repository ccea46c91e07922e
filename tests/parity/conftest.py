"""Parity tests compare against PyTorch; the whole folder skips cleanly without it."""

import pytest

torch = pytest.importorskip("torch", reason="PyTorch not installed (pip install -e '.[parity]')")
torch.set_num_threads(1)


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.parity)
