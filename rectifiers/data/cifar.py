"""CIFAR-10 and CIFAR-100 from the official "python version" files.

Layouts read (from a directory, or straight from the official ``.tar.gz``):

    cifar-10-batches-py/  data_batch_1 … data_batch_5, test_batch, batches.meta
    cifar-100-python/     train, test, meta

Each file is a pickle of a dict with bytes keys; b"data" is a uint8 array of
shape (n, 3072) holding each image's red, green and blue 32×32 planes.
Images come out as uint8 (N, 3, 32, 32), labels as int64 (N,).

Unpickling uses an allow-list: only the NumPy functions that rebuild an array
may be called, so a tampered file cannot run code.
"""

from __future__ import annotations

import io
import pickle
import tarfile
from pathlib import Path
from typing import Any

import numpy as np

from .download import DATA_ENV, default_data_dir, download

CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
CIFAR10_MD5 = "c58f30108f718f92721af3b95e74349a"
CIFAR100_URL = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
CIFAR100_MD5 = "eb9058c3a382ffc7106e4002c42a8d85"

_ALLOWED = {
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"),
    ("numpy._core.multiarray", "scalar"),
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("_codecs", "encode"),
}


class DatasetError(RuntimeError):
    """A dataset file is missing, truncated or corrupted; the message names the file."""


class _SafeUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name}: not an array")


def _unpickle(raw: bytes, name: str) -> dict:
    try:
        content = _SafeUnpickler(io.BytesIO(raw), encoding="bytes").load()
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


class _CIFAR:
    """Shared reader; subclasses name the folder, the files and the label key."""

    folder = ""
    url = md5 = ""
    meta_file = ""
    label_names_key = b""

    def __init__(
        self, root: str | Path | None = None, train: bool = True, download: bool = False
    ) -> None:
        self.root = Path(root) if root is not None else default_data_dir()
        self.train = train
        source = self._find_source(download)
        files = self._read_files(source, self._files() + [self.meta_file])
        images, labels = [], []
        for name in self._files():
            batch = files[name]
            images.append(self._images(batch, name))
            labels.append(self._labels(batch, name, len(images[-1])))
        self.data: np.ndarray = np.concatenate(images)
        self.targets: np.ndarray = np.concatenate(labels)
        meta = files[self.meta_file]
        if self.label_names_key not in meta:
            raise DatasetError(f"{self.meta_file} has no {self.label_names_key!r} entry")
        self.classes: list[str] = [n.decode() for n in meta[self.label_names_key]]

    # --- locating the data ---------------------------------------------------------
    def _find_source(self, allow_download: bool) -> Path:
        archive_name = self.url.rsplit("/", 1)[-1]
        if self.root.name.endswith(".tar.gz") and self.root.is_file():
            return self.root
        for directory in (self.root / self.folder, self.root):
            if (directory / self.meta_file).is_file():
                return directory
        if (self.root / archive_name).is_file():
            return self.root / archive_name
        if allow_download:
            return download(self.url, self.root / archive_name, self.md5)
        raise DatasetError(
            f"{type(self).__name__} data not found under {self.root}: expected the folder "
            f"{self.folder}/ or the archive {archive_name}. Pass download=True, or put the "
            f"official files there, or point ${DATA_ENV} (or root=) at the directory that holds "
            "them. For CIFAR-10 offline: python ../shared/data/cifar10/prepare.py DIR"
        )

    def _read_files(self, source: Path, names: list[str]) -> dict[str, dict]:
        if source.is_dir():
            found = {}
            for name in names:
                path = source / name
                if not path.is_file():
                    raise DatasetError(f"missing file {path}")
                found[name] = _unpickle(path.read_bytes(), str(path))
            return found
        try:
            with tarfile.open(source, "r:gz") as tar:
                members = {Path(m.name).name: m for m in tar.getmembers() if m.isfile()}
                found = {}
                for name in names:
                    if name not in members:
                        raise DatasetError(f"{source} has no member {self.folder}/{name}")
                    found[name] = _unpickle(
                        tar.extractfile(members[name]).read(), f"{source}:{name}"
                    )
                return found
        except (tarfile.TarError, EOFError, OSError) as error:
            raise DatasetError(f"{source} is not a readable .tar.gz archive ({error})") from None

    # --- decoding ----------------------------------------------------------------
    def _images(self, batch: dict, name: str) -> np.ndarray:
        data = batch.get(b"data")
        if not isinstance(data, np.ndarray) or data.ndim != 2 or data.shape[1] != 3072:
            shape = getattr(data, "shape", None)
            raise DatasetError(
                f"{name}: b'data' should be an (n, 3072) uint8 array, got shape {shape}"
            )
        return data.astype(np.uint8, copy=False).reshape(-1, 3, 32, 32)

    def _labels(self, batch: dict, name: str, count: int) -> np.ndarray:
        labels = np.asarray(batch.get(self.label_key, []), dtype=np.int64)
        if labels.shape != (count,):
            raise DatasetError(f"{name}: {count} images but {labels.size} labels")
        return labels

    label_key = b"labels"

    def _files(self) -> list[str]:
        raise NotImplementedError

    def __len__(self) -> int:
        return len(self.targets)

    def __getitem__(self, index: int) -> tuple[np.ndarray, int]:
        return self.data[index], int(self.targets[index])

    def __repr__(self) -> str:
        split = "train" if self.train else "test"
        return f"{type(self).__name__}({split}, {len(self)} images, root={str(self.root)!r})"


class CIFAR10(_CIFAR):
    """CIFAR-10: 50,000 training and 10,000 test 32×32 colour images in 10 classes.

    Args:
        root: a directory holding ``cifar-10-batches-py/`` (or those files
            themselves, or the official ``cifar-10-python.tar.gz``); default
            ``$RECTIFIERS_DATA``, else ``~/.cache/rectifiers``.
        train: the training split (else the test split).
        download: fetch the official archive into ``root`` when it is missing
            (md5-verified).

    Attributes:
        data: uint8 (N, 3, 32, 32).  targets: int64 (N,).  classes: the 10 names.
    """

    folder = "cifar-10-batches-py"
    url, md5 = CIFAR10_URL, CIFAR10_MD5
    meta_file = "batches.meta"
    label_names_key = b"label_names"

    def _files(self) -> list[str]:
        return [f"data_batch_{i}" for i in range(1, 6)] if self.train else ["test_batch"]


class CIFAR100(_CIFAR):
    """CIFAR-100: the same images format with 100 fine classes grouped into 20 coarse ones.

    Args:
        root, train, download: as :class:`CIFAR10` (folder ``cifar-100-python/``).
        labels: "fine" (100 classes) or "coarse" (20 superclasses).
    """

    folder = "cifar-100-python"
    url, md5 = CIFAR100_URL, CIFAR100_MD5
    meta_file = "meta"

    def __init__(
        self,
        root: str | Path | None = None,
        train: bool = True,
        download: bool = False,
        labels: str = "fine",
    ) -> None:
        if labels not in ("fine", "coarse"):
            raise ValueError(f"CIFAR100: labels must be 'fine' or 'coarse', got {labels!r}")
        self.label_key = b"fine_labels" if labels == "fine" else b"coarse_labels"
        self.label_names_key = b"fine_label_names" if labels == "fine" else b"coarse_label_names"
        super().__init__(root, train, download)

    def _files(self) -> list[str]:
        return ["train" if self.train else "test"]
