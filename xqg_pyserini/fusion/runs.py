"""TREC runs in and out of ranx: read and check them, fuse or optimise with ranx, write.

Runs are read with :func:`~xqg_pyserini.eval.read_trec_run` and kept as a
:class:`RunSet`. ranx fuses only runs with the same questions, so each run is
given an empty ranking for a question it lacks (a BM25 run may match nothing):
such a question is fused from the runs that have it. Methods that use ranks
only get scores made from the file's ranks, so ties in the printed scores keep
the file's order; score-based methods get the file's scores.
"""

from __future__ import annotations

import warnings
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xqg_pyserini.fusion.methods import (
    FusionError,
    applied_norm,
    check_search_options,
    get_method,
    ranx_params,
    search_options,
)

if TYPE_CHECKING:
    from ranx import Qrels, Run

    from xqg_pyserini.eval.run_file import Hit

__all__ = [
    "Optimisation",
    "RunSet",
    "dataset_question_ids",
    "fuse_runs",
    "optimise_fusion",
    "read_runs",
    "training_qrels",
    "write_trec_run",
]


@dataclass(frozen=True)
class RunSet:
    """Named TREC runs of one dataset, read and checked.

    Attributes
    ----------
    dataset : str
        The ir_datasets id whose questions the runs answer.
    paths : dict
        ``{name: run file}``, in the order given.
    hits : dict
        ``{name: {qid: [Hit, ...]}}``, hits in rank order.
    """

    dataset: str
    paths: dict[str, Path]
    hits: dict[str, dict[str, list[Hit]]]

    def question_ids(self) -> list[str]:
        """Every question of any run: the first run's in its order, then new ones of the next."""
        return list(dict.fromkeys(qid for ranking in self.hits.values() for qid in ranking))


@dataclass(frozen=True)
class Optimisation:
    """Parameters ranx chose on training runs, and what they score there.

    Attributes
    ----------
    params : dict
        The parameters ``ranx.optimize_fusion`` returned (e.g. ``{"weights": ...}``).
    metric : str
        The ranx metric optimised.
    value : float
        Its mean over ``questions`` for the training runs fused with ``params``.
    questions : int
        Training questions with relevance judgements that the runs answer.
    """

    params: dict[str, Any]
    metric: str
    value: float
    questions: int


def dataset_question_ids(dataset_id: str) -> set[str]:
    """The question ids of an ir_datasets id (any split, with or without answers).

    Raises
    ------
    DatasetError
        For an unknown id or a dataset without questions.
    """
    from xqg_pyserini.data.export import dataset_queries
    from xqg_pyserini.irds.load import load_dataset

    dataset = load_dataset(dataset_id)
    return {str(q.query_id) for q in dataset_queries(dataset, dataset_id)}


def read_runs(paths: Mapping[str, Path], dataset_id: str, question_ids: Collection[str]) -> RunSet:
    """Read TREC runs and check that they answer questions of ``dataset_id``.

    Raises
    ------
    RunFormatError
        On a malformed line or a docid repeated for one question (file and line named).
    FusionError
        For a run without hits, or a question id not in ``question_ids`` (the file,
        the id and the dataset named).
    """
    from xqg_pyserini.eval.run_file import read_trec_run

    hits: dict[str, dict[str, list[Hit]]] = {}
    for name, path in paths.items():
        run = read_trec_run(path)
        if not run:
            raise FusionError(f"{path}: the run has no hits")
        foreign = [qid for qid in run if qid not in question_ids]
        if foreign:
            more = f" (and {len(foreign) - 1} more of its {len(run)})" if len(foreign) > 1 else ""
            raise FusionError(
                f"{path}: question {foreign[0]!r}{more} is not a question of {dataset_id}; "
                "do the runs belong to another dataset?"
            )
        hits[name] = {qid: sorted(run_hits, key=lambda h: h.rank) for qid, run_hits in run.items()}
    return RunSet(dataset_id, dict(paths), hits)


def _ranx_runs(runs: RunSet, ranks_only: bool, question_ids: list[str]) -> list[Run]:
    from ranx import Run

    out = []
    for name, ranking in runs.hits.items():
        table: dict[str, dict[str, float]] = {}
        for qid in question_ids:
            hits = ranking.get(qid, [])
            if ranks_only:
                # ranx re-sorts by score with an unstable sort: distinct scores keep file order
                table[qid] = {h.doc_id: float(len(hits) - i) for i, h in enumerate(hits)}
            else:
                table[qid] = {h.doc_id: h.score for h in hits}
        out.append(Run.from_dict(table, name=name))
    return out


