"""Byte-for-byte reproducible writers for the collection files.

gzip streams are written with mtime 0 and no file name, CSV with ``\\n`` line
ends, JSON with ``ensure_ascii=False`` and a fixed key order, so the same
inputs always give the same bytes (given the same zlib).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterable
from pathlib import Path

__all__ = ["gzip_bytes", "jsonl_bytes", "tsv_bytes", "write_bytes"]


def gzip_bytes(data: bytes) -> bytes:
    """``data`` gzip-compressed (level 9) with a zero timestamp and no file name."""
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as f:
        f.write(data)
    return buf.getvalue()


def tsv_bytes(rows: Iterable[list[str]]) -> bytes:
    """Rows written like DPR's psgs_w100.tsv: tab-separated with CSV quoting."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter="\t", lineterminator="\n")
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def jsonl_bytes(records: Iterable[dict]) -> bytes:
    """One JSON object per line, UTF-8, keys in insertion order."""
    lines = (json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    return "".join(lines).encode("utf-8")


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
