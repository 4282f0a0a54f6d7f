"""Parallel questions (a non-English question and its English version), for distillation.

One question per line (optionally gzipped)::

    {"query_id": "q1", "language": "ja", "query": "...", "query_en": "..."}

``language`` is one of the seven XOR-TyDi codes of :mod:`xqg_pyserini.languages`
(never ``en``: the English side is ``query_en``); ``query_id`` may be a JSON
number and is read as a string, and is unique across the files.
:func:`read_parallel_questions` yields
:class:`~xqg_pyserini.training.examples.ParallelQuestion` records and stops at
the first malformed line with a :class:`~xqg_pyserini.errors.CorpusFormatError`
naming file and line; :func:`write_parallel_questions` writes the format.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from xqg_pyserini.data.json_lines import json_objects
from xqg_pyserini.errors import CorpusFormatError
from xqg_pyserini.languages import LANGUAGE_NAMES
from xqg_pyserini.training.data.files import FirstSeen, PathArg, resolve_jsonl_files, write_jsonl
from xqg_pyserini.training.examples import ParallelQuestion

__all__ = ["parse_parallel_record", "read_parallel_questions", "write_parallel_questions"]

_FIELDS = ("query_id", "language", "query", "query_en")
_EXPECTED = "a parallel-questions line has query_id, language, query, query_en"


def _type_name(value: object) -> str:
    return "null" if value is None else type(value).__name__


def parse_parallel_record(record: dict[str, Any], where: str) -> ParallelQuestion:
    """One parsed JSON line as a parallel question; ``where`` (``file:line``) names it.

    Raises
    ------
    CorpusFormatError
        On a missing, ill-typed or empty field, or a language that is not one
        of the seven XOR-TyDi codes.
    """
    for field in _FIELDS:
        if field not in record:
            raise CorpusFormatError(f"{where}: missing field {field!r} ({_EXPECTED})")
    query_id = record["query_id"]
    if isinstance(query_id, bool) or not isinstance(query_id, (str, int)) or query_id == "":
        raise CorpusFormatError(
            f"{where}: field 'query_id' must be a non-empty string or integer, "
            f"got {_type_name(query_id)}"
        )
    for field in ("language", "query", "query_en"):
        value = record[field]
        if not isinstance(value, str) or not value.strip():
            got = repr(value) if isinstance(value, str) else _type_name(value)
            raise CorpusFormatError(
                f"{where}: field {field!r} must be a non-empty string, got {got}"
            )
    language = record["language"]
    if language not in LANGUAGE_NAMES:
        raise CorpusFormatError(
            f"{where}: language {language!r} is not one of {', '.join(LANGUAGE_NAMES)} "
            "(the non-English side of the pair; English goes in query_en)"
        )
    return ParallelQuestion(str(query_id), language, record["query"], record["query_en"])


def read_parallel_questions(paths: PathArg) -> Iterator[ParallelQuestion]:
    """Stream the parallel questions of JSONL(.gz) files (files, directories, glob patterns).

    Raises
    ------
    FileNotFoundError
        If a path matches no file.
    CorpusFormatError
        On a malformed line, or a ``query_id`` seen before (both places named).
    """
    seen = FirstSeen("query_id")
    for path in resolve_jsonl_files(paths, "parallel questions"):
        for where, record in json_objects(path):
            question = parse_parallel_record(record, where)
            seen.add(question.query_id, where)
            yield question


def write_parallel_questions(
    questions: Iterable[ParallelQuestion], path: str | Path, *, overwrite: bool = False
) -> int:
    """Write parallel questions as JSONL (gzipped if ``path`` ends in ``.gz``); returns the count.

    Raises
    ------
    OutputExistsError
        If ``path`` exists and ``overwrite`` is false.
    ValueError
        On a language outside the seven codes or a repeated query id (nothing
        is written then).
    """
    seen: set[str] = set()

    def records() -> Iterator[dict[str, str]]:
        for question in questions:
            if question.language not in LANGUAGE_NAMES:
                raise ValueError(
                    f"question {question.query_id!r}: language {question.language!r} is not "
                    f"one of {', '.join(LANGUAGE_NAMES)}"
                )
            if question.query_id in seen:
                raise ValueError(f"query_id {question.query_id!r} appears twice")
            seen.add(question.query_id)
            yield dict(zip(_FIELDS, question, strict=True))

    return write_jsonl(records(), path, overwrite=overwrite)
