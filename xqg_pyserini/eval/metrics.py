"""The metric registry: from a metric's name to the scorer that computes it.

A report names its metrics (``R@2kt``, ``hit_rate@5``, ``qrels:ndcg@10``, ...).
Each name belongs to exactly one family of :data:`METRIC_FAMILIES`, a dict keyed
by the pattern users write (``R@{k}kt``). A family's scorer gets every metric of
that family that a report asks for, with one run and the :class:`Evaluation`
all runs share, and returns per-question scores (:class:`MetricScores`); R@kt
reads each ranking once for all k, ranx evaluates all its metrics in one call.
A study adds a metric by registering a family (:func:`register_metric`); the
scoring loop (:mod:`~xqg_pyserini.eval.scoring`) and the report do not change.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from xqg_pyserini.errors import XqgError
from xqg_pyserini.eval.answer_metrics import AVG, answer_qrels, ranx_metrics
from xqg_pyserini.eval.answers import MissingPolicy, answer_spans, missing_questions
from xqg_pyserini.eval.questions import EvalQuestions
from xqg_pyserini.eval.rankings import to_qrels
from xqg_pyserini.eval.recall_kt import passage_token_cache, recall_at_k_tokens

if TYPE_CHECKING:
    from ranx import Run

    from xqg_pyserini.eval._ranking_tokens import PassageTokens

__all__ = [
    "METRIC_FAMILIES",
    "QRELS_PREFIX",
    "RANX_METRICS",
    "Evaluation",
    "MetricError",
    "MetricFamily",
    "MetricScores",
    "Scorer",
    "group_metrics",
    "metric_family",
    "register_metric",
]

QRELS_PREFIX = "qrels:"
#: ranx 0.3's metric names (``ranx.metrics.metric_switch``); each takes ``@k``
#: and ``-l<level>``; ``rbp`` is written ``rbp.<persistence>``.
RANX_METRICS = (
    "hits", "hit_rate", "precision", "recall", "f1", "r-precision", "mrr", "map",
    "dcg", "dcg_burges", "ndcg", "ndcg_burges", "bpref",
)  # fmt: skip
_RECALL_KT_NAME = re.compile(r"R@(?P<thousands>[1-9][0-9]*)kt")
_RANX_NAME = (
    rf"(?:(?:{'|'.join(map(re.escape, RANX_METRICS))})(?:@[1-9][0-9]*)?|rbp\.[0-9]+)(?:-l[0-9]+)?"
)


class MetricError(XqgError, ValueError):
    """A metric name no registered family knows, or a run a metric cannot score."""


@dataclass(frozen=True)
class MetricScores:
    """One metric of one run.

    Attributes
    ----------
    per_question : dict
        ``{qid: score}`` of every question the metric scores (paired tests use these).
    table : dict or None
        ``{lang: score, "avg": macro average}`` when the metric has its own
        arithmetic (R@kt's, digit for digit the official script's); None: the
        report averages ``per_question`` per language.
    """

    per_question: dict[str, float]
    table: dict[str, float] | None = None


@dataclass(frozen=True, eq=False)
class Evaluation:
    """What every run of one report is scored against, shared by all scorers.

    Attributes
    ----------
    questions : EvalQuestions
        The dataset's answers, languages and qrels.
    passages : mapping
        ``{docid: text}`` of every passage the runs rank.
    missing : {"report", "miss"}
        What to do with answerable questions a run lacks.
    processes : int
        Worker processes for NLTK tokenisation (R@kt).
    """

    questions: EvalQuestions
    passages: Mapping[str, str]
    missing: MissingPolicy = "report"
    processes: int = 1

    @cached_property
    def spans(self) -> dict[str, list[str]]:
        """``{qid: answers without "yes"/"no"}``."""
        return answer_spans(self.questions.answers, MetricError)

    @cached_property
    def passage_tokens(self) -> PassageTokens:
        """NLTK tokens of the passages, one cache for all runs (they rank the same passages)."""
        return passage_token_cache(self.passages)

    def missing_from(self, ranked: Container[str]) -> tuple[str, ...]:
        """Answerable questions that a run, given by its question ids, lacks."""
        return missing_questions(self.spans, ranked)

    def scored_questions(self, ranked: Container[str]) -> tuple[str, ...]:
        """Answerable questions of a run: those it ranks, and with ``"miss"`` those it lacks."""
        miss = self.missing == "miss"
        return tuple(qid for qid, span in self.spans.items() if span and (miss or qid in ranked))


#: ``scorer(names, run, evaluation) -> {name: MetricScores}``: every requested
#: name of the family (in order, each once), one run in rank order.
Scorer = Callable[[tuple[str, ...], "Run", Evaluation], Mapping[str, MetricScores]]


@dataclass(frozen=True)
class MetricFamily:
    """Metrics scored by one scorer.

    Attributes
    ----------
    pattern : str
        How users write the names, e.g. ``R@{k}kt``; the registry's key.
    scorer : Scorer
        Computes the family's metrics of one run.
    description : str
        What the metrics are, for the error that lists valid names.
    regex : str or None
        A full match of the names; None: the pattern is the one exact name.
    decimals : int
        Digits in tables: 2 for 0-100 scores, 4 for 0-1.
    unit : str
        Of a difference, on the delta plots' axis.
    """

    pattern: str
    scorer: Scorer
    description: str = ""
    regex: str | None = None
    decimals: int = 4
    unit: str = "score"

    def matches(self, name: str) -> bool:
        return re.fullmatch(self.regex or re.escape(self.pattern), name) is not None


def _score_recall_kt(
    names: tuple[str, ...], run: Run, evaluation: Evaluation
) -> dict[str, MetricScores]:
    ks = {name: 1000 * int(_RECALL_KT_NAME.fullmatch(name)["thousands"]) for name in names}
    questions = evaluation.questions
    result = recall_at_k_tokens(
        run,
        evaluation.passages,
        questions.answers,
        questions.languages,
        tuple(ks.values()),
        missing=evaluation.missing,
        processes=evaluation.processes,
        token_cache=evaluation.passage_tokens,
    )
    return {
        name: MetricScores(
            {qid: 100.0 * hit for qid, hit in result.hits[k].items()},
            # the official arithmetic, digit for digit
            {**result.per_language[k], AVG: result.average[k]},
        )
        for name, k in ks.items()
    }


def _score_answer_relevance(
    names: tuple[str, ...], run: Run, evaluation: Evaluation
) -> dict[str, MetricScores]:
    judged = answer_qrels(run, evaluation.passages, evaluation.questions.answers)
    if evaluation.missing == "miss":
        judged.update({qid: {} for qid in evaluation.missing_from(set(run.get_query_ids()))})
    scores = ranx_metrics(run, to_qrels(judged), names)
    return {name: MetricScores(scores[name]) for name in names}


def _score_qrels(
    names: tuple[str, ...], run: Run, evaluation: Evaluation
) -> dict[str, MetricScores]:
    questions = evaluation.questions
    if not questions.qrels:
        raise MetricError(f"{names[0]}: dataset {questions.dataset!r} has no qrels")
    ranked = set(run.get_query_ids())
    judged = {
        qid: docs
        for qid, docs in questions.qrels.items()
        if (evaluation.missing == "miss" or qid in ranked) and qid in questions.languages
    }
    if not judged:
        raise MetricError(f"run {run.name!r} shares no question with the dataset's qrels")
    metrics = [name[len(QRELS_PREFIX) :] for name in names]
    scores = ranx_metrics(run, to_qrels(judged), metrics)
    return {QRELS_PREFIX + metric: MetricScores(scores[metric]) for metric in metrics}


#: The registry: pattern -> family. Every metric name matches exactly one family.
METRIC_FAMILIES: dict[str, MetricFamily] = {
    family.pattern: family
    for family in (
        MetricFamily(
            "R@{k}kt",
            _score_recall_kt,
            "XOR-Retrieve's official R@kt over the first k thousand tokens, 0-100",
            _RECALL_KT_NAME.pattern,
            decimals=2,
            unit="points",
        ),
        MetricFamily(
            "{ranx metric}",
            _score_answer_relevance,
            "a ranx metric such as hit_rate@5, recall@20, mrr@100 or ndcg@10 under answer "
            "relevance (a passage containing an answer), 0-1",
            _RANX_NAME,
            unit="ranx score",
        ),
        MetricFamily(
            QRELS_PREFIX + "{ranx metric}",
            _score_qrels,
            "a ranx metric under the dataset's own qrels, 0-1",
            re.escape(QRELS_PREFIX) + _RANX_NAME,
            unit="ranx score",
        ),
    )
}


def register_metric(family: MetricFamily, *, replace: bool = False) -> MetricFamily:
    """Add ``family`` to :data:`METRIC_FAMILIES`; its names can then be asked of any report.

    Raises
    ------
    MetricError
        If a family with the same pattern is registered and ``replace`` is not set.
    """
    if family.pattern in METRIC_FAMILIES and not replace:
        raise MetricError(
            f"a metric family {family.pattern!r} is registered already; pass replace=True"
        )
    METRIC_FAMILIES[family.pattern] = family
    return family


def metric_family(name: str) -> MetricFamily:
    """The registered family that scores the metric ``name``.

    Raises
    ------
    MetricError
        When no family, or more than one, matches ``name``; the message lists the
        valid names.
    """
    found = [family for family in METRIC_FAMILIES.values() if family.matches(name)]
    if len(found) == 1:
        return found[0]
    if found:
        patterns = ", ".join(family.pattern for family in found)
        raise MetricError(f"metric {name!r} matches several registered families: {patterns}")
    valid = "; ".join(
        f"{family.pattern} ({family.description})" if family.description else family.pattern
        for family in METRIC_FAMILIES.values()
    )
    raise MetricError(f"unknown metric {name!r}; valid metrics: {valid}")


def group_metrics(names: Iterable[str]) -> list[tuple[MetricFamily, tuple[str, ...]]]:
    """``[(family, (name, ...)), ...]``: each name once, families in order of first use.

    Raises
    ------
    MetricError
        For a name no family, or several, match (see :func:`metric_family`).
    """
    groups: dict[str, tuple[MetricFamily, list[str]]] = {}
    for name in dict.fromkeys(names):
        family = metric_family(name)
        groups.setdefault(family.pattern, (family, []))[1].append(name)
    return [(family, tuple(members)) for family, members in groups.values()]
