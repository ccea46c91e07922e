"""The public API: every exported name exists, has a docstring, and the package is typed."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

import rectifiers as rf

NAMESPACES = [
    rf,
    rf.nn,
    rf.functional,
    rf.optim,
    rf.data,
    rf.training,
    rf.autograd,
    rf.activations,
    rf.layers,
]


def exported():
    for module in NAMESPACES:
        for name in module.__all__:
            yield f"{module.__name__}.{name}", getattr(module, name)


@pytest.mark.parametrize(
    "qualified, obj", list(exported()), ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_public_name_has_a_docstring(qualified, obj):
    assert inspect.getdoc(obj), f"{qualified} has no docstring"


def test_public_functions_are_annotated():
    missing = []
    for qualified, obj in exported():
        if inspect.isfunction(obj):
            hints = obj.__annotations__
            params = [
                p for p in inspect.signature(obj).parameters if p not in ("self", "args", "kwargs")
            ]
            if "return" not in hints or any(p not in hints for p in params):
                missing.append(qualified)
    assert not missing, missing


def test_py_typed_marker_ships():
    assert (Path(rf.__file__).parent / "py.typed").exists()


def test_all_lists_name_existing_objects():
    for module in NAMESPACES:
        for name in module.__all__:
            assert hasattr(module, name), f"{module.__name__}.__all__ names missing {name}"
