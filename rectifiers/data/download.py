"""Download a file safely: into a temporary file, checksum verified, then renamed into place.

An interrupted or corrupted download therefore never leaves a file under the
final name that a later run could mistake for good data.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.request
from pathlib import Path

DATA_ENV = "RECTIFIERS_DATA"


class DownloadError(RuntimeError):
    """A download failed or its checksum did not match; the message says what to do."""


def default_data_dir() -> Path:
    """``$RECTIFIERS_DATA`` if set, else ``~/.cache/rectifiers``."""
    return Path(os.environ.get(DATA_ENV) or Path.home() / ".cache" / "rectifiers")


def md5sum(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


def download(url: str, destination: Path, md5: str, timeout: float = 60.0) -> Path:
    """Fetch ``url`` to ``destination`` unless a file with the right checksum is already there.

    Raises:
        DownloadError: offline, interrupted, or wrong checksum. No partial file
            is left at ``destination``.
    """
    destination = Path(destination)
    if destination.exists() and md5sum(destination) == md5:
        return destination
    destination.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=destination.parent, prefix=destination.name + ".", suffix=".part"
    )
    try:
        with (
            os.fdopen(handle, "wb") as out,
            urllib.request.urlopen(url, timeout=timeout) as response,
        ):
            expected = response.headers.get("Content-Length")
            received = 0
            for block in iter(lambda: response.read(1 << 20), b""):
                out.write(block)
                received += len(block)
        if expected is not None and received != int(expected):
            raise DownloadError(f"download of {url} stopped after {received} of {expected} bytes")
        actual = md5sum(Path(temporary))
        if actual != md5:
            raise DownloadError(
                f"checksum mismatch for {url}: got md5 {actual}, expected {md5}. The file is "
                f"corrupted or not the official one; nothing was saved. Download it by hand and "
                f"put it in {destination.parent} (or set ${DATA_ENV})."
            )
        os.replace(temporary, destination)
        return destination
    except DownloadError:
        raise
    except Exception as error:  # URLError, timeouts, IncompleteRead, connection resets
        raise DownloadError(
            f"could not download {url} ({type(error).__name__}: {error}). If this machine is "
            f"offline, download the file elsewhere and put it in {destination.parent}, or point "
            f"${DATA_ENV} (or the root argument) at a directory that holds it."
        ) from None
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
