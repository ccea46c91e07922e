"""``save`` and ``load``: nested dicts of arrays and plain values in one ``.npz``, no pickle.

Arrays (model weights, optimiser buffers) are stored as ``.npz`` members;
everything else (numbers, strings, lists, the nesting itself, generator
states) goes into one JSON document stored as a string member. Loading uses
``numpy.load(allow_pickle=False)``, so a checkpoint can never execute code.
"""

from __future__ import annotations

import json
import os
import zipfile
from typing import Any

import numpy as np

from .autograd.tensor import Tensor
from .files import atomic_writer

_STRUCTURE_KEY = "__structure__"


class CheckpointError(ValueError):
    """A file is not a readable checkpoint, or does not fit what it is loaded into.

    The message names the file and what is wrong with it. (A missing file
    stays a ``FileNotFoundError``.)
    """


def _flatten(obj: Any, arrays: dict[str, np.ndarray]) -> Any:
    """Replace every array by a reference {"__array__": key} and collect the arrays."""
    if isinstance(obj, Tensor):
        obj = obj.data
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind not in "biufc":
            raise TypeError(f"save: arrays of dtype {obj.dtype} cannot be stored without pickle")
        key = f"a{len(arrays)}"
        arrays[key] = obj
        return {"__array__": key}
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, dict):
        for k in obj:
            if not isinstance(k, (str, int)):
                raise TypeError(f"save: dict keys must be str or int, got {type(k).__name__}")
        keys = [k for k in obj]
        if any(isinstance(k, int) for k in keys):
            return {"__intkeys__": [[k, _flatten(v, arrays)] for k, v in obj.items()]}
        return {k: _flatten(v, arrays) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_flatten(v, arrays) for v in obj]
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    raise TypeError(
        f"save: cannot store a {type(obj).__name__} (only dicts, lists, numbers, strings, arrays)"
    )


def _unflatten(obj: Any, arrays: Any) -> Any:
    if isinstance(obj, dict):
        if "__array__" in obj:
            if obj["__array__"] not in arrays:
                raise KeyError(f"the structure refers to a missing array {obj['__array__']!r}")
            return arrays[obj["__array__"]]
        if "__intkeys__" in obj:
            return {k: _unflatten(v, arrays) for k, v in obj["__intkeys__"]}
        return {k: _unflatten(v, arrays) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_unflatten(v, arrays) for v in obj]
    return obj


def save(obj: dict[str, Any], path: str | os.PathLike) -> None:
    """Write ``obj`` (nested dicts/lists of arrays, tensors, numbers, strings) to ``path``.

    The file is written atomically and durably (:mod:`rectifiers.files`): a
    temporary beside ``path``, fsync-ed, renamed over it. An interrupted save
    never leaves a half-written checkpoint under ``path``, and the temporaries
    of a killed save are removed by the next save of the same file.

    Examples:
        >>> import rectifiers as rf, tempfile, os
        >>> model = rf.nn.Linear(3, 2)
        >>> path = os.path.join(tempfile.mkdtemp(), "model.npz")
        >>> rf.save({"model": model.state_dict(), "epoch": 3}, path)
        >>> rf.load(path)["epoch"]
        3
    """
    arrays: dict[str, np.ndarray] = {}
    structure = _flatten(obj, arrays)
    arrays[_STRUCTURE_KEY] = np.array(json.dumps(structure))
    with atomic_writer(path) as f:
        np.savez(f, **arrays)


def load(path: str | os.PathLike) -> Any:
    """Read what :func:`save` wrote (arrays come back as NumPy arrays).

    Raises:
        FileNotFoundError: there is no file at ``path``.
        CheckpointError: the file is not a complete checkpoint written by
            :func:`save` (another format, truncated, corrupted, or holding
            pickled objects, which are never loaded).
    """
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no checkpoint at {path}")
    _refuse_pickles(path)
    try:
        with np.load(path, allow_pickle=False) as archive:
            if not hasattr(archive, "files") or _STRUCTURE_KEY not in archive.files:
                raise CheckpointError(
                    f"{path} was not written by rectifiers.save (no {_STRUCTURE_KEY} entry)"
                )
            arrays = {k: archive[k] for k in archive.files if k != _STRUCTURE_KEY}
            structure = json.loads(str(archive[_STRUCTURE_KEY]))
        return _unflatten(structure, arrays)
    except CheckpointError:
        raise
    except Exception as error:  # BadZipFile, EOFError, JSONDecodeError, pickled arrays, …
        raise CheckpointError(
            f"{path} is not a readable rectifiers checkpoint "
            f"({type(error).__name__}: {_first_line(error)})"
        ) from None


def _refuse_pickles(path: str | os.PathLike) -> None:
    """A PyTorch ``.pt`` file is a pickle (in a zip, or bare): say so, and how to convert it."""
    with open(path, "rb") as f:
        head = f.read(2)
    is_torch_zip = False
    if head == b"PK":
        try:
            with zipfile.ZipFile(path) as archive:
                is_torch_zip = any(name.endswith("data.pkl") for name in archive.namelist())
        except (zipfile.BadZipFile, OSError):
            return  # a broken zip: load() says so

    if is_torch_zip or head[:1] == b"\x80":
        raise CheckpointError(
            f"{path} is a PyTorch/pickle file: rectifiers never unpickles (a pickle can run any "
            "code). Convert it where torch is installed, e.g. "
            "safetensors.torch.save_file(model.state_dict(), 'model.safetensors'), then "
            "rectifiers.load_safetensors('model.safetensors'); or numpy.savez('model.npz', "
            "**{k: v.numpy() for k, v in model.state_dict().items()}) and dict(numpy.load('model.npz')). "
            "See docs/porting.md"
        )


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else ""


_SAFETENSORS_DTYPES = {
    "F64": np.float64, "F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32,
    "I16": np.int16, "I8": np.int8, "U8": np.uint8, "BOOL": np.bool_,
}  # fmt: skip


def load_safetensors(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """The tensors of a ``.safetensors`` file as {name: array}: the safe way in from PyTorch.

    The format is an 8-byte little-endian header length, a JSON header
    ``{name: {"dtype", "shape", "data_offsets": [begin, end]}}``, then the raw
    little-endian bytes — data only, nothing to execute. bfloat16 tensors are
    widened to float32. Load the result with ``model.load_state_dict(...)``.

    Raises:
        CheckpointError: the file is not a well-formed safetensors file.
    """
    raw = open(path, "rb").read()
    try:
        size = int.from_bytes(raw[:8], "little")
        header = json.loads(raw[8 : 8 + size])
        body = memoryview(raw)[8 + size :]
        tensors = {}
        for name, entry in header.items():
            if name == "__metadata__":
                continue
            begin, end = entry["data_offsets"]
            shape = tuple(entry["shape"])
            if entry["dtype"] == "BF16":  # bfloat16 = the top half of a float32
                halves = np.frombuffer(body[begin:end], dtype="<u2").astype(np.uint32) << 16
                tensors[name] = halves.view(np.float32).reshape(shape)
                continue
            dtype = np.dtype(_SAFETENSORS_DTYPES[entry["dtype"]]).newbyteorder("<")
            array = np.frombuffer(body[begin:end], dtype=dtype).reshape(shape)
            tensors[name] = array.astype(array.dtype.newbyteorder("="))
        return tensors
    except Exception as error:
        raise CheckpointError(
            f"{path} is not a readable safetensors file ({type(error).__name__}: {_first_line(error)})"
        ) from None
