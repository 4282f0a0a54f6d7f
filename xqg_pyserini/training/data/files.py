"""Paths in, files out: what every training-data reader and writer shares.

:func:`resolve_jsonl_files` turns files, directories and glob patterns into a
sorted list of JSONL(.gz) files; :func:`write_jsonl` writes JSON lines to a
plain or gzipped file atomically (a temporary sibling renamed into place, see
:func:`xqg_pyserini.atomic.atomic_file`), refusing to replace an existing file
unless told to; :class:`FirstSeen` remembers where each id first appeared, so a
repeat is reported with both places.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from xqg_pyserini.atomic import atomic_file
from xqg_pyserini.data.generated import resolve_jsonl_paths
from xqg_pyserini.errors import CorpusFormatError, OutputExistsError

__all__ = [
    "FirstSeen",
    "PathArg",
    "check_output",
    "resolve_jsonl_files",
    "write_jsonl",
]

PathArg = str | os.PathLike[str] | Iterable[str | os.PathLike[str]]


def resolve_jsonl_files(paths: PathArg, what: str) -> list[Path]:
    """Expand files, directories and glob patterns into a sorted list of JSONL files.

    A directory contributes its non-hidden files ending in ``.jsonl``, ``.json``
    or either plus ``.gz``. The result is sorted and free of repeats, so the same
    files given in any order are read in the same order.

    Parameters
    ----------
    paths
        A file, directory or glob pattern, or several.
    what
        What the files hold (``"training data"``), for the error message.

    Raises
    ------
    FileNotFoundError
        If a path does not exist, a pattern matches nothing or a directory holds
        no JSONL file.
    """
    items = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    if not items:
        raise FileNotFoundError(f"{what}: no file given")
    return resolve_jsonl_paths(items, what)


class FirstSeen:
    """Where each id first appeared; :meth:`add` raises on a repeat, naming both places."""

    def __init__(self, field: str) -> None:
        self.field = field
        self._places: dict[str, str] = {}

    def add(self, key: str, where: str) -> None:
        """Record ``key`` at ``where`` (``file:line``).

        Raises
        ------
        CorpusFormatError
            If ``key`` was recorded before.
        """
        first = self._places.setdefault(key, where)
        if first != where:
            raise CorpusFormatError(f"{where}: {self.field} {key!r} already appeared at {first}")


def write_jsonl(records: Iterable[dict[str, Any]], path: str | Path, *, overwrite: bool) -> int:
    """Write one JSON object per line, gzipped if ``path`` ends in ``.gz``; returns the count.

    The file appears complete or not at all: it is written to a temporary
    sibling and renamed into place, so an error while ``records`` is being
    consumed leaves any previous file as it was. Gzip output carries no
    timestamp, so the same records give the same bytes.

    Raises
    ------
    OutputExistsError
        If ``path`` exists and ``overwrite`` is false.
    """
    path = Path(path)
    check_output(path, overwrite=overwrite)
    count = 0
    with atomic_file(path) as handle:
        if path.name.endswith(".gz"):
            raw = handle.buffer  # type: ignore[attr-defined]  # the text file's byte stream
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as out:
                for record in records:
                    out.write(_line(record))
                    count += 1
        else:
            for record in records:
                handle.write(_line(record).decode("utf-8"))
                count += 1
    return count


def check_output(path: Path, *, overwrite: bool) -> None:
    """Refuse an existing output unless ``overwrite`` (before any work is done).

    Raises
    ------
    OutputExistsError
        If ``path`` exists and ``overwrite`` is false, or it is a directory.
    """
    if path.is_dir():
        raise OutputExistsError(f"{path} is a directory; expected a .jsonl or .jsonl.gz file")
    if path.exists() and not overwrite:
        raise OutputExistsError(f"{path} exists; pass --overwrite to replace it")


def _line(record: dict[str, Any]) -> bytes:
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
