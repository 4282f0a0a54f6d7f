"""Answer-based relevance (the DPR convention) and per-question ranx metrics.

XOR-Retrieve has no passage qrels: DPR and its successors call a retrieved passage
relevant to a question when it contains one of the question's answer strings. Here
that is a raw, case-sensitive substring test on the passage text (no title), with
the answers "yes" and "no" dropped first (:func:`~xqg_pyserini.eval.answers.answer_spans`),
exactly as R@kt matches answers.

:func:`answer_qrels` judges the passages a run retrieves, :func:`ranx_metrics`
scores a ranx ``Run`` per question with ranx (``evaluate(..., return_mean=False)``)
against a ranx ``Qrels``, of answer relevance or of a dataset's own judgements
(e.g. the demo's gold passages; :func:`~xqg_pyserini.eval.rankings.to_qrels`
builds one), and :func:`by_language` macro-averages per-question scores over
languages like R@kt's reported average.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from xqg_pyserini.errors import XqgError
from xqg_pyserini.eval.answers import MissingQuestionsWarning, answer_spans
from xqg_pyserini.eval.rankings import checked_rankings, ranked_docids, ranked_run

if TYPE_CHECKING:
    from ranx import Qrels, Run

__all__ = [
    "AVG",
    "DEFAULT_METRICS",
    "AnswerMetricsError",
    "answer_qrels",
    "by_language",
    "ranx_metrics",
]

#: hit rate, recall and MRR at 1, 5, 20 and 100. hit_rate@k (= trec_eval ``success``,
#: DPR's top-k accuracy) and MRR are the headline numbers; see :func:`ranx_metrics`
#: for what recall means under answer qrels.
DEFAULT_METRICS = tuple(
    f"{name}@{k}" for name in ("hit_rate", "recall", "mrr") for k in (1, 5, 20, 100)
)

#: The column of the macro average over languages.
AVG = "avg"


class AnswerMetricsError(XqgError, ValueError):
    """Inputs these metrics cannot score: unknown passages or languages, bad answers or runs."""


def answer_qrels(
    run: Run | Mapping[str, Sequence[str]],
    passages: Mapping[str, str],
    answers: Mapping[str, Sequence[str]],
) -> dict[str, dict[str, int]]:
    """Judgements of the retrieved passages that contain an answer: ``{qid: {docid: 1}}``.

    Parameters
    ----------
    run : ranx.Run or mapping
        The run, or ``{qid: [docid, ...]}`` for callers that hold rankings as
        lists (the fusion's training relevance).
    passages : mapping
        ``{docid: passage text}`` (the corpus ``text`` field, no title).
    answers : mapping
        ``{qid: [answer, ...]}``; "yes"/"no" are dropped and a question left with
        none is not scored (not in the result), as in R@kt.

    Returns
    -------
    dict
        Every scored question of the run (answerable and ranked), with an empty dict
        when no retrieved passage contains an answer (so that it scores 0). Questions
        in the run without answers are left out. A plain dict, as
        :attr:`~xqg_pyserini.eval.questions.EvalQuestions.qrels` is; ``to_qrels``
        makes it the ranx ``Qrels`` that :func:`ranx_metrics` takes.

    Raises
    ------
    AnswerMetricsError
        For a ranked passage not in ``passages``, answers given as a str, or a
        ranking that is a str or ranks a docid twice.
    """
    if isinstance(run, Mapping):
        rankings = checked_rankings(run, AnswerMetricsError)
    else:
        rankings = ranked_docids(run)
    spans = answer_spans(answers, AnswerMetricsError)
    qrels: dict[str, dict[str, int]] = {}
    for qid, docids in rankings.items():
        found = spans.get(qid)
        if not found:
            continue
        relevant: dict[str, int] = {}
        for docid in docids:
            try:
                text = passages[docid]
            except KeyError:
                raise AnswerMetricsError(f"passage {docid!r} (question {qid!r}) unknown") from None
            if any(span in text for span in found):
                relevant[docid] = 1
        qrels[qid] = relevant
    return qrels


def _check_metrics(metrics: Iterable[str]) -> tuple[str, ...]:
    checked = (metrics,) if isinstance(metrics, str) else tuple(dict.fromkeys(metrics))
    if not checked or not all(isinstance(metric, str) for metric in checked):
        raise AnswerMetricsError(f"metrics must be ranx metric names, got {metrics!r}")
    return checked


def ranx_metrics(
    run: Run, qrels: Qrels, metrics: Iterable[str] = DEFAULT_METRICS
) -> dict[str, dict[str, float]]:
    """Per-question ranx scores of a run in rank order: ``{metric: {qid: score}}``.

    The questions scored are those of ``qrels`` (sorted by qid); a question of
    ``qrels`` the run lacks is scored on an empty ranking (0) with a
    :class:`~xqg_pyserini.eval.answers.MissingQuestionsWarning`, and run questions
    not in ``qrels`` are ignored. ranx sees the run's order, not its scores
    (:func:`~xqg_pyserini.eval.rankings.ranked_run`), so ties keep the file's order.

    With :func:`answer_qrels` (relevance derived from the run itself), hit_rate@k
    (= trec_eval ``success``, DPR's top-k accuracy) and MRR are exact and should
    be the headline numbers. recall@k is only relative: its denominator is the
    number of answer-bearing passages found in the ranking given (e.g. the top
    100), not in the corpus, so recall@100 of a top-100 run is 1 for every
    question with any relevant passage. With real qrels (a TREC qrels dict such as
    the demo's gold passages) every metric has its usual meaning.

    Parameters
    ----------
    run : ranx.Run
        Read in rank order (:func:`~xqg_pyserini.eval.rankings.ranked_docids`).
    qrels : ranx.Qrels
        Relevance >= 1 counts as relevant; questions with nothing relevant are
        kept by :func:`~xqg_pyserini.eval.rankings.to_qrels` and score 0.
    metrics : iterable of str
        ranx metric names, e.g. ``"hit_rate@5"``, ``"mrr@100"``, ``"ndcg@10"``.

    Raises
    ------
    AnswerMetricsError
        For empty ``qrels`` or ``metrics``.
    TypeError
        When ``run`` or ``qrels`` is not a ranx ``Run`` / ``Qrels``.
    """
    from ranx import Qrels, evaluate

    metrics = _check_metrics(metrics)
    if not isinstance(qrels, Qrels):
        raise TypeError(f"expected a ranx.Qrels, got {type(qrels).__name__}; see to_qrels()")
    judged = sorted(qrels.keys())
    if not judged:
        raise AnswerMetricsError("no question to score: qrels are empty")
    rankings = ranked_docids(run)
    _warn_absent([qid for qid in judged if qid not in rankings], len(judged))
    ranked = ranked_run({qid: rankings.get(qid, []) for qid in judged})
    with warnings.catch_warnings():
        # ranx's numba kernels warn about a harmless uint64 -> int64 cast
        warnings.filterwarnings("ignore", message=".*unsafe cast.*")
        scores = evaluate(
            qrels,
            ranked,
            # one metric is asked twice: ranx 0.3.21's evaluate fails on a single
            # metric with return_mean=False (it looks up the stripped name)
            list(metrics) * 2 if len(metrics) == 1 else list(metrics),
            return_mean=False,
            save_results_in_run=False,
        )
    order = ranked.get_query_ids()
    return {metric: dict(zip(order, map(float, scores[metric]), strict=True)) for metric in metrics}


def _warn_absent(absent: list[str], judged: int) -> None:
    if absent:
        shown = ", ".join(absent[:5]) + (", ..." if len(absent) > 5 else "")
        warnings.warn(
            f"{len(absent)} of {judged} judged questions are missing from the run and "
            f"score 0: {shown}",
            MissingQuestionsWarning,
            stacklevel=3,
        )


def by_language(
    per_question: Mapping[str, float], languages: Mapping[str, str]
) -> dict[str, float]:
    """Mean score per language (sorted) and ``"avg"``, their macro average.

    Works for floats and for bools (e.g. :attr:`RecallKtResult.hits` ``[k]``); the
    scale is the input's (multiply by 100 for R@kt-style percentages). Languages
    without a question are left out, as in R@kt.

    Raises
    ------
    AnswerMetricsError
        For a question without a language, or no question at all.
    """
    totals: dict[str, list[float]] = {}
    for qid, score in per_question.items():
        try:
            lang = languages[qid]
        except KeyError:
            raise AnswerMetricsError(f"no language given for question {qid!r}") from None
        totals.setdefault(lang, []).append(float(score))
    if not totals:
        raise AnswerMetricsError("no question to average")
    means = {lang: sum(values) / len(values) for lang, values in sorted(totals.items())}
    means[AVG] = sum(means.values()) / len(means)
    return means
