"""Is this the data it claims to be? Checksums for every load, and an unpickler that only builds arrays.

Every time a CIFAR file is read (not only after a download) its MD5 is
compared with a trusted value, as torchvision does:

* the official release's checksums, built in, for the official files;
* or, for a copy that is not the official release (this project's JPEG
  copy, a subset you made), an ``MD5SUMS`` manifest in ``md5sum`` format
  beside the batch files::

      cd cifar-10-batches-py && md5sum data_batch_* test_batch batches.meta > MD5SUMS

A checksum catches flipped bytes and truncation; it is not a signature (a
manifest vouches for the files next to it, not for who wrote them). What
the files may *contain* is limited separately: the unpickler builds NumPy
arrays and nothing else, and refuses an array header that would allocate
more than its own bytes (NumPy always pickles an array as an empty (0,)
shell plus its data).
"""

from __future__ import annotations

import hashlib
import io
import pickle
import re
from typing import Any

import numpy as np

MANIFEST = "MD5SUMS"
MAX_FILE_BYTES = 256 << 20  # the largest official file (CIFAR-100 train) is about 155 MB
_MANIFEST_LINE = re.compile(r"^([0-9a-fA-F]{32}) [ *]([^/\\]+)$")

_ALLOWED = {
    ("numpy.core.multiarray", "scalar"),
    ("numpy._core.multiarray", "scalar"),
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("_codecs", "encode"),
}
_RECONSTRUCT = {
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
}


class DatasetError(RuntimeError):
    """A dataset file is missing, truncated, corrupted or malformed; the message names the file."""


def md5_hex(content: bytes) -> str:
    return hashlib.md5(content).hexdigest()


def parse_manifest(text: bytes, origin: str) -> dict[str, str]:
    """{file name: md5} from ``md5sum`` output; a malformed or repeated line is an error."""
    checksums: dict[str, str] = {}
    for number, line in enumerate(text.decode("utf-8", "replace").splitlines(), start=1):
        if not line.strip():
            continue
        match = _MANIFEST_LINE.match(line.strip())
        if match is None:
            raise DatasetError(
                f"{origin} line {number} is not in md5sum format ('<32 hex digits>  <name>'): {line!r}"
            )
        md5, name = match.group(1).lower(), match.group(2)
        if name in checksums:
            raise DatasetError(f"{origin} lists {name} twice")
        checksums[name] = md5
    return checksums


def verify(files: dict[str, bytes], expected: dict[str, str], where: str, source: str) -> None:
    """Every file's MD5 must equal its expected value (``source`` says where those came from)."""
    for name, content in files.items():
        want = expected.get(name)
        if want is None:
            raise DatasetError(f"{source} has no checksum for {where}/{name}")
        got = md5_hex(content)
        if got != want:
            raise DatasetError(
                f"{where}/{name} fails its integrity check: md5 {got}, expected {want} from "
                f"{source}. The file is corrupted or was changed; delete it and prepare or "
                "download the data again. (A copy that is not the official release needs an "
                f"{MANIFEST} manifest beside its batch files: "
                f"md5sum data_batch_* test_batch batches.meta > {MANIFEST})"
            )


def check_size(size: int, name: str) -> None:
    if size > MAX_FILE_BYTES:
        raise DatasetError(
            f"{name} is {size} bytes, more than any CIFAR file ({MAX_FILE_BYTES} at most): refused"
        )


def _reconstruct_empty(cls: Any, shape: Any, dtype_code: Any) -> np.ndarray:
    """NumPy's array-unpickling entry point, limited to the empty (0,) shell NumPy writes."""
    if cls is not np.ndarray or tuple(shape) != (0,):
        raise pickle.UnpicklingError(
            f"refusing an array header of shape {shape!r}: NumPy pickles arrays as an empty "
            "(0,) shell, a larger one would allocate memory the file does not hold"
        )
    return np.ndarray(shape=(0,), dtype=np.int8)  # its __setstate__ then gives it the real data


class _ArraysOnlyUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _RECONSTRUCT:
            return _reconstruct_empty
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name}: not an array")


def unpickle_batch(raw: bytes, name: str) -> dict:
    """The dict a CIFAR batch file holds, built from arrays, numbers, bytes and lists only."""
    try:
        content = _ArraysOnlyUnpickler(io.BytesIO(raw), encoding="bytes").load()
    except Exception as error:
        raise DatasetError(
            f"{name} is truncated or corrupted ({type(error).__name__}: {error}); "
            "delete it and prepare or download the data again"
        ) from None
    if not isinstance(content, dict):
        raise DatasetError(
            f"{name} does not hold a CIFAR batch (a dict), got {type(content).__name__}"
        )
    return content
