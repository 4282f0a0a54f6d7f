"""Streaming readers for the published XOR-Retrieve file formats.

* DPR-style corpus TSV (``enwiki_20190201_w100.tsv``, ``psgs_w100.tsv``): a header
  row ``id<TAB>text<TAB>title``, then one passage per record, parsed exactly as
  the reference loader does, with ``csv.reader(f, delimiter="\\t")`` (so a field
  wrapped in double quotes with inner quotes doubled is unquoted).
* XOR queries JSONL: one object per line with ``id``, ``question``, ``lang`` and
  ``answers`` (a list of strings; the test split has none).
* TREC qrels: ``qid iteration docid relevance`` per line.

Every reader streams (one record in memory at a time), decompresses ``.gz``
files on the fly, skips blank lines, and raises :class:`CorpusFormatError` as
``path:line: what was expected`` on malformed input. Standard library only.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from xqg_pyserini.data.lines import decoded_lines, json_objects
from xqg_pyserini.data.records import TrecQrel, XorDoc, XorQuery
from xqg_pyserini.errors import CorpusFormatError

__all__ = ["DPR_TSV_HEADER", "read_dpr_tsv", "read_trec_qrels", "read_xor_queries"]

DPR_TSV_HEADER = ("id", "text", "title")

_BOM = b"\xef\xbb\xbf"
# Decimal ids below this bound are remembered in a bitmap (at most 32 MiB), so
# checking the 18M DPR ids for duplicates costs megabytes, not a set of strings.
_BITMAP_LIMIT = 1 << 28


class _SeenIds:
    """Remembers ids to detect repeats; compact for decimal ids like DPR's."""

    def __init__(self) -> None:
        self._bits = bytearray()
        self._others: set[str] = set()

    def add(self, key: str) -> bool:
        """Record ``key``; return False if it was already there."""
        if key.isascii() and key.isdigit() and (key == "0" or key[0] != "0"):
            value = int(key)
            if value < _BITMAP_LIMIT:
                byte, bit = divmod(value, 8)
                if byte >= len(self._bits):
                    self._bits.extend(bytes(max(byte + 1 - len(self._bits), len(self._bits))))
                if self._bits[byte] >> bit & 1:
                    return False
                self._bits[byte] |= 1 << bit
                return True
        if key in self._others:
            return False
        self._others.add(key)
        return True


def read_dpr_tsv(path: str | Path) -> Iterator[XorDoc]:
    """Yield the passages of a DPR-style corpus TSV(.gz) in file order.

    Parameters
    ----------
    path : str or Path
        The TSV file; its first record must be the header ``id<TAB>text<TAB>title``.

    Yields
    ------
    XorDoc
        ``(doc_id, title, text)``, fields CSV-unquoted as by ``csv.reader``.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    CorpusFormatError
        On a missing header, a record without exactly 3 columns, an empty id,
        a repeated id, bad UTF-8 or a truncated gzip stream (file and line named).
    """
    path = Path(path)
    reader = csv.reader(decoded_lines(path), delimiter="\t")
    seen = _SeenIds()
    header_seen = False
    first_line = 1
    try:
        for row in reader:
            where = f"{path}:{first_line}"
            spans = reader.line_num > first_line
            first_line = reader.line_num + 1
            if not row:
                continue
            if header_seen:
                yield _passage(row, where, spans, seen)
            elif tuple(row) == DPR_TSV_HEADER:
                header_seen = True
            else:
                raise CorpusFormatError(f"{where}: expected the header 'id<TAB>text<TAB>title'")
    except csv.Error as exc:
        raise CorpusFormatError(f"{path}:{first_line}: expected a CSV record ({exc})") from None
    if not header_seen:
        raise CorpusFormatError(f"{path}:1: expected the header 'id<TAB>text<TAB>title'")


