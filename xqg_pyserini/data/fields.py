"""The rules for single fields that every reader shares: ids, language codes, numbers.

One place decides what an id is, what a rank or a score may look like, and
how a field's problem is worded, so the run, qrels, topics, TSV and JSON-lines
readers agree (and so the fuzz tests can hold them to it):

* an **id** (qid, docid) is a non-empty string without whitespace, control
  characters or a byte-order mark (U+FEFF): ids become columns of TREC runs and
  lines of an index's ``docid`` file, where any of these would split or hide it;
* a **language code** is letters, digits, ``-`` or ``_`` (``ja``, ``zh-Hans``);
* numbers in the TREC formats are ASCII: a rank is ``[0-9]+`` and at least 1,
  a relevance ``-?[0-9]+`` (both at most 18 digits: they become int64 in
  ranx), a score a finite decimal number (``12``, ``-0.5``, ``3.1e-2``).
  Python's ``int``/``float`` would also take ``1_0``, Arabic-Indic digits,
  ``nan``, ``inf`` and ``1e999``; these are refused.
"""

from __future__ import annotations

import functools
import math
import re

from xqg_pyserini.data.lines import shown
from xqg_pyserini.errors import CorpusFormatError, XqgError

__all__ = [
    "column_id",
    "id_problem",
    "is_language_code",
    "json_id",
    "json_language",
    "json_string",
    "parse_rank",
    "parse_relevance",
    "parse_score",
]

_NOT_IN_ID = re.compile(r"[\s\x00-\x1f\x7f-\x9f\ufeff]")
_LANGUAGE_CODE = re.compile(r"[A-Za-z0-9_-]+")
_RANK = re.compile(r"[0-9]{1,18}")
_RELEVANCE = re.compile(r"-?[0-9]{1,18}")
_SCORE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_LANGUAGE_RULE = "a language code (letters, digits, '-' or '_')"


def id_problem(value: str) -> str | None:
    """What makes ``value`` unusable as an id (``"is empty"``, ``"holds whitespace"``...).

    None when it is a usable id.
    """
    if not value:
        return "is empty"
    match = _NOT_IN_ID.search(value)
    if match is None:
        return None
    char = match.group()
    if char == "\ufeff":
        return "holds a byte-order mark (U+FEFF)"
    if char.isspace():
        return "holds whitespace"
    return f"holds a control character (U+{ord(char):04X})"


def column_id(value: str, where: str, name: str, error: type[XqgError] = CorpusFormatError) -> str:
    """``value`` if it is an id (a TSV or run column named ``name``), else an error.

    The error reads ``where: qid '\\ufeffq1' holds a byte-order mark (U+FEFF)``.
    """
    problem = id_problem(value)
    if problem is not None:
        raise error(f"{where}: {name} {shown(value)} {problem}")
    return value


def is_language_code(value: object) -> bool:
    """Whether ``value`` is a string of letters, digits, ``-`` or ``_``."""
    return isinstance(value, str) and _is_code(value)


@functools.lru_cache(maxsize=256)  # a file holds a handful of codes, checked on every line
def _is_code(value: str) -> bool:
    return _LANGUAGE_CODE.fullmatch(value) is not None


def _type_name(value: object) -> str:
    return "null" if value is None else type(value).__name__


def json_id(value: object, where: str, field: str, *, integers: bool = True) -> str:
    """A JSON field holding an id, as a string (a JSON integer is read as its digits).

    Parameters
    ----------
    integers : bool
        Accept JSON integers (published XOR and corpus files use them);
        ``true``/``false`` are never ids.

    Raises
    ------
    CorpusFormatError
        ``where: field 'docid' must be a string, got bool``, or
        ``where: field 'docid' holds whitespace: ' '`` (see :func:`id_problem`).
    """
    if isinstance(value, int) and not isinstance(value, bool) and integers:
        return str(value)
    if not isinstance(value, str):
        kind = "a string or integer" if integers else "a string"
        raise CorpusFormatError(f"{where}: field {field!r} must be {kind}, got {_type_name(value)}")
    problem = id_problem(value)
    if problem is not None:
        got = f": {shown(value)}" if value else ""
        raise CorpusFormatError(f"{where}: field {field!r} {problem}{got}")
    return value


def json_string(value: object, where: str, field: str, *, blank: bool = True) -> str:
    """A JSON field that must be a string (non-blank unless ``blank``).

    Raises
    ------
    CorpusFormatError
        ``where: field 'question' must be a string, got int`` or
        ``where: field 'question' must be a non-blank string, got '  '``.
    """
    if not isinstance(value, str):
        raise CorpusFormatError(
            f"{where}: field {field!r} must be a string, got {_type_name(value)}"
        )
    if not blank and (not value or value.isspace()):
        raise CorpusFormatError(
            f"{where}: field {field!r} must be a non-blank string, got {shown(value)}"
        )
    return value


def json_language(value: object, where: str, what: str) -> str:
    """A language code (see :func:`is_language_code`); ``what`` names it in the error."""
    if not is_language_code(value):
        got = shown(value) if isinstance(value, str) else _type_name(value)
        raise CorpusFormatError(f"{where}: {what} must be {_LANGUAGE_RULE}, got {got}")
    return value  # type: ignore[return-value]


def parse_rank(token: str, where: str, error: type[XqgError] = CorpusFormatError) -> int:
    """A rank column: ASCII digits, at least 1."""
    rank = int(token) if _RANK.fullmatch(token) else 0
    if rank < 1:
        raise error(f"{where}: expected a positive integer rank (ASCII digits), got {shown(token)}")
    return rank


def parse_score(token: str, where: str, error: type[XqgError] = CorpusFormatError) -> float:
    """A score column: a finite decimal number in ASCII."""
    value = float(token) if _SCORE.fullmatch(token) else math.nan
    if not math.isfinite(value):
        raise error(f"{where}: expected a finite score (a decimal number), got {shown(token)}")
    return value


def parse_relevance(token: str, where: str, error: type[XqgError] = CorpusFormatError) -> int:
    """A relevance column: an integer in ASCII digits, maybe negative."""
    if _RELEVANCE.fullmatch(token) is None:
        raise error(f"{where}: expected an integer relevance, got {shown(token)}")
    return int(token)
