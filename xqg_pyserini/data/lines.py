"""Numbered lines of plain or gzipped text files, with errors that name file and line.

Every reader of line-based input (JSONL corpora, XOR queries, DPR TSV, qrels,
generated questions) goes through here, so damage is reported the same way:
``path:line: corrupt or truncated gzip file``, ``not valid UTF-8``,
``not valid JSON``, ``expected a JSON object``.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from xqg_pyserini.errors import CorpusFormatError

__all__ = ["decode_line", "decoded_lines", "json_objects", "numbered_lines", "parse_json_object"]

_BOM = b"\xef\xbb\xbf"


def numbered_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """Yield ``(line number, raw line)`` of ``path`` (gunzipped if it ends in ``.gz``).

    Raises
    ------
    FileNotFoundError
        If ``path`` is not a file.
    CorpusFormatError
        If a gzip stream is corrupt or truncated (the line it broke at is named).
    """
    if not path.is_file():
        raise FileNotFoundError(f"file not found: {path}")
    opener = gzip.open if path.name.endswith(".gz") else open
    number = 0
    try:
        with opener(path, "rb") as handle:
            for number, line in enumerate(handle, start=1):
                yield number, line
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise CorpusFormatError(
            f"{path}:{number + 1}: corrupt or truncated gzip file ({exc})"
        ) from None


def decode_line(line: bytes, where: str) -> str:
    """``line`` as UTF-8 text; ``where`` (``file:line``) names it in the error."""
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusFormatError(
            f"{where}: not valid UTF-8 (bad byte at column {exc.start + 1})"
        ) from None


def decoded_lines(path: Path) -> Iterator[str]:
    """The lines of ``path`` as text, newlines kept, a leading byte-order mark dropped.

    Each line is decoded on its own, so bad UTF-8 is reported with its line number.
    """
    for number, line in numbered_lines(path):
        if number == 1 and line.startswith(_BOM):
            line = line[len(_BOM) :]
        yield decode_line(line, f"{path}:{number}")


def parse_json_object(text: str, where: str, hint: str = "") -> dict[str, Any]:
    """Parse one line that must hold a JSON object; ``hint`` is appended to a JSON error."""
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CorpusFormatError(f"{where}: not valid JSON ({exc.msg}){hint}") from None
    if not isinstance(record, dict):
        raise CorpusFormatError(f"{where}: expected a JSON object, got {type(record).__name__}")
    return record


def json_objects(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield ``(where, object)`` for each non-blank line of a JSONL(.gz) file."""
    for number, line in enumerate(decoded_lines(path), start=1):
        if line.strip():
            where = f"{path}:{number}"
            yield where, parse_json_object(line, where)
