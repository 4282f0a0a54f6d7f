"""Strict JSON for JSON-lines files: one object per line, read through :mod:`.lines`.

Python's ``json`` accepts more than JSON and fails in ways that name no line;
:func:`parse_json_object` closes those gaps, for the fields a reader uses and
the ones it ignores alike, each as a one-line ``path:line: not valid JSON (...)``:

* ``NaN``, ``Infinity`` and ``-Infinity`` (not JSON) and numbers out of the
  float range (``1e999``, which Python would read as infinity) are refused;
* a key given twice in one object is refused (Python keeps the last);
* ``\\ud800``-style escapes that leave an unpaired surrogate are refused (such
  a string cannot be written back as UTF-8);
* an integer longer than Python's limit (4,300 digits by default) and nesting
  deeper than :data:`MAX_DEPTH` levels are reported instead of raising a bare
  ``ValueError`` or ``RecursionError``.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from xqg_pyserini.data.lines import read_lines, shown
from xqg_pyserini.errors import CorpusFormatError

__all__ = ["MAX_DEPTH", "json_objects", "parse_json_object"]

#: Deepest nesting of arrays and objects accepted in a line (the formats need 3).
MAX_DEPTH = 200

# A string token (escapes included) or one bracket: counts nesting outside strings.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class _Refused(ValueError):
    """Raised inside the decoder's hooks; becomes the line's error."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    record = dict(pairs)
    if len(record) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Refused(f"duplicate key {shown(key)}")
            seen.add(key)
    return record


def _constant(name: str) -> Any:
    raise _Refused(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"number {shown(text)} is out of range")
    return value


def _too_deep(text: str) -> bool:
    """Whether ``text`` nests arrays and objects deeper than :data:`MAX_DEPTH`."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return False
    depth = 0
    for token in _TOKENS.finditer(text):
        bracket = token.group()
        if bracket in ("[", "{"):
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif bracket in ("]", "}"):
            depth -= 1
    return False


def _unpaired_surrogate(value: Any) -> str | None:
    """The first string (key or value) of ``value`` holding an unpaired surrogate."""
    if isinstance(value, str):
        match = _SURROGATE.search(value)
        return match.group() if match else None
    if isinstance(value, dict):
        value = [item for pair in value.items() for item in pair]
    if isinstance(value, list):
        for item in value:
            found = _unpaired_surrogate(item)
            if found is not None:
                return found
    return None


def _loads(text: str) -> Any:
    """``json.loads`` with the checks of the module docstring; raises ``_Refused``."""
    if _too_deep(text):
        raise _Refused(f"nested deeper than {MAX_DEPTH} levels")
    try:
        value = json.loads(
            text,
            object_pairs_hook=_unique_keys,
            parse_constant=_constant,
            parse_float=_finite,
        )
    except RecursionError:
        raise _Refused(f"nested deeper than {MAX_DEPTH} levels") from None
    except (json.JSONDecodeError, _Refused):
        raise
    except ValueError:  # only int() raises it: a number past the digit limit
        limit = getattr(sys, "get_int_max_str_digits", lambda: 4300)()
        raise _Refused(f"an integer of more than {limit} digits") from None
    if _SURROGATE_ESCAPE.search(text):
        surrogate = _unpaired_surrogate(value)
        if surrogate is not None:
            raise _Refused(f"unpaired surrogate {shown(surrogate)} in a string")
    return value


def parse_json_object(text: str, where: str, hint: str = "") -> dict[str, Any]:
    """Parse one line that must hold a JSON object; ``hint`` is appended to a JSON error.

    Raises
    ------
    CorpusFormatError
        ``where: not valid JSON (...)`` or ``where: expected a JSON object, got list``.
    """
    try:
        record = _loads(text)
    except json.JSONDecodeError as exc:
        raise CorpusFormatError(f"{where}: not valid JSON ({exc.msg}){hint}") from None
    except _Refused as exc:
        raise CorpusFormatError(f"{where}: not valid JSON ({exc}){hint}") from None
    if not isinstance(record, dict):
        raise CorpusFormatError(f"{where}: expected a JSON object, got {type(record).__name__}")
    return record


def json_objects(path: str | Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield ``(where, object)`` for each non-blank line of a JSONL(.gz) file.

    Raises
    ------
    FileNotFoundError
        If ``path`` is not a file.
    CorpusFormatError
        On damage found by :func:`~xqg_pyserini.data.lines.read_lines` or a
        line that is not a strict JSON object (file and line named).
    """
    for line in read_lines(path):
        yield line.where, parse_json_object(line.text, line.where)
