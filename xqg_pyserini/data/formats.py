"""Streaming readers for the published XOR-Retrieve file formats.

* DPR-style corpus TSV (``enwiki_20190201_w100.tsv``, ``psgs_w100.tsv``): in
  :mod:`.dpr_tsv` (re-exported here).
* XOR queries JSONL: one object per line with ``id``, ``question``, ``lang`` and
  ``answers`` (a list of strings; the test split has none).
* TREC qrels: ``qid iteration docid relevance`` per line.

Every reader streams (one record in memory at a time), takes its lines from
:func:`~xqg_pyserini.data.lines.read_lines` (``.gz`` decompressed on the fly,
UTF-8, a leading byte-order mark dropped, blank lines skipped), checks fields
with the shared rules of :mod:`.fields`, and raises :class:`CorpusFormatError`
as ``path:line: what was expected`` on malformed input. Standard library only.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from xqg_pyserini.data.dpr_tsv import DPR_TSV_HEADER, read_dpr_tsv
from xqg_pyserini.data.fields import (
    column_id,
    json_id,
    json_language,
    json_string,
    parse_relevance,
)
from xqg_pyserini.data.json_lines import json_objects
from xqg_pyserini.data.lines import read_lines
from xqg_pyserini.data.records import TrecQrel, XorQuery
from xqg_pyserini.errors import CorpusFormatError

__all__ = ["DPR_TSV_HEADER", "read_dpr_tsv", "read_trec_qrels", "read_xor_queries"]


def _answers(record: dict[str, Any], where: str, required: bool) -> tuple[str, ...]:
    if "answers" not in record or record["answers"] is None:
        if required:
            raise CorpusFormatError(f"{where}: missing field 'answers' (a list of strings)")
        return ()
    value = record["answers"]
    if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
        raise CorpusFormatError(f"{where}: field 'answers' must be a list of strings")
    if required and not value:
        raise CorpusFormatError(f"{where}: field 'answers' must hold at least one answer, got []")
    return tuple(value)


def _query(record: dict[str, Any], where: str, require_answers: bool) -> XorQuery:
    for field in ("id", "question", "lang"):
        if field not in record:
            raise CorpusFormatError(f"{where}: missing field {field!r}")
    return XorQuery(
        json_id(record["id"], where, "id"),
        json_string(record["question"], where, "question", blank=False),
        json_language(record["lang"], where, "field 'lang'"),
        _answers(record, where, require_answers),
    )


def read_xor_queries(path: str | Path, *, require_answers: bool = False) -> Iterator[XorQuery]:
    """Yield the questions of an XOR-TyDi JSONL(.gz) file in file order.

    Parameters
    ----------
    path : str or Path
        One JSON object per line: ``id``, ``question``, ``lang``, and ``answers``
        (absent in the test split). Other fields are ignored.
    require_answers : bool
        Treat a line without ``answers``, or with ``[]``, as malformed (train
        and dev files).

    Yields
    ------
    XorQuery
        ``(query_id, text, language, answers)``; ``answers`` is ``()`` when absent
        (or null). The id is a string or a JSON integer (read as its digits) and
        an id (:func:`~xqg_pyserini.data.fields.id_problem`); the question is
        non-blank; ``lang`` is a language code.

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
        query = _query(record, where, require_answers)
        if query.query_id in seen:
            raise CorpusFormatError(
                f"{where}: expected unique ids, got id {query.query_id!r} repeated"
            )
        seen.add(query.query_id)
        yield query


def read_trec_qrels(path: str | Path) -> Iterator[TrecQrel]:
    """Yield the judgements of a TREC qrels file(.gz): ``qid iteration docid relevance``.

    Columns are separated by whitespace. The iteration column is kept as it
    is and not checked (``0`` and ``Q0`` are both common; trec_eval ignores
    it). qid and docid are ids (:func:`~xqg_pyserini.data.fields.id_problem`);
    the relevance is an integer in ASCII digits, maybe negative.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    CorpusFormatError
        On a line without 4 columns, a bad id, a relevance that is not an
        integer, or a repeated (qid, docid) pair (file and line named).
    """
    seen: set[tuple[str, str]] = set()
    for line in read_lines(path):
        where = line.where
        columns = line.text.split()
        if len(columns) != 4:
            raise CorpusFormatError(
                f"{where}: expected 4 columns 'qid iteration docid relevance', got {len(columns)}"
            )
        query_id, iteration, doc_id, relevance = columns
        column_id(query_id, where, "qid")
        column_id(doc_id, where, "docid")
        grade = parse_relevance(relevance, where)
        if (query_id, doc_id) in seen:
            raise CorpusFormatError(f"{where}: expected one judgement per (qid, docid) pair")
        seen.add((query_id, doc_id))
        yield TrecQrel(query_id, doc_id, grade, iteration)
