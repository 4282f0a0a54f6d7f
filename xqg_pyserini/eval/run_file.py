"""Reader for TREC run files as Pyserini writes them, into hits or a ranx ``Run``.

``qid Q0 docid rank score tag`` per line, whitespace separated: the second
column is exactly ``Q0`` (as Pyserini, Anserini, ranx and trec_eval's own
documentation write it), qid and docid are ids
(:func:`~xqg_pyserini.data.fields.id_problem`), the rank is a positive integer
and the score a finite number, both in ASCII (see :mod:`xqg_pyserini.data.fields`);
the tag is not checked. Lines come from
:func:`~xqg_pyserini.data.lines.read_lines` (UTF-8, ``.gz`` too, a leading
byte-order mark dropped, CRLF accepted, blank lines skipped).

:func:`read_trec_run` keeps every hit in the file's order (Pyserini writes by
rank); :func:`read_run`, the evaluation's reader, gives a ranx ``Run`` in the
file's rank order (see :mod:`~xqg_pyserini.eval.rankings` for why its scores
are made from ranks). Every line is checked, and an error names file and line.
"""

from __future__ import annotations

from collections.abc import Container
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from xqg_pyserini.data.fields import column_id, parse_rank, parse_score
from xqg_pyserini.data.lines import read_lines, shown
from xqg_pyserini.errors import XqgError
from xqg_pyserini.eval.rankings import ranked_run

if TYPE_CHECKING:
    from ranx import Run

__all__ = ["Hit", "RunFormatError", "read_run", "read_trec_run"]


class RunFormatError(XqgError, ValueError):
    """A run file line that is not ``qid Q0 docid rank score tag``."""


class Hit(NamedTuple):
    doc_id: str
    rank: int
    score: float


def _parse(line: str, where: str) -> tuple[str, Hit]:
    fields = line.split()
    if len(fields) != 6:
        raise RunFormatError(
            f"{where}: expected 6 columns 'qid Q0 docid rank score tag', got {len(fields)}"
        )
    qid, q0, doc_id, rank, score, _ = fields
    column_id(qid, where, "qid", RunFormatError)
    if q0 != "Q0":
        raise RunFormatError(f"{where}: expected 'Q0' in column 2, got {shown(q0)}")
    column_id(doc_id, where, "docid", RunFormatError)
    return qid, Hit(
        doc_id, parse_rank(rank, where, RunFormatError), parse_score(score, where, RunFormatError)
    )


def read_trec_run(
    path: str | Path, *, known_docids: Container[str] | None = None
) -> dict[str, list[Hit]]:
    """Read a run into ``{qid: [Hit, ...]}`` in file order.

    With ``known_docids`` (e.g. the passages of the corpus), a docid not in it is
    an error naming its line.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    RunFormatError
        On a malformed line, a docid repeated within one query or a docid not in
        ``known_docids`` (file and line named).
    """
    run: dict[str, list[Hit]] = {}
    seen: set[tuple[str, str]] = set()
    for line in read_lines(path, error=RunFormatError):
        where = line.where
        qid, hit = _parse(line.text, where)
        if known_docids is not None and hit.doc_id not in known_docids:
            raise RunFormatError(
                f"{where}: docid {hit.doc_id!r} (question {qid!r}) is not in the corpus"
            )
        if (qid, hit.doc_id) in seen:
            raise RunFormatError(f"{where}: docid {hit.doc_id!r} appears twice for {qid!r}")
        seen.add((qid, hit.doc_id))
        run.setdefault(qid, []).append(hit)
    return run


def read_run(
    path: str | Path, *, known_docids: Container[str] | None = None, name: str | None = None
) -> Run:
    """Read a run into a ranx ``Run`` that keeps the file's rank order.

    Hits are ordered by their rank column, equal ranks in the file's order, and
    scored n, n - 1, ..., 1 (:func:`~xqg_pyserini.eval.rankings.ranked_run`), so
    ties in the file's scores cannot reorder them.

    Raises
    ------
    RunFormatError
        As :func:`read_trec_run`.
    """
    hits = read_trec_run(path, known_docids=known_docids)
    rankings = {
        qid: [hit.doc_id for hit in sorted(ranked, key=attrgetter("rank"))]
        for qid, ranked in hits.items()
    }
    return ranked_run(rankings, name=name)
