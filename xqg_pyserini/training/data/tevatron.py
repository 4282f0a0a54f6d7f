"""Tevatron's JSONL training format, read as a stream and written atomically.

One training query per line (optionally gzipped)::

    {"query_id": "q1", "query": "...", "answers": ["..."],
     "positive_passages": [{"docid": "7", "title": "...", "text": "..."}],
     "negative_passages": [{"docid": "9", "title": "...", "text": "..."}, ...]}

``answers`` may be absent or null; a passage's ``title`` may be absent or null
(read as ""); ids may be JSON numbers, as in Tevatron's published files, and
are read as strings. Every line must have at least one positive passage.
:func:`read_tevatron` yields :class:`~xqg_pyserini.training.examples.TrainingExample`
records and stops at the first malformed line with a
:class:`~xqg_pyserini.errors.CorpusFormatError` that names file and line;
:func:`write_tevatron` writes the same format.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from xqg_pyserini.data.json_lines import json_objects
from xqg_pyserini.errors import CorpusFormatError
from xqg_pyserini.training.data.files import FirstSeen, PathArg, resolve_jsonl_files, write_jsonl
from xqg_pyserini.training.examples import TrainingExample, TrainingPassage

__all__ = [
    "example_record",
    "parse_training_record",
    "read_tevatron",
    "tevatron_files",
    "write_tevatron",
]

_REQUIRED = ("query_id", "query", "positive_passages", "negative_passages")
_EXPECTED = "a Tevatron training line has query_id, query, positive_passages, negative_passages"


def _type_name(value: object) -> str:
    return "null" if value is None else type(value).__name__


def _id(value: object, where: str, field: str) -> str:
    # bool is an int to Python, but never an id
    if isinstance(value, bool) or not isinstance(value, (str, int)) or str(value) == "":
        raise CorpusFormatError(
            f"{where}: field {field!r} must be a non-empty string or integer, "
            f"got {_type_name(value)}"
        )
    return str(value)


def _passage(value: object, where: str) -> TrainingPassage:
    if not isinstance(value, dict):
        raise CorpusFormatError(
            f"{where} must be an object {{docid, title, text}}, got {_type_name(value)}"
        )
    if "docid" not in value or "text" not in value:
        missing = "docid" if "docid" not in value else "text"
        raise CorpusFormatError(f"{where} lacks field {missing!r}; expected {{docid, title, text}}")
    docid = _id(value["docid"], where, "docid")
    title, text = value.get("title") or "", value["text"]
    if not isinstance(title, str) or not isinstance(text, str):
        field = "text" if not isinstance(text, str) else "title"
        got = _type_name(value[field])
        raise CorpusFormatError(f"{where}: field {field!r} must be a string, got {got}")
    return TrainingPassage(docid, title, text)


def _passages(record: dict[str, Any], field: str, where: str) -> tuple[TrainingPassage, ...]:
    value = record[field]
    if not isinstance(value, list):
        raise CorpusFormatError(
            f"{where}: field {field!r} must be a list of passages, got {_type_name(value)}"
        )
    return tuple(_passage(item, f"{where}: {field}[{i}]") for i, item in enumerate(value))


def _answers(value: object, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
        raise CorpusFormatError(f"{where}: field 'answers' must be a list of strings")
    return tuple(value)


def parse_training_record(record: dict[str, Any], where: str) -> TrainingExample:
    """One parsed JSON line as a training example; ``where`` (``file:line``) names it in errors.

    Raises
    ------
    CorpusFormatError
        On a missing or ill-typed field, or a query without positive passages.
    """
    for field in _REQUIRED:
        if field not in record:
            raise CorpusFormatError(f"{where}: missing field {field!r} ({_EXPECTED})")
    query_id = _id(record["query_id"], where, "query_id")
    query = record["query"]
    if not isinstance(query, str):
        raise CorpusFormatError(f"{where}: field 'query' must be a string, got {_type_name(query)}")
    positives = _passages(record, "positive_passages", where)
    if not positives:
        raise CorpusFormatError(
            f"{where}: query {query_id!r} has no positive_passages; every training query needs one"
        )
    negatives = _passages(record, "negative_passages", where)
    answers = _answers(record.get("answers"), where)
    return TrainingExample(query_id, query, positives, negatives, answers)


def tevatron_files(paths: PathArg) -> list[Path]:
    """The JSONL(.gz) files that ``paths`` names (files, directories, glob patterns), sorted.

    Raises
    ------
    FileNotFoundError
        If a path matches no file.
    """
    return resolve_jsonl_files(paths, "training data")


def read_tevatron(paths: PathArg) -> Iterator[TrainingExample]:
    """Stream the training examples of Tevatron JSONL(.gz) files, file by file in sorted order.

    Raises
    ------
    FileNotFoundError
        If a path matches no file.
    CorpusFormatError
        On a line that is not a JSON object, lacks a field or has one of the
        wrong type, has no positive passage, or repeats a ``query_id`` (in any
        of the files; both places are named).
    """
    seen = FirstSeen("query_id")
    for path in tevatron_files(paths):
        for where, record in json_objects(path):
            example = parse_training_record(record, where)
            seen.add(example.query_id, where)
            yield example


def _passage_record(passage: TrainingPassage) -> dict[str, str]:
    return {"docid": passage.docid, "title": passage.title, "text": passage.text}


def example_record(example: TrainingExample) -> dict[str, Any]:
    """The JSON object of one Tevatron line (``answers`` always written, maybe empty).

    Raises
    ------
    ValueError
        If the example has an empty query id or no positive passage.
    """
    if not example.query_id:
        raise ValueError(f"training example with an empty query_id: {example.query!r}")
    if not example.positives:
        raise ValueError(f"training example {example.query_id!r} has no positive passage")
    return {
        "query_id": example.query_id,
        "query": example.query,
        "answers": list(example.answers),
        "positive_passages": [_passage_record(p) for p in example.positives],
        "negative_passages": [_passage_record(p) for p in example.negatives],
    }


def write_tevatron(
    examples: Iterable[TrainingExample], path: str | Path, *, overwrite: bool = False
) -> int:
    """Write examples as Tevatron JSONL (gzipped if ``path`` ends in ``.gz``); returns the count.

    ``examples`` may be a generator: it is consumed once, line by line, into a
    temporary sibling that replaces ``path`` only when complete.

    Raises
    ------
    OutputExistsError
        If ``path`` exists and ``overwrite`` is false.
    ValueError
        If an example has no positive passage or repeats a query id (nothing is
        written then).
    """
    seen: set[str] = set()

    def records() -> Iterator[dict[str, Any]]:
        for example in examples:
            if example.query_id in seen:
                raise ValueError(f"query_id {example.query_id!r} appears twice")
            seen.add(example.query_id)
            yield example_record(example)

    return write_jsonl(records(), path, overwrite=overwrite)
