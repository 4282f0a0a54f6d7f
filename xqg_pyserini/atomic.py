"""Directories that appear whole or not at all, and a lock for building them.

Outputs (index directories, converted models) are written into a hidden
temporary sibling and renamed into place when complete; an old version is moved
aside first and deleted after, so a crash leaves either the old or the new one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

__all__ = [
    "atomic_directory",
    "atomic_file",
    "build_lock",
    "clean_stale_siblings",
    "remove_path",
]


def remove_path(path: Path) -> None:
    """Delete a file, link or directory tree; best effort."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _swap_into_place(tmp: Path, target: Path) -> None:
    old = None
    if target.exists() or target.is_symlink():
        old = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:8]}")
        os.rename(target, old)
    os.rename(tmp, target)
    if old is not None:
        remove_path(old)


@contextlib.contextmanager
def atomic_directory(
    target: Path,
    tmp: Path | None = None,
    keep: Callable[[Path, BaseException], bool] | None = None,
) -> Iterator[Path]:
    """Yield a temporary sibling of ``target``; on success it replaces ``target``.

    On an exception the temporary directory is deleted (unless ``keep(tmp, exc)`` says
    it holds work worth resuming) and ``target`` is untouched. ``tmp``, when
    given, is a fixed sibling name that may already exist (a resumed build, under
    :func:`build_lock`); else a fresh random one is made. The directory gets
    ordinary permissions (0755), unlike ``mkdtemp``'s 0700.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    if tmp is None:
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    else:
        tmp.mkdir(exist_ok=True)
    try:
        yield tmp
        tmp.chmod(0o755)
        _swap_into_place(tmp, target)
    except BaseException as exc:
        if keep is None or not keep(tmp, exc):
            shutil.rmtree(tmp, ignore_errors=True)
        raise


@contextlib.contextmanager
def atomic_file(target: Path, encoding: str = "utf-8") -> Iterator[IO[str]]:
    """Yield a text handle on a temporary sibling of ``target``; on success it replaces ``target``.

    The file is flushed to disk before the rename, so ``target`` is either the old
    file or the complete new one. On an exception the temporary file is deleted.
    The file gets ordinary permissions (0644), unlike ``mkstemp``'s 0600.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.tmp-", dir=target.parent)
    tmp = Path(name)
    try:
        with open(fd, "w", encoding=encoding, newline="\n") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(0o644)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def build_lock(target: Path, remove: bool = False) -> Iterator[None]:
    """Exclusive lock on ``.<name>.lock`` next to ``target`` (no-op without ``fcntl``).

    With ``remove`` the lock file is deleted on release, leaving nothing behind;
    a waiter that then holds the lock on the deleted file notices and retries.
    """
    try:
        import fcntl
    except ImportError:  # not POSIX: rename-into-place alone keeps outputs consistent
        yield
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    path = target.with_name(f".{target.name}.lock")
    while True:
        with open(path, "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                current = os.stat(path).st_ino
            except FileNotFoundError:
                current = None
            if current != os.fstat(handle.fileno()).st_ino:
                continue  # removed by the previous holder: lock the new file instead
            try:
                yield
                return
            finally:
                if remove:
                    path.unlink(missing_ok=True)
                fcntl.flock(handle, fcntl.LOCK_UN)


def clean_stale_siblings(target: Path, max_age_seconds: float = 3600) -> None:
    """Remove temporary siblings of ``target`` left by crashed builds (older than the age)."""
    for pattern in (f".{target.name}.tmp-*", f".{target.name}.old-*"):
        for path in target.parent.glob(pattern):
            with contextlib.suppress(OSError):
                if time.time() - path.stat().st_mtime > max_age_seconds:
                    remove_path(path)
