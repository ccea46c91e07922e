"""CIFAR readers, downloads (against a local HTTP server), loader, transforms, real data."""

from __future__ import annotations

import hashlib
import http.server
import os
import pickle
import threading
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from rectifiers import data
from rectifiers.data import transforms as T
from rectifiers.data.cifar import DatasetError
from rectifiers.data.download import DownloadError

from .cifar_files import archive_bytes, make_archive, write_cifar10, write_cifar100, write_manifest


def test_cifar10_from_directory_and_from_archive(tmp_path):
    folder = write_cifar10(tmp_path / "dir")
    train = data.CIFAR10(tmp_path / "dir")
    test = data.CIFAR10(folder, train=False)
    assert train.data.shape == (30, 3, 32, 32) and train.data.dtype == np.uint8
    assert train.targets.dtype == np.int64 and len(test) == 6
    assert train.classes[0] == "airplane" and len(train.classes) == 10
    raw = pickle.loads((folder / "data_batch_1").read_bytes(), encoding="bytes")
    np.testing.assert_array_equal(train.data[:6].reshape(6, -1), raw[b"data"])  # CHW order kept
    archive = make_archive(folder, tmp_path / "cifar-10-python.tar.gz")
    from_tar = data.CIFAR10(archive)
    np.testing.assert_array_equal(from_tar.data, train.data)
    os.makedirs(tmp_path / "only_archive")
    os.replace(archive, tmp_path / "only_archive" / archive.name)
    assert len(data.CIFAR10(tmp_path / "only_archive")) == 30


@pytest.mark.parametrize("labels, count", [("fine", 100), ("coarse", 20)])
def test_cifar100_fine_and_coarse(tmp_path, labels, count):
    write_cifar100(tmp_path)
    ds = data.CIFAR100(tmp_path, train=True, labels=labels)
    assert len(ds.classes) == count and ds.targets.max() < count and ds.data.shape == (8, 3, 32, 32)


def test_missing_data_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("RECTIFIERS_DATA", str(tmp_path))
    with pytest.raises(DatasetError, match="download=True.*RECTIFIERS_DATA.*prepare.py"):
        data.CIFAR10()


def test_truncated_batch_file_is_named(tmp_path):
    folder = write_cifar10(tmp_path)
    path = folder / "data_batch_3"
    path.write_bytes(path.read_bytes()[:500])
    with pytest.raises(DatasetError, match="data_batch_3 fails its integrity check"):
        data.CIFAR10(tmp_path)
    write_manifest(folder)  # a manifest that vouches for the truncated file: unpickling fails
    with pytest.raises(DatasetError, match="data_batch_3 is truncated or corrupted"):
        data.CIFAR10(tmp_path)


def test_missing_batch_file_is_named(tmp_path):
    folder = write_cifar10(tmp_path)
    (folder / "test_batch").unlink()
    with pytest.raises(DatasetError, match="missing file .*test_batch"):
        data.CIFAR10(tmp_path, train=False)


def test_pickle_that_would_run_code_is_refused(tmp_path):
    folder = write_cifar10(tmp_path)

    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    (folder / "data_batch_1").write_bytes(pickle.dumps({b"data": Evil()}))
    write_manifest(folder)
    with pytest.raises(DatasetError, match="refusing to load"):
        data.CIFAR10(tmp_path)


# --- downloads against a local server -------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    body = b""
    claimed_length: int | None = None

    def do_GET(self):  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Length", str(self.claimed_length or len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)  # an interrupted transfer: fewer bytes than claimed, then close
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _serve(server, body: bytes, claimed_length=None) -> str:
    _Handler.body, _Handler.claimed_length = body, claimed_length
    return f"http://127.0.0.1:{server.server_address[1]}/cifar-10-python.tar.gz"


def test_download_verifies_and_loads(tmp_path, server, monkeypatch):
    body = archive_bytes(write_cifar10(tmp_path / "source"))
    url = _serve(server, body)
    monkeypatch.setattr(data.CIFAR10, "url", url)
    monkeypatch.setattr(data.CIFAR10, "md5", hashlib.md5(body).hexdigest())
    ds = data.CIFAR10(tmp_path / "cache", download=True)
    assert len(ds) == 30
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == ["cifar-10-python.tar.gz"]


def test_wrong_checksum_leaves_nothing(tmp_path, server):
    url = _serve(server, b"not the archive")
    target = tmp_path / "cache" / "cifar-10-python.tar.gz"
    with pytest.raises(DownloadError, match="checksum mismatch.*nothing was saved"):
        data.download(url, target, md5="0" * 32)
    assert list((tmp_path / "cache").iterdir()) == []


def test_interrupted_transfer_leaves_nothing(tmp_path, server):
    body = b"x" * 1000
    url = _serve(server, body, claimed_length=5000)
    with pytest.raises(DownloadError):
        data.download(url, tmp_path / "f.tar.gz", md5=hashlib.md5(body).hexdigest())
    assert list(tmp_path.iterdir()) == []


def test_offline_error_says_what_to_do(tmp_path):
    with pytest.raises(DownloadError, match="offline.*RECTIFIERS_DATA"):
        data.download(
            "http://127.0.0.1:9/nothing.tar.gz", tmp_path / "f.tar.gz", md5="0" * 32, timeout=2
        )
    assert list(tmp_path.iterdir()) == []


