"""Killed processes leave no debris and no half-written file; slow servers are cut off.

Fault injection: a child process is killed with SIGKILL in the middle of
``rf.save`` (a ~200 MB checkpoint) and in the middle of a download from a
local HTTP server on 127.0.0.1; then what is on disk is checked. Before this,
a killed save left its temporary file for good, and a server trickling one
byte at a time was never cut off.
"""

from __future__ import annotations

import hashlib
import http.server
import os
import signal
import stat
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import rectifiers as rf
from rectifiers import data, files
from rectifiers.data.download import DownloadError
from rectifiers.training import History

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(files.TEMPORARY_SUFFIX))


def _wait_for(condition, seconds: float = 30.0) -> None:
    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("condition not reached")
        time.sleep(0.005)


def _kill(child: subprocess.Popen) -> None:
    child.send_signal(signal.SIGKILL)
    child.wait(10)


SAVE_FOREVER = textwrap.dedent(
    """
    import sys, numpy as np, rectifiers as rf
    path = sys.argv[1]
    big = np.ones((50, 1024, 1024), np.float32)  # 200 MB: a save takes a while
    print("ready", flush=True)
    while True:
        rf.save({"weights": big, "epoch": 2}, path)
    """
)


def test_sigkill_during_save_keeps_the_old_file_and_the_next_save_removes_the_debris(tmp_path):
    path = tmp_path / "checkpoint.npz"
    rf.save({"weights": np.zeros(3, np.float32), "epoch": 1}, path)
    good = path.read_bytes()
    child = subprocess.Popen(
        [sys.executable, "-c", SAVE_FOREVER, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout.readline().strip() == "ready"
        _wait_for(lambda: _leftovers(tmp_path))  # the child is writing its temporary now
        time.sleep(0.05)
    finally:
        _kill(child)
    debris = _leftovers(tmp_path)
    assert debris, "the kill should have caught a save in progress"
    # the target is the old checkpoint or a complete new one, never a torn one
    restored = rf.load(path)
    assert restored["epoch"] in (1, 2)
    if restored["epoch"] == 1:
        assert path.read_bytes() == good
    rf.save({"weights": np.ones(3, np.float32), "epoch": 3}, path)
    assert _leftovers(tmp_path) == []
    assert rf.load(path)["epoch"] == 3


def test_a_temporary_of_a_live_writer_is_left_alone(tmp_path):
    target = tmp_path / "run.json"
    live = tmp_path / f"{files.temporary_prefix(target)}{os.getppid()}.abc{files.TEMPORARY_SUFFIX}"
    dead = tmp_path / f"{files.temporary_prefix(target)}999999999.abc{files.TEMPORARY_SUFFIX}"
    other = tmp_path / f".other.json.999999999.abc{files.TEMPORARY_SUFFIX}"
    for p in (live, dead, other):
        p.write_text("partial")
    files.atomic_write_text(target, "{}")
    assert live.exists() and other.exists() and not dead.exists()


def test_writes_are_fsynced_file_and_folder(tmp_path, monkeypatch):
    synced = []
    real_fsync = os.fsync

    def recording_fsync(fd: int) -> None:
        synced.append("folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    rf.save({"a": np.zeros(2)}, tmp_path / "a.npz")
    History([{"epoch": 1}]).to_json(tmp_path / "history.json")
    assert synced == ["file", "folder", "file", "folder"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "record.json"
    files.atomic_write_text(path, "old")
    with pytest.raises(RuntimeError), files.atomic_writer(path) as f:
        f.write(b"half of the new")
        raise RuntimeError("crash in the middle")
    assert path.read_text() == "old"
    assert _leftovers(tmp_path) == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_a_written_file_gets_the_mode_open_would_give_and_a_replaced_one_keeps_its_own(tmp_path):
    """Not mkstemp's private 0600: a checkpoint or record others could read when written with
    open() stays readable (the umask decides), and an existing file's mode survives a rewrite."""
    before = os.umask(0o022)
    try:
        rf.save({"a": np.zeros(2)}, tmp_path / "a.npz")
        files.atomic_write_text(tmp_path / "record.json", "{}")
        with open(tmp_path / "plain.txt", "w") as f:
            f.write("")
    finally:
        os.umask(before)
    for name in ("a.npz", "record.json", "plain.txt"):
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o644, name
    os.chmod(tmp_path / "record.json", 0o640)
    files.atomic_write_text(tmp_path / "record.json", "{}")
    assert stat.S_IMODE(os.stat(tmp_path / "record.json").st_mode) == 0o640


def test_a_temporary_whose_mode_cannot_be_set_is_removed(tmp_path, monkeypatch):
    path = tmp_path / "record.json"
    files.atomic_write_text(path, "old")

    def refuse(*args, **kwargs):
        raise PermissionError("chmod refused")

    monkeypatch.setattr(os, "chmod", refuse)
    with pytest.raises(PermissionError, match="chmod refused"):
        files.atomic_write_text(path, "new")
    assert path.read_text() == "old"
    assert _leftovers(tmp_path) == []


# --- downloads ----------------------------------------------------------------------
BODY = os.urandom(1 << 20)


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        trickle = self.path.startswith("/trickle")
        self.send_response(200)
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        try:
            if trickle:  # one byte every 50 ms: each read is quick, the whole would take 14 h
                for i in range(len(BODY)):
                    self.wfile.write(BODY[i : i + 1])
                    self.wfile.flush()
                    time.sleep(0.05)
            else:  # half at once, then the rest slowly, so a kill lands mid-transfer
                self.wfile.write(BODY[: len(BODY) // 2])
                self.wfile.flush()
                for start in range(len(BODY) // 2, len(BODY), 4096):
                    self.wfile.write(BODY[start : start + 4096])
                    time.sleep(0.01)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


DOWNLOAD = textwrap.dedent(
    """
    import sys
    from rectifiers import data
    print("start", flush=True)
    data.download(sys.argv[1], sys.argv[2], sys.argv[3])
    """
)


def test_sigkill_during_a_download_leaves_no_file_and_the_next_download_cleans_up(tmp_path, server):
    target = tmp_path / "cifar-10-python.tar.gz"
    md5 = hashlib.md5(BODY).hexdigest()
    child = subprocess.Popen(
        [sys.executable, "-c", DOWNLOAD, f"{server}/file", str(target), md5],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "start"
        _wait_for(lambda: any(p.stat().st_size > 0 for p in tmp_path.iterdir()))
    finally:
        _kill(child)
    assert not target.exists()
    assert _leftovers(tmp_path), "the kill should have caught the download in progress"
    data.download(f"{server}/file", target, md5)
    assert target.read_bytes() == BODY
    assert _leftovers(tmp_path) == []


def test_a_trickling_server_is_cut_off_at_the_overall_deadline(tmp_path, server):
    target = tmp_path / "slow.tar.gz"
    began = time.monotonic()
    with pytest.raises(DownloadError, match="deadline of 1 s"):
        data.download(f"{server}/trickle", target, hashlib.md5(BODY).hexdigest(), deadline=1.0)
    assert time.monotonic() - began < 10
    assert not target.exists() and _leftovers(tmp_path) == []
