"""CIFAR-10 and CIFAR-100 from the official "python version" files.

Layouts read (from a directory, or straight from the official ``.tar.gz``):

    cifar-10-batches-py/  data_batch_1 … data_batch_5, test_batch, batches.meta
    cifar-100-python/     train, test, meta

Each file is a pickle of a dict with bytes keys; b"data" is a uint8 array of
shape (n, 3072) holding each image's red, green and blue 32×32 planes.
Images come out as uint8 (N, 3, 32, 32), labels as int64 (N,).

Every load is verified (``integrity.py``): each file's MD5 against the
official release's, or against an ``MD5SUMS`` manifest beside the batches for
a copy that is not the official release; archives must be the official one
or carry such a manifest, with no duplicate or unexpected members. Then the
structure is checked before anything is allocated from it: a uint8 (n, 3072)
image array, as many integer labels as images, each a valid class index.
Unpickling builds arrays only, so a tampered file cannot run code.
"""

from __future__ import annotations

import io
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from .download import DATA_ENV, default_data_dir, download, md5sum
from .integrity import (
    MANIFEST,
    DatasetError,
    check_size,
    md5_hex,
    parse_manifest,
    unpickle_batch,
    verify,
)

CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
CIFAR10_MD5 = "c58f30108f718f92721af3b95e74349a"
CIFAR100_URL = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
CIFAR100_MD5 = "eb9058c3a382ffc7106e4002c42a8d85"
# The official files' checksums (the same values torchvision checks).
CIFAR10_FILE_MD5 = {
    "data_batch_1": "c99cafc152244af753f735de768cd75f",
    "data_batch_2": "d4bba439e000b95fd0a9bffe97cbabec",
    "data_batch_3": "54ebc095f3ab1f0389bbae665268c751",
    "data_batch_4": "634d18415352ddfa80567beed471001a",
    "data_batch_5": "482c414d41f54cd18b22e5b47cb7c3cb",
    "test_batch": "40351d587109b95175f43aff81a1287e",
    "batches.meta": "5ff9c542aee3614f3951f8cda6e48888",
}
CIFAR100_FILE_MD5 = {
    "train": "16019d7e3df5f24257cddd939b257f8d",
    "test": "f0ef6b0ae62326f3e7ffdfab6717acfc",
    "meta": "7973b15100ade9c7d40fb424638fde48",
}


