"""Numbered text lines of plain or gzipped files: the one layer every text reader goes through.

Runs, topics, qrels, DPR TSV and every JSON-lines reader take their lines from
:func:`read_lines`, so decoding, byte-order marks, line endings, blank lines,
line numbers and the wording of errors are the same in every format:

* a line ends at ``\\n``; a ``\\r`` right before it belongs to the ending
  (CRLF files read as LF files). A carriage return anywhere else is refused,
  because tools disagree on it (Python's text mode and Anserini end a line
  there, byte-wise readers do not), so it would shift line numbers and split
  records differently from one tool to the next;
* text is UTF-8; a UTF-8 byte-order mark at the start of the file is dropped,
  a UTF-16 one is named as such, and a NUL byte (UTF-16 without a mark, or a
  binary file) is refused;
* blank lines (nothing but whitespace) are skipped but counted, so a line
  number is always the line an editor shows;
* ``.gz`` files are decompressed on the fly; a corrupt or truncated stream is
  reported at the line it broke in.

Errors read ``path:line: what was expected`` (one line) and are raised as
:class:`~xqg_pyserini.errors.CorpusFormatError`, or the error class a reader
passes (runs raise their own ``RunFormatError``).
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from xqg_pyserini.errors import CorpusFormatError, XqgError

__all__ = ["Line", "decode_line", "numbered_lines", "read_lines", "shown"]

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_SHOWN_CHARS = 40


class Line(NamedTuple):
    """One non-blank line of a text file.

    Attributes
    ----------
    path : Path
        The file.
    number : int
        The line number, from 1, counting blank lines too.
    text : str
        The decoded line without its ending (``\\n`` or ``\\r\\n``).
    complete : bool
        Whether the line ended with ``\\n`` (the last line of a file may not).
    """

    path: Path
    number: int
    text: str
    complete: bool

    @property
    def where(self) -> str:
        """``path:line``, the prefix of every error about this line."""
        return f"{self.path}:{self.number}"


def shown(value: object) -> str:
    """``repr(value)``, cut to about 40 characters: how errors quote what they got.

    ``repr`` escapes line breaks and invisible characters (a byte-order mark
    shows as ``\\ufeff``), so the message stays one readable line.
    """
    text = repr(value)
    if len(text) <= _SHOWN_CHARS:
        return text
    return f"{text[: _SHOWN_CHARS - 5]}...{text[-2:]}"


def numbered_lines(
    path: Path, *, error: type[XqgError] = CorpusFormatError
) -> Iterator[tuple[int, bytes]]:
    """Yield ``(line number, raw line)`` of ``path`` (gunzipped if it ends in ``.gz``).

    Lines are split at ``\\n`` only and keep it; most readers want
    :func:`read_lines` instead.

    Raises
    ------
    FileNotFoundError
        If ``path`` is not a file.
    CorpusFormatError (or ``error``)
        If a gzip stream is corrupt or truncated (the line it broke at is named).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"file not found: {path}")
    opener = gzip.open if path.name.endswith(".gz") else open
    number = 0
    try:
        with opener(path, "rb") as handle:
            for number, line in enumerate(handle, start=1):
                yield number, line
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise error(f"{path}:{number + 1}: corrupt or truncated gzip file ({exc})") from None


def decode_line(line: bytes, where: str, *, error: type[XqgError] = CorpusFormatError) -> str:
    """``line`` as UTF-8 text; ``where`` (``file:line``) names it in the error."""
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"{where}: not valid UTF-8 (bad byte at column {exc.start + 1})") from None


def _text(path: Path, number: int, raw: bytes, error: type[XqgError]) -> str:
    """The text of one raw line, ending removed, checked as described in the module."""
    where = f"{path}:{number}"
    if raw.endswith(b"\n"):
        raw = raw[:-2] if raw.endswith(b"\r\n") else raw[:-1]
    if number == 1:
        if raw.startswith(_UTF8_BOM):
            raw = raw[len(_UTF8_BOM) :]
        elif raw.startswith(_UTF16_BOMS):
            raise error(
                f"{where}: not valid UTF-8 (the file starts with a UTF-16 byte-order mark; "
                "save it as UTF-8)"
            )
    text = decode_line(raw, where, error=error)
    if "\r" in text:
        raise error(
            f"{where}: expected lines ending in \\n or \\r\\n, got a lone carriage return "
            f"at column {text.index(chr(13)) + 1}"
        )
    if "\x00" in text:
        raise error(
            f"{where}: not valid UTF-8 text (a NUL byte at column {text.index(chr(0)) + 1}; "
            "is the file UTF-16?)"
        )
    return text


def read_lines(
    path: str | Path,
    *,
    error: type[XqgError] = CorpusFormatError,
    complete_only: bool = False,
) -> Iterator[Line]:
    """Yield the non-blank lines of a plain or gzipped UTF-8 text file, in order.

    See the module docstring for line endings, byte-order marks and blank lines.
    Lines are read one at a time, so a file of any size streams.

    Parameters
    ----------
    path : str or Path
        The file (``.gz``: decompressed on the fly).
    error : XqgError subclass
        What to raise on damage (default :class:`CorpusFormatError`).
    complete_only : bool
        Leave out, unchecked, a last line without its ``\n``: what a killed
        writer leaves, possibly cut inside a UTF-8 character.

    Raises
    ------
    FileNotFoundError
        If ``path`` is not a file.
    CorpusFormatError (or ``error``)
        On a corrupt gzip stream, bad UTF-8, a UTF-16 file, a NUL byte or a
        lone carriage return (file and line named).
    """
    path = Path(path)
    for number, raw in numbered_lines(path, error=error):
        if complete_only and not raw.endswith(b"\n"):
            continue
        text = _text(path, number, raw, error)
        if text and not text.isspace():
            yield Line(path, number, text, raw.endswith(b"\n"))
