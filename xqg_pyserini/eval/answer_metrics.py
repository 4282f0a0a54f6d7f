"""Answer-based relevance (the DPR convention) and per-question ranx metrics.

XOR-Retrieve has no passage qrels: DPR and its successors call a retrieved passage
relevant to a question when it contains one of the question's answer strings. Here
that is a raw, case-sensitive substring test on the passage text (no title), with
the answers "yes" and "no" dropped first, exactly as R@kt matches answers.

:func:`answer_qrels` turns a run into such qrels, :func:`ranx_metrics` scores a run
per question with ranx (``evaluate(..., return_mean=False)``), with answer qrels or
any TREC-style qrels dict (e.g. the demo's gold passages), and :func:`by_language`
macro-averages per-question scores over languages like R@kt's reported average.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence

from xqg_pyserini.errors import XqgError
from xqg_pyserini.eval.recall_kt import MissingQuestionsWarning

__all__ = [
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
#: Answers dropped before matching, as R@kt drops them (exact, case-sensitive).
_BOOLEAN_ANSWERS = frozenset({"yes", "no"})


class AnswerMetricsError(XqgError, ValueError):
    """Inputs these metrics cannot score: unknown passages or languages, bad answers or runs."""


def _docids(qid: str, docids: Sequence[str]) -> list[str]:
    if isinstance(docids, str):
        raise AnswerMetricsError(f"run of question {qid!r} must be a list of docids, not a str")
    ranked = list(docids)
    if len(set(ranked)) != len(ranked):
        raise AnswerMetricsError(f"run of question {qid!r} ranks a docid twice")
    return ranked


def answer_qrels(
    run: Mapping[str, Sequence[str]],
    passages: Mapping[str, str],
    answers: Mapping[str, Sequence[str]],
) -> dict[str, dict[str, int]]:
    """Qrels of the retrieved passages that contain an answer: ``{qid: {docid: 1}}``.

    Parameters
    ----------
    run : mapping
        ``{qid: [docid, ...]}``, best first (:func:`~xqg_pyserini.eval.ranked_docids`
        turns :func:`~xqg_pyserini.eval.read_trec_run` output into this).
    passages : mapping
        ``{docid: passage text}`` (the corpus ``text`` field, no title).
    answers : mapping
        ``{qid: [answer, ...]}``; "yes"/"no" are dropped and a question left with
        none is not scored (not in the result), as in R@kt.

    Returns
    -------
    dict
        Every scored question of the run (answerable and ranked), with an empty dict
        when no retrieved passage contains an answer (ranx needs the question
        present to score it 0). Questions in the run without answers are left out.

    Raises
    ------
    AnswerMetricsError
        For a ranked passage not in ``passages``, answers given as a str, or a run
        that ranks a docid twice for one question.
    """
    qrels: dict[str, dict[str, int]] = {}
    for qid, docids in run.items():
        values = answers.get(qid, ())
        if isinstance(values, str):
            raise AnswerMetricsError(f"answers of question {qid!r} must be a list, not a str")
        spans = [answer for answer in values if answer not in _BOOLEAN_ANSWERS]
        if not spans:
            continue
        relevant: dict[str, int] = {}
        for docid in _docids(qid, docids):
            try:
                text = passages[docid]
            except KeyError:
                raise AnswerMetricsError(f"passage {docid!r} (question {qid!r}) unknown") from None
            if any(span in text for span in spans):
                relevant[docid] = 1
        qrels[qid] = relevant
    return qrels


def _check_metrics(metrics: Iterable[str]) -> tuple[str, ...]:
    checked = (metrics,) if isinstance(metrics, str) else tuple(dict.fromkeys(metrics))
    if not checked or not all(isinstance(metric, str) for metric in checked):
        raise AnswerMetricsError(f"metrics must be ranx metric names, got {metrics!r}")
    return checked


def ranx_metrics(
    run: Mapping[str, Sequence[str]],
    qrels: Mapping[str, Mapping[str, int]],
    metrics: Iterable[str] = DEFAULT_METRICS,
) -> dict[str, dict[str, float]]:
    """Per-question ranx scores of a ranked run: ``{metric: {qid: score}}``.

    The questions scored are those of ``qrels`` (sorted by qid); a question of
    ``qrels`` the run lacks is scored on an empty ranking (0) with a
    :class:`MissingQuestionsWarning`, and run questions not in ``qrels`` are ignored.
    Ranks become ranx scores ``len(ranking) - rank``, so ranx keeps the run's order.

    With :func:`answer_qrels` (relevance derived from the run itself), hit_rate@k
    (= trec_eval ``success``, DPR's top-k accuracy) and MRR are exact and should
    be the headline numbers. recall@k is only relative: its denominator is the
    number of answer-bearing passages found in the ranking given (e.g. the top
    100), not in the corpus, so recall@100 of a top-100 run is 1 for every
    question with any relevant passage. With real qrels (a TREC qrels dict such as
    the demo's gold passages) every metric has its usual meaning.

    Parameters
    ----------
    run : mapping
        ``{qid: [docid, ...]}``, best first.
    qrels : mapping
        ``{qid: {docid: relevance}}``; relevance >= 1 counts as relevant.
    metrics : iterable of str
        ranx metric names, e.g. ``"hit_rate@5"``, ``"mrr@100"``, ``"ndcg@10"``.

    Raises
    ------
    AnswerMetricsError
        For empty ``qrels`` or ``metrics``, or a run ranking a docid twice.
    """
    from ranx import Qrels, Run, evaluate

    metrics = _check_metrics(metrics)
    if not qrels:
        raise AnswerMetricsError("no question to score: qrels are empty")
    absent = sorted(qid for qid in qrels if qid not in run)
    if absent:
        shown = ", ".join(absent[:5]) + (", ..." if len(absent) > 5 else "")
        warnings.warn(
            f"{len(absent)} of {len(qrels)} judged questions are missing from the run and "
            f"score 0: {shown}",
            MissingQuestionsWarning,
            stacklevel=2,
        )
    ranked = {qid: _docids(qid, run.get(qid, ())) for qid in qrels}
    run_dict = {
        qid: {docid: float(len(docids) - rank) for rank, docid in enumerate(docids)}
        for qid, docids in ranked.items()
    }
    qrels_dict = {qid: {str(d): int(rel) for d, rel in docs.items()} for qid, docs in qrels.items()}
    qids = sorted(qrels_dict)
    # ranx cannot build a Qrels or Run without a single docid; nothing relevant or
    # nothing retrieved scores 0 on every metric.
    has_relevant = any(rel >= 1 for docs in qrels_dict.values() for rel in docs.values())
    if not has_relevant or not any(run_dict.values()):
        return {metric: dict.fromkeys(qids, 0.0) for metric in metrics}
    ranx_run = Run.from_dict(run_dict)
    with warnings.catch_warnings():
        # ranx's numba kernels warn about a harmless uint64 -> int64 cast
        warnings.filterwarnings("ignore", message=".*unsafe cast.*")
        scores = evaluate(
            Qrels.from_dict(qrels_dict),
            ranx_run,
            # one metric is asked twice: ranx 0.3.21's evaluate fails on a single
            # metric with return_mean=False (it looks up the stripped name)
            list(metrics) * 2 if len(metrics) == 1 else list(metrics),
            return_mean=False,
            save_results_in_run=False,
        )
    order = ranx_run.get_query_ids()
    return {metric: dict(zip(order, map(float, scores[metric]), strict=True)) for metric in metrics}


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
    means["avg"] = sum(means.values()) / len(means)
    return means