class _CIFAR:
    """Shared reader; subclasses name the folder, the files and the label key."""

    folder = ""
    url = md5 = ""
    meta_file = ""
    label_names_key = b""
    file_md5: dict[str, str] = {}
    extra_members = frozenset({MANIFEST, "readme.html"})  # what else the folder may hold

    def __init__(
        self,
        root: str | Path | None = None,
        train: bool = True,
        transform: Callable[[np.ndarray], Any] | None = None,
        target_transform: Callable[[int], Any] | None = None,
        download: bool = False,
    ) -> None:
        self.root = Path(root) if root is not None else default_data_dir()
        self.train = train
        self.transform, self.target_transform = transform, target_transform
        source = self._find_source(download)
        files = self._read_verified(source, self._files() + [self.meta_file])
        batches = {name: unpickle_batch(raw, f"{source}:{name}") for name, raw in files.items()}
        self.classes: list[str] = self._class_names(
            batches[self.meta_file], f"{source}:{self.meta_file}"
        )
        images, labels = [], []
        for name in self._files():
            where = f"{source}:{name}"
            images.append(self._images(batches[name], where))
            labels.append(self._labels(batches[name], where, len(images[-1])))
        self.data: np.ndarray = np.concatenate(images)
        self.targets: np.ndarray = np.concatenate(labels)

    # --- locating the data ---------------------------------------------------------
    def _find_source(self, allow_download: bool) -> Path:
        archive_name = self.url.rsplit("/", 1)[-1]
        if self.root.name.endswith(".tar.gz") and self.root.is_file():
            return self.root
        for directory in (self.root / self.folder, self.root):
            if (directory / self.meta_file).is_file():
                return directory
        archive = self.root / archive_name
        if archive.is_file() and not (allow_download and md5sum(archive) != self.md5):
            return archive  # verified when read; a bad one is replaced only with download=True
        if allow_download:
            return download(self.url, archive, self.md5)
        raise DatasetError(
            f"{type(self).__name__} data not found under {self.root}: expected the folder "
            f"{self.folder}/ or the archive {archive_name}. Pass download=True, or put the "
            f"official files there, or point ${DATA_ENV} (or root=) at the directory that holds "
            "them. For CIFAR-10 offline: python ../shared/data/cifar10/prepare.py DIR"
        )

    # --- reading and verifying ---------------------------------------------------------
    def _read_verified(self, source: Path, names: list[str]) -> dict[str, bytes]:
        """The raw bytes of ``names``, each checked against a trusted MD5."""
        if source.is_dir():
            return self._read_folder(source, names)
        return self._read_archive(source, names)

    def _read_folder(self, folder: Path, names: list[str]) -> dict[str, bytes]:
        files = {}
        for name in names:
            path = folder / name
            if not path.is_file():
                raise DatasetError(f"missing file {path}")
            check_size(path.stat().st_size, str(path))
            files[name] = path.read_bytes()
        manifest = folder / MANIFEST
        if manifest.is_file():
            expected, origin = parse_manifest(manifest.read_bytes(), str(manifest)), str(manifest)
        else:
            expected, origin = self.file_md5, "the official release (no MD5SUMS manifest here)"
        verify(files, expected, str(folder), origin)
        return files

    def _read_archive(self, archive: Path, names: list[str]) -> dict[str, bytes]:
        check_size(archive.stat().st_size, str(archive))
        raw = archive.read_bytes()
        official = md5_hex(raw) == self.md5
        try:
            with tarfile.open(fileobj=io.BytesIO(raw), mode="r:gz") as tar:
                members = self._archive_members(tar, archive)
                wanted = names + ([MANIFEST] if MANIFEST in members else [])
                files = {}
                for name in wanted:
                    if name not in members:
                        raise DatasetError(f"{archive} has no member {self.folder}/{name}")
                    check_size(members[name].size, f"{archive}:{name}")
                    files[name] = tar.extractfile(members[name]).read()
        except (tarfile.TarError, EOFError, OSError) as error:
            raise DatasetError(f"{archive} is not a readable .tar.gz archive ({error})") from None
        if official:
            return {name: files[name] for name in names}
        if MANIFEST not in files:
            raise DatasetError(
                f"{archive} is not the official archive (md5 {md5_hex(raw)}, expected {self.md5}) "
                f"and holds no {MANIFEST} manifest: it is corrupted or altered. Delete it and "
                "download again (download=True replaces it)"
            )
        manifest = files.pop(MANIFEST)
        verify(files, parse_manifest(manifest, f"{archive}:{MANIFEST}"), str(archive),
               f"{archive}:{MANIFEST}")  # fmt: skip
        return files

    def _archive_members(self, tar: tarfile.TarFile, archive: Path) -> dict[str, tarfile.TarInfo]:
        """Regular files under the data folder, by name; anything else in the archive is refused."""
        allowed = set(self._all_files()) | {self.meta_file} | self.extra_members
        members: dict[str, tarfile.TarInfo] = {}
        for member in tar.getmembers():
            parts = Path(member.name).parts
            if member.isdir() and parts == (self.folder,):
                continue
            if (
                not member.isfile()
                or len(parts) != 2
                or parts[0] != self.folder
                or parts[1] not in allowed
            ):
                raise DatasetError(
                    f"{archive} holds an unexpected member {member.name!r}: a CIFAR archive has "
                    f"only the files of {self.folder}/"
                )
            if parts[1] in members:
                raise DatasetError(f"{archive} holds {member.name!r} twice: refused")
            members[parts[1]] = member
        return members

    # --- decoding ----------------------------------------------------------------
    def _images(self, batch: dict, name: str) -> np.ndarray:
        data = batch.get(b"data")
        if (
            not isinstance(data, np.ndarray)
            or data.dtype != np.uint8
            or data.ndim != 2
            or data.shape[1] != 3072
        ):
            found = (
                f"{type(data).__name__} {getattr(data, 'dtype', '')} {getattr(data, 'shape', '')}"
            )
            raise DatasetError(
                f"{name}: b'data' should be a uint8 array of shape (n, 3072), got {found}"
            )
        return data.reshape(-1, 3, 32, 32)

    def _labels(self, batch: dict, name: str, count: int) -> np.ndarray:
        labels = batch.get(self.label_key)
        if isinstance(labels, list):
            if len(labels) != count:
                raise DatasetError(f"{name}: {count} images but {len(labels)} labels")
            if not all(type(v) is int for v in labels):
                raise DatasetError(f"{name}: labels must be integers, found {_kinds(labels)}")
            labels = np.array(labels, dtype=np.int64)
        elif not (
            isinstance(labels, np.ndarray) and labels.dtype.kind in "iu" and labels.ndim == 1
        ):
            raise DatasetError(
                f"{name}: {self.label_key!r} should be a list of integer labels, got "
                f"{type(labels).__name__} {getattr(labels, 'dtype', '')}"
            )
        if len(labels) != count:
            raise DatasetError(f"{name}: {count} images but {len(labels)} labels")
        labels = labels.astype(np.int64, copy=False)
        classes = len(self.classes)
        if labels.size and (labels.min() < 0 or labels.max() >= classes):
            raise DatasetError(
                f"{name}: labels must lie in [0, {classes - 1}], got {labels.min()} to {labels.max()}"
            )
        return labels

    def _class_names(self, meta: dict, name: str) -> list[str]:
        names = meta.get(self.label_names_key)
        if not isinstance(names, list) or not all(isinstance(n, bytes) for n in names) or not names:
            raise DatasetError(f"{name} has no list of class names under {self.label_names_key!r}")
        return [n.decode("utf-8", "replace") for n in names]

    label_key = b"labels"

    def _files(self) -> list[str]:
        raise NotImplementedError

    def _all_files(self) -> list[str]:
        """The batch files of both splits."""
        return list(self.file_md5)

    def __len__(self) -> int:
        return len(self.targets)

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        """(image, label). Without transforms: a (3, 32, 32) uint8 array and an int. With a
        ``transform``, it receives the image as (32, 32, 3) uint8 (a PIL image's layout,
        as torchvision's transforms expect); ``target_transform`` receives the label."""
        image, target = self.data[index], int(self.targets[index])
        if self.transform is not None:
            image = self.transform(image.transpose(1, 2, 0))
        if self.target_transform is not None:
            target = self.target_transform(target)
        return image, target

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
        transform: a per-sample transform of the (32, 32, 3) uint8 image, as
            torchvision's (e.g. ``transforms.Compose([ToTensor(), Normalize(...)])``);
            without one, a DataLoader takes the faster whole-batch path.
        target_transform: a per-sample transform of the label.
        download: fetch the official archive into ``root`` when it is missing
            (md5-verified).

    Attributes:
        data: uint8 (N, 3, 32, 32).  targets: int64 (N,).  classes: the 10 names.
    """

    folder = "cifar-10-batches-py"
    url, md5 = CIFAR10_URL, CIFAR10_MD5
    meta_file = "batches.meta"
    label_names_key = b"label_names"
    file_md5 = CIFAR10_FILE_MD5

    def _files(self) -> list[str]:
        return [f"data_batch_{i}" for i in range(1, 6)] if self.train else ["test_batch"]


class CIFAR100(_CIFAR):
    """CIFAR-100: the same images format with 100 fine classes grouped into 20 coarse ones.

    Args:
        root, train, transform, target_transform, download: as :class:`CIFAR10`
            (folder ``cifar-100-python/``).
        labels: "fine" (100 classes) or "coarse" (20 superclasses).
    """

    folder = "cifar-100-python"
    url, md5 = CIFAR100_URL, CIFAR100_MD5
    meta_file = "meta"
    file_md5 = CIFAR100_FILE_MD5

    def __init__(
        self,
        root: str | Path | None = None,
        train: bool = True,
        transform: Callable[[np.ndarray], Any] | None = None,
        target_transform: Callable[[int], Any] | None = None,
        download: bool = False,
        labels: str = "fine",
    ) -> None:
        if labels not in ("fine", "coarse"):
            raise ValueError(f"CIFAR100: labels must be 'fine' or 'coarse', got {labels!r}")
        self.label_key = b"fine_labels" if labels == "fine" else b"coarse_labels"
        self.label_names_key = b"fine_label_names" if labels == "fine" else b"coarse_label_names"
        super().__init__(root, train, transform, target_transform, download)

    def _files(self) -> list[str]:
        return ["train" if self.train else "test"]


def _kinds(values: list) -> str:
    return ", ".join(sorted({type(v).__name__ for v in values}))
