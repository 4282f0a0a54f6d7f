"""Streaming reader for passage collections in JSONL.

One JSON object per line, either ``{"docid" | "id", "title", "text"}`` (the
xQG / Tevatron style; title optional) or Pyserini's ``{"id", "contents"}``.
Files ending in ``.gz`` are decompressed on the fly. Every malformed line raises
:class:`CorpusFormatError` naming the file and line.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from xqg_pyserini.data.lines import json_objects
from xqg_pyserini.errors import CorpusFormatError

__all__ = ["Passage", "count_lines", "read_jsonl_corpus"]


class Passage(NamedTuple):
    """One passage of a collection (field names as in ir_datasets)."""

    doc_id: str
    title: str
    text: str


def _parse_line(record: object, where: str) -> Passage:
    if not isinstance(record, dict):
        raise CorpusFormatError(f"{where}: expected a JSON object, got {type(record).__name__}")
    doc_id = record.get("docid", record.get("id"))
    if not isinstance(doc_id, (str, int)) or str(doc_id) == "":
        raise CorpusFormatError(f"{where}: missing field 'docid' (or 'id')")
    if "text" in record:
        text, title = record["text"], record.get("title") or ""
    elif "contents" in record:
        text, title = record["contents"], ""
    else:
        raise CorpusFormatError(f"{where}: missing field 'text' (or Pyserini's 'contents')")
    if not isinstance(text, str) or not isinstance(title, str):
        raise CorpusFormatError(f"{where}: fields 'title' and 'text' must be strings")
    return Passage(str(doc_id), title, text)


def count_lines(path: str | Path) -> int | None:
    """Number of lines of a plain or gzipped file (for progress bars); None if unreadable."""
    import gzip
    import zlib

    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as raw:
            return sum(block.count(b"\n") for block in iter(lambda: raw.read(1 << 20), b""))
    except (OSError, EOFError, zlib.error):
        return None  # a corrupt file is reported, with its line, by the reader itself


def read_jsonl_corpus(path: str | Path) -> Iterator[Passage]:
    """Yield the passages of a JSONL(.gz) file in file order.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    CorpusFormatError
        On a line that is not JSON or lacks an id or text (file and line named).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"corpus file not found: {path}")
    for where, record in json_objects(path):
        yield _parse_line(record, where)