def _passage(row: list[str], where: str, spans: bool, seen: _SeenIds) -> XorDoc:
    """Check one record of the corpus TSV (after the header) and make its XorDoc."""
    if len(row) != 3:
        hint = " (it spans several lines: an unbalanced double quote?)" if spans else ""
        raise CorpusFormatError(
            f"{where}: expected 3 tab-separated columns (id, text, title), got {len(row)}{hint}"
        )
    doc_id, text, title = row
    if not doc_id:
        raise CorpusFormatError(f"{where}: expected a non-empty id")
    if doc_id == DPR_TSV_HEADER[0]:
        raise CorpusFormatError(f"{where}: expected a passage, got a second header row")
    if not seen.add(doc_id):
        raise CorpusFormatError(f"{where}: expected unique ids, got doc id {doc_id!r} repeated")
    return XorDoc(doc_id, title, text)


def _query_id(record: dict, where: str) -> str:
    value = record.get("id")
    if isinstance(value, bool) or not isinstance(value, (str, int)) or str(value) == "":
        raise CorpusFormatError(f"{where}: expected field 'id' (a non-empty string)")
    return str(value)


def _string_field(record: dict, name: str, where: str) -> str:
    value = record.get(name)
    if not isinstance(value, str) or not value:
        raise CorpusFormatError(f"{where}: expected field {name!r} (a non-empty string)")
    return value


def _answers(record: dict, where: str, required: bool) -> tuple[str, ...]:
    value = record.get("answers")
    if value is None:
        if required:
            raise CorpusFormatError(f"{where}: expected field 'answers' (a list of strings)")
        return ()
    if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
        raise CorpusFormatError(f"{where}: expected 'answers' to be a list of strings")
    return tuple(value)


def read_xor_queries(path: str | Path, *, require_answers: bool = False) -> Iterator[XorQuery]:
    """Yield the questions of an XOR-TyDi JSONL(.gz) file in file order.

    Parameters
    ----------
    path : str or Path
        One JSON object per line: ``id``, ``question``, ``lang``, and ``answers``
        (absent in the test split). Other fields are ignored.
    require_answers : bool
        Treat a line without ``answers`` as malformed (train and dev files).

    Yields
    ------
    XorQuery
        ``(query_id, text, language, answers)``; ``answers`` is ``()`` when absent.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    CorpusFormatError
        On a line that is not a JSON object, a missing or mistyped field, or a
        repeated id (file and line named).
    """
    path = Path(path)
    seen: set[str] = set()
    for where, record in json_objects(path):
        query_id = _query_id(record, where)
        if query_id in seen:
            raise CorpusFormatError(f"{where}: expected unique ids, got id {query_id!r} repeated")
        seen.add(query_id)
        yield XorQuery(
            query_id,
            _string_field(record, "question", where),
            _string_field(record, "lang", where),
            _answers(record, where, require_answers),
        )


def read_trec_qrels(path: str | Path) -> Iterator[TrecQrel]:
    """Yield the judgements of a TREC qrels file(.gz): ``qid iteration docid relevance``.

    Columns are separated by any whitespace; the relevance is an integer.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    CorpusFormatError
        On a line without 4 columns, a non-integer relevance, or a repeated
        (qid, docid) pair (file and line named).
    """
    path = Path(path)
    seen: set[tuple[str, str]] = set()
    for number, line in enumerate(decoded_lines(path), start=1):
        columns = line.split()
        if not columns:
            continue
        where = f"{path}:{number}"
        if len(columns) != 4:
            raise CorpusFormatError(
                f"{where}: expected 4 columns 'qid iteration docid relevance', got {len(columns)}"
            )
        query_id, iteration, doc_id, relevance = columns
        try:
            grade = int(relevance)
        except ValueError:
            raise CorpusFormatError(
                f"{where}: expected an integer relevance, got {relevance!r}"
            ) from None
        if (query_id, doc_id) in seen:
            raise CorpusFormatError(f"{where}: expected one judgement per (qid, docid) pair")
        seen.add((query_id, doc_id))
        yield TrecQrel(query_id, doc_id, grade, iteration)
