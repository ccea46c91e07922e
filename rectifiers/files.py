"""Writing files so that a crash never loses data: atomic, durable, and no debris left behind.

A file that matters (a checkpoint, a run record, a download) is written as

    1. a temporary file beside the target, named after the target and the writer's PID, with the
       mode ``open()`` would give (the replaced file's, or 0o666 less the umask),
    2. flushed and ``fsync``-ed, so its bytes are on disk,
    3. renamed over the target (``os.replace`` is atomic on POSIX and Windows),
    4. and the folder ``fsync``-ed, so the rename itself survives a power cut.

A reader therefore sees the old file or the new one, never half of one. A
process killed between 1 and 3 (``SIGKILL``, out of memory) leaves its
temporary behind; the next write of the same target removes the
temporaries whose writer is no longer running.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

TEMPORARY_SUFFIX = ".tmp"


def temporary_prefix(target: Path) -> str:
    """Temporaries of ``target`` are named ``.{name}.{pid}.{random}.tmp``, hidden beside it."""
    return f".{target.name}."


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike) -> Iterator[BinaryIO]:
    """Open a temporary file for writing that replaces ``path`` when the block ends without error.

    On an exception the temporary is removed and ``path`` is left as it was.

    Examples:
        >>> import os, tempfile
        >>> target = os.path.join(tempfile.mkdtemp(), "record.json")
        >>> with atomic_writer(target) as f:
        ...     _ = f.write(b'{"epoch": 3}')
        >>> open(target).read()
        '{"epoch": 3}'
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(target)
    handle, temporary = create_temporary(target)
    try:
        with os.fdopen(handle, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, target)
        fsync_directory(target.parent)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def create_temporary(target: Path) -> tuple[int, str]:
    """Create and open a new temporary beside ``target``: ``(file descriptor, path)``.

    Its mode is the one ``open(target, "w")`` would give: the existing file's mode when it is
    replaced, otherwise 0o666 less the umask. (``tempfile.mkstemp`` would make every checkpoint
    and record private to its owner, 0o600.)
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        name = f"{temporary_prefix(target)}{os.getpid()}.{secrets.token_hex(4)}{TEMPORARY_SUFFIX}"
        path = os.path.join(target.parent, name)
        try:
            handle = os.open(path, flags, 0o666)  # the umask applies, as for open()
        except FileExistsError:
            continue
        try:
            os.chmod(path, stat.S_IMODE(os.stat(target).st_mode))  # a replaced file keeps its mode
        except FileNotFoundError:
            pass  # a new file: the mode the umask gave it
        except BaseException:
            os.close(handle)
            os.remove(path)
            raise
        return handle, path
    raise FileExistsError(f"no free temporary name beside {target} after 100 tries")


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Replace ``path`` by ``data`` atomically and durably (see the module docstring)."""
    with atomic_writer(path) as f:
        f.write(data)


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Replace ``path`` by ``text`` (UTF-8) atomically and durably."""
    atomic_write_bytes(path, text.encode("utf-8"))


def fsync_directory(directory: str | os.PathLike) -> None:
    """Make a rename inside ``directory`` durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # e.g. Windows
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on a folder; the rename is still atomic
    finally:
        os.close(fd)


def remove_stale_temporaries(
    target: str | os.PathLike, suffix: str = TEMPORARY_SUFFIX
) -> list[Path]:
    """Delete temporaries of ``target`` left by writers that are no longer running; returns them.

    A temporary whose writer is still alive (another process saving the same
    file right now) is left alone.
    """
    target = Path(target)
    removed = []
    prefix = temporary_prefix(target)
    for candidate in target.parent.glob(f"{glob_escape(prefix)}*{suffix}"):
        pid = candidate.name[len(prefix) :].split(".", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            with contextlib.suppress(FileNotFoundError):
                candidate.unlink()
                removed.append(candidate)
    return removed


def glob_escape(text: str) -> str:
    """``text`` with glob's special characters made literal."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return False  # this process is not writing it now: a leftover of an earlier attempt
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, owned by someone else
    except OSError:
        return True  # cannot tell (e.g. Windows without that pid): keep the file
    return True
