"""Which questions a metric scores: answer spans, and answerable questions a run lacks.

XOR-Retrieve's official script drops the answers "yes" and "no" (exact,
case-sensitive) before matching and skips a question left with no answer. R@kt
(:mod:`~xqg_pyserini.eval.recall_kt`) and answer relevance
(:mod:`~xqg_pyserini.eval.answer_metrics`) match answers the same way, so that
filter is :func:`answer_spans`, here and nowhere else.

A question with an answer span that a run does not rank is *missing* from it
(:func:`missing_questions`). The official script silently leaves such questions
out of the denominator; ``missing="report"`` keeps that and warns
(:class:`MissingQuestionsWarning`), ``missing="miss"`` scores them as misses.
"""

from __future__ import annotations

from collections.abc import Container, Mapping, Sequence
from typing import Literal

__all__ = [
    "BOOLEAN_ANSWERS",
    "MISSING_POLICIES",
    "MissingPolicy",
    "MissingQuestionsWarning",
    "answer_spans",
    "check_missing_policy",
    "missing_questions",
]

#: Answers dropped before matching, as the official script drops them (exact, case-sensitive).
BOOLEAN_ANSWERS = frozenset({"yes", "no"})

MissingPolicy = Literal["report", "miss"]
#: ``"report"``: leave missing questions out of a run's scores (the official
#: behaviour) and list them; ``"miss"``: score them as misses.
MISSING_POLICIES: tuple[MissingPolicy, ...] = ("report", "miss")


class MissingQuestionsWarning(UserWarning):
    """Answerable questions that the run does not contain."""


def answer_spans(
    answers: Mapping[str, Sequence[str]], error: type[Exception] = ValueError
) -> dict[str, list[str]]:
    """``{qid: [answer, ...]}`` without "yes"/"no"; a question may be left with none.

    Parameters
    ----------
    answers : mapping
        ``{qid: [answer, ...]}``.
    error : exception class
        What to raise for answers given as a str (the calling metric's error).
    """
    spans = {}
    for qid, values in answers.items():
        if isinstance(values, str):
            raise error(f"answers of question {qid!r} must be a list of strings, not a str")
        spans[qid] = [answer for answer in values if answer not in BOOLEAN_ANSWERS]
    return spans


def missing_questions(
    spans: Mapping[str, Sequence[str]], ranked: Container[str]
) -> tuple[str, ...]:
    """Questions with a span (see :func:`answer_spans`) that are not in ``ranked``.

    ``ranked`` holds the question ids of a run; the result keeps ``spans``' order.
    """
    return tuple(qid for qid, span in spans.items() if span and qid not in ranked)


def check_missing_policy(missing: str, error: type[Exception] = ValueError) -> MissingPolicy:
    """``missing`` if it is one of :data:`MISSING_POLICIES`, else ``error``."""
    if missing not in MISSING_POLICIES:
        raise error(f"missing must be one of {MISSING_POLICIES}, got {missing!r}")
    return missing  # type: ignore[return-value]
