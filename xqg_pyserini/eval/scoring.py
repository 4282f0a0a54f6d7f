"""Scoring the runs of one dataset: every metric per question and per language.

:func:`read_runs` turns TREC files into ranx ``Run`` objects in their rank order
(:func:`~xqg_pyserini.eval.run_file.read_run`; ranx ``Run`` objects are taken as
they are) and fetches the text of every passage they rank. :func:`score_run`
hands one run to the scorer of each metric's family in the registry
(:mod:`~xqg_pyserini.eval.metrics`) and averages per language the metrics that
bring no table of their own (:func:`~xqg_pyserini.eval.answer_metrics.by_language`).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Union

from xqg_pyserini.eval.answer_metrics import by_language
from xqg_pyserini.eval.answers import MissingQuestionsWarning
from xqg_pyserini.eval.metrics import Evaluation, MetricError, group_metrics
from xqg_pyserini.eval.questions import passage_texts
from xqg_pyserini.eval.rankings import ranked_docids, run_docids
from xqg_pyserini.eval.run_file import RunFormatError, read_run, read_trec_run

if TYPE_CHECKING:
    from ranx import Run

__all__ = ["RunScores", "RunSource", "read_runs", "run_source_name", "score_run"]

#: A run as a report takes it: a TREC run file, or a ranx ``Run`` read in score order.
RunSource = Union[str, Path, "Run"]


@dataclass(frozen=True)
class RunScores:
    """One run's scores.

    Attributes
    ----------
    per_question : dict
        ``{metric: {qid: score}}``.
    table : dict
        ``{metric: {lang: score, "avg": macro average}}``.
    scored : tuple of str
        The answerable questions scored: those the run ranks, and with
        ``missing="miss"`` those it lacks.
    missing : tuple of str
        Answerable questions the run lacks.
    """

    per_question: dict[str, dict[str, float]]
    table: dict[str, dict[str, float]]
    scored: tuple[str, ...]
    missing: tuple[str, ...]


def run_source_name(source: RunSource) -> str:
    """How a report lists a run: its file path, or ``<ranx.Run NAME>``."""
    if isinstance(source, (str, Path)):
        return str(Path(source))
    return f"<ranx.Run {source.name}>" if source.name else "<ranx.Run>"


def read_runs(
    runs: Mapping[str, RunSource], dataset: str, corpus: str | Path | None
) -> tuple[dict[str, Run], dict[str, str]]:
    """The runs as ranx ``Run`` objects, and ``{docid: text}`` of every passage they rank.

    Raises
    ------
    RunFormatError
        For a malformed line or a docid not in the corpus (file and line named),
        or a ranx ``Run`` ranking a docid not in the corpus.
    TypeError
        For a run that is neither a path nor a ranx ``Run``.
    """
    from ranx import Run

    read: dict[str, Run] = {}
    for name, source in runs.items():
        if isinstance(source, (str, Path)):
            read[name] = read_run(source, name=name)
        elif isinstance(source, Run):
            read[name] = source
        else:
            kind = type(source).__name__
            raise TypeError(f"run {name!r} must be a path or a ranx.Run, not a {kind}")
    wanted = set().union(*map(run_docids, read.values()))
    texts = passage_texts(wanted, dataset, corpus)
    if len(texts) < len(wanted):
        _name_unknown_passage(runs, read, texts)
    return read, texts


def _name_unknown_passage(
    runs: Mapping[str, RunSource], read: Mapping[str, Run], texts: Mapping[str, str]
) -> None:
    for name, source in runs.items():
        if isinstance(source, (str, Path)):
            read_trec_run(source, known_docids=texts)  # names the first line with one
            continue
        for qid, docids in ranked_docids(read[name]).items():
            unknown = [docid for docid in docids if docid not in texts]
            if unknown:
                raise RunFormatError(
                    f"run {name!r}: docid {unknown[0]!r} (question {qid!r}) is not in the corpus"
                )


def score_run(run: Run, evaluation: Evaluation, metrics: Sequence[str]) -> RunScores:
    """Score ``run`` on ``metrics`` (registered names) with their families' scorers.

    Raises
    ------
    MetricError
        For an unknown metric or a scorer that does not return a metric it was asked.
    RecallKtError, AnswerMetricsError
        For a run the metrics cannot score (e.g. no scored question).
    """
    per_question: dict[str, dict[str, float]] = {}
    table: dict[str, dict[str, float]] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MissingQuestionsWarning)  # the report lists them
        for family, names in group_metrics(metrics):
            scores = family.scorer(names, run, evaluation)
            for name in names:
                if name not in scores:
                    raise MetricError(f"the scorer of {family.pattern} returned no {name!r}")
                per_question[name] = scores[name].per_question
                own = scores[name].table
                languages = evaluation.questions.languages
                table[name] = own if own is not None else by_language(per_question[name], languages)
    ranked = set(run.get_query_ids())
    return RunScores(
        per_question={name: per_question[name] for name in dict.fromkeys(metrics)},
        table={name: table[name] for name in dict.fromkeys(metrics)},
        scored=evaluation.scored_questions(ranked),
        missing=evaluation.missing_from(ranked),
    )
