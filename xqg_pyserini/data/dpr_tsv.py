"""The DPR-style corpus TSV (``psgs_w100.tsv``, ``enwiki_20190201_w100.tsv``), streamed.

A header row ``id<TAB>text<TAB>title``, then one passage per line, fields as
Python's ``csv.writer(delimiter="\\t")`` writes them: a field that holds a tab
or a double quote is wrapped in double quotes, inner quotes doubled. This reader
unquotes exactly as DPR's own loader (``csv.reader``) does for such files, with
these differences, all refusals of damaged input:

* a quoted field must close on its line: DPR's passages are one line each, and
  a quote left open would otherwise swallow the following passages without a
  word (the error names the line where the field was opened);
* after a closing quote only a tab or the end of the line may follow
  (``csv.reader`` glues ``"ab"c`` into ``abc``);
* fields have no length limit (``csv.reader`` stops at 131,072 characters).

Lines come from :func:`~xqg_pyserini.data.lines.read_lines` (UTF-8, a leading
byte-order mark dropped, CRLF accepted, blank lines skipped), and errors name
file and line.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from xqg_pyserini.data.fields import id_problem
from xqg_pyserini.data.lines import read_lines, shown
from xqg_pyserini.data.records import XorDoc
from xqg_pyserini.errors import CorpusFormatError

__all__ = ["DPR_TSV_HEADER", "read_dpr_tsv", "split_tsv_line"]

DPR_TSV_HEADER = ("id", "text", "title")

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


def _quoted(text: str, start: int, column: int, where: str) -> tuple[str, int]:
    """The quoted field opening at ``text[start]``, and the index just past its closing quote."""
    parts = []
    pos = start + 1
    while True:
        quote = text.find('"', pos)
        if quote < 0:
            raise CorpusFormatError(
                f"{where}: expected a closing double quote for the field opened in column "
                f"{column} (a quoted field cannot span lines)"
            )
        parts.append(text[pos:quote])
        if not text.startswith('"', quote + 1):
            return "".join(parts), quote + 1
        parts.append('"')
        pos = quote + 2


def split_tsv_line(text: str, where: str) -> list[str]:
    """The fields of one line, unquoted as described in the module docstring.

    Raises
    ------
    CorpusFormatError
        On a quoted field left open, or text after a closing quote.
    """
    if '"' not in text:
        return text.split("\t")
    fields: list[str] = []
    pos = 0
    while True:
        if not text.startswith('"', pos):
            tab = text.find("\t", pos)
            if tab < 0:
                fields.append(text[pos:])
                return fields
            fields.append(text[pos:tab])
            pos = tab + 1
            continue
        column = len(fields) + 1
        field, pos = _quoted(text, pos, column, where)
        fields.append(field)
        if pos == len(text):
            return fields
        if text[pos] != "\t":
            raise CorpusFormatError(
                f"{where}: expected a tab or the end of the line after the closing quote "
                f"of column {column}, got {shown(text[pos])}"
            )
        pos += 1


def _passage(fields: list[str], where: str, seen: _SeenIds) -> XorDoc:
    """Check one record of the corpus TSV (after the header) and make its XorDoc."""
    if len(fields) != 3:
        raise CorpusFormatError(
            f"{where}: expected 3 tab-separated columns (id, text, title), got {len(fields)}"
        )
    doc_id, text, title = fields
    problem = id_problem(doc_id)
    if problem == "is empty":
        raise CorpusFormatError(f"{where}: expected a non-empty id")
    if problem is not None:
        raise CorpusFormatError(f"{where}: id {shown(doc_id)} {problem}")
    if doc_id == DPR_TSV_HEADER[0]:
        raise CorpusFormatError(f"{where}: expected a passage, got a second header row")
    if not seen.add(doc_id):
        raise CorpusFormatError(f"{where}: expected unique ids, got doc id {doc_id!r} repeated")
    return XorDoc(doc_id, title, text)


def read_dpr_tsv(path: str | Path) -> Iterator[XorDoc]:
    """Yield the passages of a DPR-style corpus TSV(.gz) in file order.

    Parameters
    ----------
    path : str or Path
        The TSV file; its first non-blank line must be the header
        ``id<TAB>text<TAB>title``.

    Yields
    ------
    XorDoc
        ``(doc_id, title, text)``, fields unquoted. The title and the text
        may be empty; the id is an id (:func:`~xqg_pyserini.data.fields.id_problem`).

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    CorpusFormatError
        On a missing header, a record without exactly 3 columns, a bad or
        repeated id, a quote left open, bad UTF-8 or a truncated gzip stream
        (file and line named).
    """
    path = Path(path)
    seen = _SeenIds()
    header_seen = False
    for line in read_lines(path):
        fields = split_tsv_line(line.text, line.where)
        if header_seen:
            yield _passage(fields, line.where, seen)
        elif tuple(fields) == DPR_TSV_HEADER:
            header_seen = True
        else:
            raise CorpusFormatError(f"{line.where}: expected the header 'id<TAB>text<TAB>title'")
    if not header_seen:
        raise CorpusFormatError(f"{path}:1: expected the header 'id<TAB>text<TAB>title'")
