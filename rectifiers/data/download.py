"""Download a file safely: into a temporary file, checksum verified, then renamed into place.

An interrupted or corrupted download therefore never leaves a file under the
final name that a later run could mistake for good data.
"""

from __future__ import annotations

import hashlib
import os
import time
import urllib.request
from pathlib import Path

from ..files import atomic_writer

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


def download(
    url: str, destination: Path, md5: str, timeout: float = 30.0, deadline: float = 3600.0
) -> Path:
    """Fetch ``url`` to ``destination`` unless a file with the right checksum is already there.

    The bytes go to a temporary file beside ``destination`` (checksummed as they
    arrive, fsync-ed, then renamed into place: :mod:`rectifiers.files`), so a
    killed or failed download never leaves a file under the final name, and
    the next download removes what a killed one left.

    Args:
        timeout: seconds one read from the server may take.
        deadline: seconds the whole download may take; a server that trickles
            bytes slowly enough to satisfy ``timeout`` is still cut off here.

    Raises:
        DownloadError: offline, interrupted, too slow, or wrong checksum.
    """
    destination = Path(destination)
    if destination.exists() and md5sum(destination) == md5:
        return destination
    started = time.monotonic()
    try:
        with (
            urllib.request.urlopen(url, timeout=timeout) as response,
            atomic_writer(destination) as out,
        ):
            expected = response.headers.get("Content-Length")
            received, digest = 0, hashlib.md5()
            while block := response.read1(1 << 16):
                out.write(block)
                digest.update(block)
                received += len(block)
                if time.monotonic() - started > deadline:
                    raise DownloadError(
                        f"download of {url} took longer than its deadline of {deadline:g} s "
                        f"({received} bytes received); nothing was saved"
                    )
            if expected is not None and received != int(expected):
                raise DownloadError(
                    f"download of {url} stopped after {received} of {expected} bytes"
                )
            if digest.hexdigest() != md5:
                raise DownloadError(
                    f"checksum mismatch for {url}: got md5 {digest.hexdigest()}, expected {md5}. "
                    "The file is corrupted or not the official one; nothing was saved. Download "
                    f"it by hand and put it in {destination.parent} (or set ${DATA_ENV})."
                )
        return destination
    except DownloadError:
        raise
    except Exception as error:  # URLError, timeouts, IncompleteRead, connection resets
        raise DownloadError(
            f"could not download {url} ({type(error).__name__}: {error}). If this machine is "
            f"offline, download the file elsewhere and put it in {destination.parent}, or point "
            f"${DATA_ENV} (or the root argument) at a directory that holds it."
        ) from None
