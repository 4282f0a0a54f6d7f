"""ranx ``Run`` and ``Qrels`` built and read in rank order.

Every metric here reads a run in rank order (R@kt reads passages in that order
until it holds k tokens). ranx keeps a run as ``{qid: {docid: score}}`` and sorts
each question's docids by score with an unstable sort, so scores that tie (as
printed scores often do) would not keep a file's order. :func:`ranked_run`
therefore scores a ranking of n docids n, n - 1, ..., 1: ranx's sort then
reproduces the order exactly, and :func:`ranked_docids` reads it back. The
file's own scores are not kept; no metric here reads them.

ranx cannot build a ``Run`` or ``Qrels`` from a dict without a single docid;
:func:`ranked_run` and :func:`to_qrels` also build those (questions with nothing
ranked or nothing relevant), as ranx's own ``make_comparable`` does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from xqg_pyserini.errors import XqgError

if TYPE_CHECKING:
    from ranx import Qrels, Run

__all__ = [
    "RankingError",
    "checked_rankings",
    "ranked_docids",
    "ranked_run",
    "run_docids",
    "to_qrels",
]


class RankingError(XqgError, ValueError):
    """A ranking that is not a list of distinct docids."""


def checked_rankings(
    rankings: Mapping[str, Sequence[str]], error: type[Exception] = RankingError
) -> dict[str, list[str]]:
    """``{qid: [docid, ...]}`` as lists, checked: no bare str, no docid twice.

    Raises
    ------
    error
        For a question whose ranking is a str or ranks a docid twice.
    """
    checked = {}
    for qid, docids in rankings.items():
        if isinstance(docids, str):
            raise error(f"run of question {qid!r} must be a list of docids, not a str")
        ranked = list(docids)
        if len(set(ranked)) != len(ranked):
            raise error(f"run of question {qid!r} ranks a docid twice")
        checked[qid] = ranked
    return checked


def ranked_run(rankings: Mapping[str, Sequence[str]], *, name: str | None = None) -> Run:
    """A ranx ``Run`` of ``{qid: [docid, ...]}`` (best first) that keeps that order.

    A ranking of n docids gets the scores n, n - 1, ..., 1. A question with an
    empty ranking is kept (it scores as a miss).

    Raises
    ------
    RankingError
        For a ranking that is a str or ranks a docid twice.
    """
    from ranx import Run
    from ranx.data_structures.generic import create_empty_results_dict

    scored = {
        qid: {docid: float(len(docids) - rank) for rank, docid in enumerate(docids)}
        for qid, docids in checked_rankings(rankings).items()
    }
    if any(scored.values()):
        return Run.from_dict(scored, name=name)
    run = Run(name=name)
    for qid in sorted(scored):
        run.run[qid] = create_empty_results_dict()
    return run


def ranked_docids(run: Run) -> dict[str, list[str]]:
    """``{qid: [docid, ...]}`` of a ranx ``Run``, best first, questions in the run's order.

    Docids are in ranx's order: by score, highest first, equal scores as ranx's
    (unstable) sort left them. A run from :func:`ranked_run` or
    :func:`~xqg_pyserini.eval.run_file.read_run` has no equal scores, so this is
    exactly the order it was built from. The run is not changed.

    Raises
    ------
    TypeError
        For anything but a ranx ``Run``.
    """
    from ranx import Run

    if not isinstance(run, Run):
        raise TypeError(
            f"expected a ranx.Run, got {type(run).__name__}; read a TREC file with "
            "read_run() or build a Run from {qid: [docid, ...]} with ranked_run()"
        )
    from ranx.data_structures.common import sort_dict_of_dict_by_value

    # ranx keeps each question's docids sorted by score (once sorted: as ranx
    # itself sorts before evaluating), so their order is the ranking; reading the
    # scores back would cost a numba lookup per docid.
    results = run.run if run.sorted else sort_dict_of_dict_by_value(run.run)
    return {qid: list(results[qid].keys()) for qid in results.keys()}  # noqa: SIM118


def run_docids(run: Run) -> set[str]:
    """Every docid ``run`` ranks, for any question."""
    return {docid for results in run.run.values() for docid in results.keys()}  # noqa: SIM118


def to_qrels(judgements: Mapping[str, Mapping[str, int]]) -> Qrels:
    """A ranx ``Qrels`` of ``{qid: {docid: relevance}}``, questions without a docid kept.

    A judged question with nothing relevant (``{}``) stays in the qrels, so that
    a metric scores it 0 rather than leaving it out.
    """
    from numba import types
    from numba.typed import Dict as TypedDict
    from ranx import Qrels

    plain = {
        qid: {str(docid): int(rel) for docid, rel in docs.items()}
        for qid, docs in judgements.items()
    }
    if any(plain.values()):
        return Qrels.from_dict(plain)
    qrels = Qrels()
    for qid in sorted(plain):
        qrels.qrels[qid] = TypedDict.empty(key_type=types.unicode_type, value_type=types.int64)
    return qrels