def fuse_runs(
    runs: RunSet,
    method: str,
    norm: str | None,
    params: Mapping[str, Any],
    question_ids: list[str] | None = None,
) -> Run:
    """Fuse ``runs`` with ``ranx.fuse`` (``norm`` is not applied for rank-only methods).

    Parameters
    ----------
    runs : RunSet
        Two or more runs.
    method, norm : str
        ranx's names (``"rrf"``, ``"min-max"``; ``"none"`` or None: raw scores).
    params : mapping
        The method's parameters, JSON-style (lists, not arrays), already checked.
    question_ids : list of str, optional
        The questions to fuse (default: every question of any run).

    Raises
    ------
    FusionError
        If ranx rejects the parameters.
    """
    from numba.core.errors import NumbaError
    from ranx import fuse

    qids = runs.question_ids() if question_ids is None else question_ids
    ranx_runs = _ranx_runs(runs, get_method(method).ranks_only, qids)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*unsafe cast.*")  # ranx's numba kernels
            return fuse(ranx_runs, applied_norm(method, norm), method, ranx_params(params))
    except (TypeError, ValueError, AssertionError, NumbaError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise FusionError(f"ranx's {method} rejected params {dict(params)}: {reason}") from None


def training_qrels(runs: RunSet) -> tuple[dict[str, dict[str, int]], str]:
    """Relevance for optimising on ``runs``: the dataset's qrels, else answer relevance.

    Returns
    -------
    qrels : dict
        ``{qid: {docid: relevance}}``.
    source : str
        ``"qrels"``, or ``"answers"`` (a retrieved passage holding an answer is
        relevant, :func:`~xqg_pyserini.eval.answer_qrels`, as the eval does for
        XOR-TyDi).
    """
    from xqg_pyserini.eval.answer_metrics import answer_qrels
    from xqg_pyserini.eval.questions import load_questions, passage_texts

    questions = load_questions(runs.dataset)
    if questions.qrels is not None:
        return questions.qrels, "qrels"
    retrieved = {
        qid: list(dict.fromkeys(h.doc_id for r in runs.hits.values() for h in r.get(qid, ())))
        for qid in runs.question_ids()
    }
    texts = passage_texts({d for docids in retrieved.values() for d in docids}, runs.dataset)
    return answer_qrels(retrieved, texts, questions.answers), "answers"


def _ranx_qrels(qrels: Mapping[str, Mapping[str, int]], qids: list[str]) -> Qrels:
    from ranx import Qrels

    return Qrels.from_dict({qid: {d: int(r) for d, r in qrels[qid].items()} for qid in qids})


def optimise_fusion(
    runs: RunSet,
    qrels: Mapping[str, Mapping[str, int]],
    method: str,
    norm: str | None,
    metric: str,
    options: Mapping[str, Any] | None = None,
) -> Optimisation:
    """Choose the method's parameters on training runs with ``ranx.optimize_fusion``.

    The questions used are those of the runs that ``qrels`` judges. ranx returns
    only the parameters, so the training runs are fused with them and scored
    again for :attr:`Optimisation.value`.

    Raises
    ------
    FusionError
        For a method without parameters, an option ranx's optimiser lacks, or
        relevance judging none of the runs' questions.
    """
    from ranx import evaluate, optimize_fusion

    from xqg_pyserini.fusion.methods import json_params

    options = dict(options or {})
    check_search_options(method, options)
    qids = [qid for qid in runs.question_ids() if qid in qrels]
    if not any(r >= 1 for qid in qids for r in qrels[qid].values()):
        raise FusionError(
            f"no relevant passage in {runs.dataset}'s relevance for the questions of the "
            "training runs: nothing to optimise"
        )
    ranx_qrels = _ranx_qrels(qrels, qids)
    ranx_runs = _ranx_runs(runs, get_method(method).ranks_only, qids)
    if search_options(method):  # searched methods draw a progress bar unless told not to
        options["show_progress"] = False
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*unsafe cast.*")  # ranx's numba kernels
        best = optimize_fusion(
            ranx_qrels,
            ranx_runs,
            norm=applied_norm(method, norm),
            method=method,
            metric=metric,
            **options,
        )
        params = json_params(best)
        fused = fuse_runs(runs, method, norm, params, question_ids=qids)
        value = evaluate(ranx_qrels, fused, metric, save_results_in_run=False)
    return Optimisation(params, metric, float(value), len(qids))


def write_trec_run(
    run: Run, path: Path, question_ids: list[str], *, hits: int, tag: str
) -> dict[str, int]:
    """Write a fused run as TREC lines, atomically (temporary name, then rename).

    Within a question hits are sorted by score, then docid (as Pyserini breaks
    ties), ranked from 1 and cut at ``hits``; scores are printed exactly
    (``repr``), so reading the file back gives the same ranks.

    Returns
    -------
    dict
        ``{qid: hits written}``, in ``question_ids`` order.
    """
    from xqg_pyserini.atomic import atomic_file

    scores = run.to_dict()
    written: dict[str, int] = {}
    with atomic_file(path) as out:
        for qid in question_ids:
            ranked = sorted(scores.get(qid, {}).items(), key=lambda item: (-item[1], item[0]))
            for rank, (doc_id, score) in enumerate(ranked[:hits], start=1):
                out.write(f"{qid} Q0 {doc_id} {rank} {float(score)!r} {tag}\n")
            written[qid] = min(len(ranked), hits)
    return written
