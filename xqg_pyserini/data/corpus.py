"""Streaming reader for passage collections in JSONL.

One JSON object per line, either ``{"docid" | "id", "title", "text"}`` (the
xQG / Tevatron style; title optional) or Pyserini's ``{"id", "contents"}``.
The id is a string or a JSON integer (read as its digits) and must be an id
(:func:`~xqg_pyserini.data.fields.id_problem`: non-empty, no whitespace); the
title is a string, absent or null (read as ""); the text a string (maybe
empty). Lines come through :mod:`.json_lines` (strict JSON), files ending in
``.gz`` are decompressed on the fly, and every malformed line raises
:class:`CorpusFormatError` naming the file and line.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from xqg_pyserini.data.fields import json_id, json_string
from xqg_pyserini.data.json_lines import json_objects
from xqg_pyserini.errors import CorpusFormatError

__all__ = ["Passage", "count_lines", "read_jsonl_corpus"]


class Passage(NamedTuple):
    """One passage of a collection (field names as in ir_datasets)."""

    doc_id: str
    title: str
    text: str


def _parse_line(record: dict[str, Any], where: str) -> Passage:
    field = "docid" if "docid" in record else "id"
    if field not in record:
        raise CorpusFormatError(f"{where}: missing field 'docid' (or 'id')")
    doc_id = json_id(record[field], where, field)
    if "text" in record:
        text = json_string(record["text"], where, "text")
        title = record.get("title")
        title = "" if title is None else json_string(title, where, "title")
    elif "contents" in record:
        text, title = json_string(record["contents"], where, "contents"), ""
    else:
        raise CorpusFormatError(f"{where}: missing field 'text' (or Pyserini's 'contents')")
    return Passage(doc_id, title, text)


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
        On a line that is not strict JSON, lacks an id or text, or has one of
        the wrong type (file and line named).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"corpus file not found: {path}")
    for where, record in json_objects(path):
        yield _parse_line(record, where)
