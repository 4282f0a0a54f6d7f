"""Export ir_datasets questions and passages in the formats Pyserini's tools read.

- :func:`export_topics`: Pyserini's topics TSV (``qid<TAB>question``), one file
  for all languages and one per language.
- :func:`export_collection`: a Pyserini JSON collection (``docsNN.jsonl`` with
  ``id``, ``contents``, ``title``, ``text``, and ``generated_queries`` when joined
  with generated questions) for ``pyserini.index.lucene`` (``JsonCollection``) and
  ``pyserini.encode`` (``--fields title text``); it lives in
  :mod:`xqg_pyserini.data.collection` and is re-exported here.
- :func:`export_answers`: ``{"id", "lang", "answers"}`` per question, for R@kt.

Every output appears complete or not at all (temporary name, then rename), and
an existing output is only replaced with ``overwrite=True``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from xqg_pyserini.atomic import atomic_file
from xqg_pyserini.data.collection import (
    COLLECTION_SHARD_SIZE,
    collection_record,
    export_collection,
    generated_queries_field,
)
from xqg_pyserini.data.fields import id_problem
from xqg_pyserini.errors import DatasetError, OutputExistsError
from xqg_pyserini.irds.load import load_dataset

__all__ = [
    "COLLECTION_SHARD_SIZE",
    "collection_record",
    "dataset_queries",
    "export_answers",
    "export_collection",
    "export_topics",
    "generated_queries_field",
    "resolve_dataset",
    "tsv_safe",
]

_LANGUAGE_CODE = re.compile(r"[A-Za-z0-9_-]+")
# Tabs and every character str.splitlines() breaks on (readers of TSV split on
# some), and NUL, which no text reader of ours accepts (data/lines.py).
_TSV_BREAKERS = re.compile("[\t\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029\x00]")


def tsv_safe(text: str) -> str:
    """``text`` with tabs, line breaks and NUL replaced by spaces, fit for one TSV field."""
    return _TSV_BREAKERS.sub(" ", text)


def resolve_dataset(dataset: str | Any) -> tuple[Any, str]:
    """``(dataset, id)`` from an ir_datasets id or an already loaded dataset."""
    if isinstance(dataset, str):
        return load_dataset(dataset), dataset
    dataset_id = dataset.dataset_id() if hasattr(dataset, "dataset_id") else repr(dataset)
    return dataset, dataset_id


def dataset_queries(dataset: Any, dataset_id: str, need: Iterable[str] = ()) -> list[Any]:
    """The questions of a loaded dataset, checked: ids unique and usable, ``need`` fields present.

    Raises
    ------
    DatasetError
        If the dataset has no questions, lacks a field of ``need``, or an id repeats
        or is not an id (:func:`~xqg_pyserini.data.fields.id_problem`: empty,
        or holding whitespace, a control character or a byte-order mark).
    """
    if not dataset.has_queries():
        raise DatasetError(f"dataset {dataset_id!r} provides no questions (queries)")
    fields = dataset.queries_cls()._fields
    for name in need:
        if name not in fields:
            raise DatasetError(
                f"dataset {dataset_id!r}: its questions have no field {name!r} "
                f"(fields: {', '.join(fields)})"
            )
    queries, seen = [], set()
    for query in dataset.queries_iter():
        if query.query_id in seen:
            raise DatasetError(f"dataset {dataset_id!r}: question id {query.query_id!r} repeats")
        problem = id_problem(str(query.query_id))
        if problem is not None:
            raise DatasetError(
                f"dataset {dataset_id!r}: unusable question id {query.query_id!r} ({problem})"
            )
        seen.add(query.query_id)
        queries.append(query)
    if not queries:
        raise DatasetError(f"dataset {dataset_id!r} has no questions")
    return queries


def _refuse_existing(paths: Iterable[Path], overwrite: bool) -> None:
    existing = [str(p) for p in paths if p.exists()]
    if existing and not overwrite:
        raise OutputExistsError(f"{', '.join(existing)} exists; pass --overwrite to replace it")


def export_topics(dataset: str | Any, output: Path, *, overwrite: bool = False) -> dict[str, int]:
    """Write ``topics.all.tsv`` and ``topics.{lang}.tsv`` into ``output``.

    ``dataset`` is an ir_datasets id or a loaded dataset, as for :func:`export_answers`.

    Questions keep the dataset's order; their language is the ``language`` field
    when the questions have one, else the dataset's ``queries_lang()`` (if
    neither, only ``topics.all.tsv`` is written).

    Returns
    -------
    dict[str, int]
        Questions per file name.

    Raises
    ------
    DatasetError
        If the dataset has no questions, a question id repeats or is not an id,
        or a question is blank (what :func:`~xqg_pyserini.data.topics.read_topics_tsv`
        would refuse).
    OutputExistsError
        If one of the files exists and ``overwrite`` is false.
    """
    dataset, dataset_id = resolve_dataset(dataset)
    queries = dataset_queries(dataset, dataset_id)
    default_lang = dataset.queries_lang()
    by_file: dict[str, list[Any]] = {"topics.all.tsv": queries}
    for query in queries:
        if not tsv_safe(query.text).strip():
            raise DatasetError(f"dataset {dataset_id!r}: question {query.query_id!r} is blank")
        lang = getattr(query, "language", None) or default_lang
        if lang is None:
            continue
        if not _LANGUAGE_CODE.fullmatch(lang):
            raise DatasetError(f"question {query.query_id!r}: unusable language code {lang!r}")
        by_file.setdefault(f"topics.{lang}.tsv", []).append(query)
    _refuse_existing((output / name for name in by_file), overwrite)
    for name, subset in by_file.items():
        with atomic_file(output / name) as handle:
            for query in subset:
                handle.write(f"{query.query_id}\t{tsv_safe(query.text)}\n")
    return {name: len(subset) for name, subset in by_file.items()}


def export_answers(dataset: str | Any, output: Path, *, overwrite: bool = False) -> int:
    """Write ``{"id", "lang", "answers"}`` per question, one JSON object a line.

    Returns the number of questions written (all of them, answers or not).

    Raises
    ------
    DatasetError
        If the questions have no ``answers`` or ``language`` field, or no
        question has an answer (a test split).
    OutputExistsError
        If ``output`` exists and ``overwrite`` is false.
    """
    dataset, dataset_id = resolve_dataset(dataset)
    queries = dataset_queries(dataset, dataset_id, need=("answers", "language"))
    if not any(query.answers for query in queries):
        raise DatasetError(f"dataset {dataset_id!r}: no question has an answer (a test split?)")
    _refuse_existing([output], overwrite)
    with atomic_file(output) as handle:
        for query in queries:
            record = {"id": query.query_id, "lang": query.language, "answers": list(query.answers)}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return len(queries)