# --- loader and transforms ----------------------------------------------------------


def test_loader_batches_and_shuffling_are_reproducible():
    ds = data.SyntheticImages(100, seed=1)
    a = data.DataLoader(ds, 32, shuffle=True, generator=np.random.default_rng(3))
    b = data.DataLoader(ds, 32, shuffle=True, generator=np.random.default_rng(3))
    batches = [(x.data, y.data) for x, y in a]
    assert [len(y) for _, y in batches] == [32, 32, 32, 4] and len(a) == 4
    for (xa, ya), (xb, yb) in zip(batches, b):
        np.testing.assert_array_equal(xa, xb.data)
        np.testing.assert_array_equal(ya, yb.data)
    assert (
        batches[0][0].dtype == np.float32 and 0 <= batches[0][0].min() and batches[0][0].max() <= 1
    )
    assert len(data.DataLoader(ds, 32, drop_last=True)) == 3
    assert sorted(np.concatenate([y for _, y in batches]).tolist()) == sorted(ds.targets.tolist())


def test_loader_holds_one_copy_of_the_dataset_plus_one_batch():
    images = np.random.default_rng(0).integers(0, 256, (10000, 3, 32, 32), dtype=np.uint8)  # 31 MB
    ds = data.ArrayDataset(images, np.zeros(10000, np.int64))
    loader = data.DataLoader(
        ds, 128, shuffle=True, transform=T.Compose([T.RandomCrop(32, 4), T.RandomHorizontalFlip()])
    )
    float_batch = 128 * 3 * 32 * 32 * 4
    tracemalloc.start()
    tracemalloc.reset_peak()
    start, _ = tracemalloc.get_traced_memory()
    for _ in loader:
        pass
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak - start < 6 * float_batch, (
        peak - start
    ) / float_batch  # a few batch-sized temporaries
    assert peak - start < ds.data.nbytes / 2  # never a second copy, let alone a float one


def test_random_crop_matches_a_per_image_loop():
    batch = np.random.default_rng(0).random((5, 3, 8, 8)).astype(np.float32)
    out = T.RandomCrop(8, padding=2)(batch.copy(), np.random.default_rng(1))
    rng = np.random.default_rng(1)
    tops, lefts = rng.integers(0, 5, 5), rng.integers(0, 5, 5)
    padded = np.pad(batch, ((0, 0), (0, 0), (2, 2), (2, 2)))
    for i in range(5):
        np.testing.assert_array_equal(
            out[i], padded[i, :, tops[i] : tops[i] + 8, lefts[i] : lefts[i] + 8]
        )


def test_flip_and_normalize():
    batch = np.arange(2 * 1 * 2 * 3, dtype=np.float32).reshape(2, 1, 2, 3)
    flipped = T.RandomHorizontalFlip(p=1.0)(batch.copy(), np.random.default_rng(0))
    np.testing.assert_array_equal(flipped, batch[..., ::-1])
    normed = T.Normalize([1.0], [2.0])(batch.copy(), np.random.default_rng(0))
    np.testing.assert_allclose(normed, (batch - 1) / 2)
    with pytest.raises(ValueError, match="3 channel statistics"):
        T.Normalize([0, 0, 0], [1, 1, 1])(batch.copy(), np.random.default_rng(0))


def test_gcn_zca_whitens_the_training_set():
    images = data.SyntheticImages(600, size=4, seed=0).data  # D = 48
    zca = T.GCNZCA(zca_epsilon=1e-6).fit(images)
    white = (
        zca(images.astype(np.float32), np.random.default_rng(0)).reshape(600, -1).astype(np.float64)
    )
    covariance = np.cov(white, rowvar=False, bias=True)
    eigenvalues = np.linalg.eigvalsh(covariance)
    assert np.abs(white.mean(axis=0)).max() < 1e-3
    assert (
        np.sum(eigenvalues > 0.5) >= 40 and eigenvalues.max() < 1.05
    )  # ≈ identity (the GCN removes a few directions)
    with pytest.raises(RuntimeError, match="fitted"):
        T.GCNZCA()(images[:2].astype(np.float32), np.random.default_rng(0))


# --- the real CIFAR-10 ----------------------------------------------------------------

REAL = os.environ.get("RECTIFIERS_DATA")  # the one variable the README teaches


@pytest.mark.skipif(
    not (REAL and (Path(REAL) / "cifar-10-batches-py").is_dir()),
    reason="real CIFAR-10 not prepared: run python ../shared/data/cifar10/prepare.py DIR and set RECTIFIERS_DATA=DIR (.ci/run does)",
)
def test_real_cifar10_has_60000_balanced_images():
    train, test = data.CIFAR10(REAL), data.CIFAR10(REAL, train=False)
    assert train.data.shape == (50000, 3, 32, 32) and test.data.shape == (10000, 3, 32, 32)
    assert np.bincount(train.targets).tolist() == [5000] * 10
    assert np.bincount(test.targets).tolist() == [1000] * 10
    assert train.classes[:3] == ["airplane", "automobile", "bird"]
    assert 100 < train.data.mean() < 140  # real photographs, not noise
