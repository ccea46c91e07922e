"""CIFAR files are verified on every load, and their structure before anything is allocated.

Each case below loaded silently before (checksums were only checked right
after a download, labels were cast to int64 whatever they were, and an array
header could ask for any amount of memory).
"""

from __future__ import annotations

import io
import pickle
import tarfile
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from rectifiers import data
from rectifiers.data.cifar import DatasetError

from .cifar_files import make_archive, write_cifar10, write_manifest


def _rewrite_batch(folder: Path, name: str, change, manifest: bool = True) -> None:
    """Load a batch, let ``change`` edit its dict, write it back (and vouch for it in MD5SUMS)."""
    batch = pickle.loads((folder / name).read_bytes(), encoding="bytes")
    change(batch)
    (folder / name).write_bytes(pickle.dumps(batch, protocol=2))
    if manifest:
        write_manifest(folder)


def _flip_a_byte(path: Path, offset: int = -100) -> None:
    raw = bytearray(path.read_bytes())
    raw[offset] ^= 0x01
    path.write_bytes(bytes(raw))


def test_a_flipped_byte_is_caught_by_the_manifest(tmp_path):
    folder = write_cifar10(tmp_path)
    _flip_a_byte(folder / "data_batch_4")  # inside the pixel data: it would still unpickle
    with pytest.raises(DatasetError, match=r"data_batch_4 fails its integrity check.*MD5SUMS"):
        data.CIFAR10(tmp_path)


def test_without_a_manifest_files_must_be_the_official_ones(tmp_path):
    folder = write_cifar10(tmp_path)
    (folder / "MD5SUMS").unlink()
    with pytest.raises(DatasetError, match="official release.*md5sum data_batch_"):
        data.CIFAR10(tmp_path)


@pytest.mark.parametrize(
    "text, problem",
    [
        ("not a checksum line\n", "md5sum format"),
        ("0123456789abcdef0123456789abcdef  data_batch_1\n" * 2, "twice"),
        ("0123456789abcdef0123456789abcdef  ../data_batch_1\n", "md5sum format"),
    ],
)
def test_a_malformed_manifest_is_refused(tmp_path, text, problem):
    folder = write_cifar10(tmp_path)
    (folder / "MD5SUMS").write_text(text)
    with pytest.raises(DatasetError, match=problem):
        data.CIFAR10(tmp_path)


def test_a_manifest_without_an_entry_for_a_file_is_refused(tmp_path):
    folder = write_cifar10(tmp_path)
    manifest = folder / "MD5SUMS"
    manifest.write_text(
        "".join(
            line + "\n" for line in manifest.read_text().splitlines() if "test_batch" not in line
        )
    )
    with pytest.raises(DatasetError, match="no checksum for .*test_batch"):
        data.CIFAR10(tmp_path, train=False)


def test_a_wrong_archive_already_in_the_data_folder_is_refused(tmp_path):
    folder = write_cifar10(tmp_path / "made")
    (folder / "MD5SUMS").unlink()
    make_archive(folder, tmp_path / "cifar-10-python.tar.gz")  # not the official md5, no manifest
    with pytest.raises(DatasetError, match="not the official archive"):
        data.CIFAR10(tmp_path)


def test_a_corrupted_member_of_an_archive_with_a_manifest_is_refused(tmp_path):
    folder = write_cifar10(tmp_path / "made")
    _flip_a_byte(folder / "data_batch_2")
    archive = make_archive(folder, tmp_path / "cifar-10-python.tar.gz")
    with pytest.raises(DatasetError, match="data_batch_2 fails its integrity check"):
        data.CIFAR10(archive)


def _archive_with(folder: Path, path: Path, extra: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        tar.add(folder, arcname=folder.name)
        for name, content in extra.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return path


@pytest.mark.parametrize(
    "member, problem",
    [
        ("cifar-10-batches-py/data_batch_1", "twice"),
        ("cifar-10-batches-py/run_me.sh", "unexpected member"),
        ("elsewhere/data_batch_1", "unexpected member"),
        ("cifar-10-batches-py/../../data_batch_1", "unexpected member"),
    ],
)
def test_duplicate_or_unexpected_archive_members_are_refused(tmp_path, member, problem):
    folder = write_cifar10(tmp_path / "made")
    second = (folder / "data_batch_1").read_bytes()
    archive = _archive_with(folder, tmp_path / "c.tar.gz", {member: second})
    with pytest.raises(DatasetError, match=problem):
        data.CIFAR10(archive)


@pytest.mark.parametrize(
    "change, problem",
    [
        (lambda b: b.update({b"labels": [10] + b[b"labels"][1:]}), r"labels must lie in \[0, 9\]"),
        (lambda b: b.update({b"labels": [-1] + b[b"labels"][1:]}), r"labels must lie in \[0, 9\]"),
        (lambda b: b.update({b"labels": [0.5] + b[b"labels"][1:]}), "labels must be integers"),
        (lambda b: b.update({b"labels": [True] + b[b"labels"][1:]}), "labels must be integers"),
        (lambda b: b.update({b"labels": b[b"labels"][:-1]}), "6 images but 5 labels"),
        (lambda b: b.update({b"labels": np.zeros(6, np.float32)}), "integer labels"),
        (lambda b: b.pop(b"labels"), "integer labels"),
        (lambda b: b.update({b"data": b[b"data"].astype(np.float64)}), "uint8 array"),
        (lambda b: b.update({b"data": b[b"data"][:, :3000]}), "uint8 array"),
    ],
)
def test_malformed_batches_are_refused_even_with_a_matching_manifest(tmp_path, change, problem):
    folder = write_cifar10(tmp_path)
    _rewrite_batch(folder, "data_batch_5", change)
    with pytest.raises(DatasetError, match=f"data_batch_5: .*{problem}|{problem}"):
        data.CIFAR10(tmp_path)


class _BigHeader:
    """Pickles like a (6, 3072) uint8 array, but its header asks NumPy for an 80 MB shell."""

    def __reduce__(self):
        function, args, state = np.zeros((6, 3072), np.uint8).__reduce__()
        return function, (args[0], (80_000_000,), args[2]), state


def test_a_tiny_crafted_batch_cannot_make_the_reader_allocate(tmp_path):
    folder = write_cifar10(tmp_path)
    _rewrite_batch(folder, "data_batch_1", lambda b: b.update({b"data": _BigHeader()}))
    assert (folder / "data_batch_1").stat().st_size < 30_000
    tracemalloc.start()
    try:
        with pytest.raises(DatasetError, match=r"shape \(80000000,\)"):
            data.CIFAR10(tmp_path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 10_000_000


def test_a_bad_class_name_list_is_refused(tmp_path):
    folder = write_cifar10(tmp_path)
    _rewrite_batch(folder, "batches.meta", lambda b: b.update({b"label_names": "airplane"}))
    with pytest.raises(DatasetError, match="class names"):
        data.CIFAR10(tmp_path)
