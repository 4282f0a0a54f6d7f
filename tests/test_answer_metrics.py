"""Answer-based qrels and per-question ranx metrics, against hand-computed values.

All ranx-using tests live in this module so numba compiles ranx once.
"""

from __future__ import annotations

import pytest

from xqg_pyserini.eval.answer_metrics import (
    AnswerMetricsError,
    answer_qrels,
    by_language,
    ranx_metrics,
)
from xqg_pyserini.eval.recall_kt import MissingQuestionsWarning

PASSAGES = {
    "p1": "Tokyo is the capital of Japan.",
    "p2": "the city of tokyo hosts many events.",  # lower case: no match for "Tokyo"
    "p3": "Helsinki is in Finland.",
    "p4": "Finland borders Russia.",
    "p5": "yes it is, or no it is not.",  # only the dropped answers match
    "p6": "Kyoto was the capital.",
    **{f"f{i}": f"filler passage {i}" for i in range(1, 6)},
}
ANSWERS = {
    "q1": ["Tokyo"],
    "q2": ["yes", "Helsinki", "Finland"],
    "q3": ["Moscow", "Moskva"],
    "q4": ["no"],  # left without an answer: not scored
    "q5": ["Tokyo"],
    "q6": ["Kyoto"],
}
LANGUAGES = {"q1": "ja", "q2": "fi", "q3": "ru", "q4": "ko", "q5": "ar", "q6": "ja"}
RUN = {
    "q1": ["p2", "p1", "p5"],
    "q2": ["p3", "p5", "p4"],
    "q3": ["p5", "p2"],
    "q4": ["p5"],
    "q5": ["f1", "f2", "f3", "f4", "f5", "p1"],
    "q6": ["p6"],
}


def test_answer_qrels():
    assert answer_qrels(RUN, PASSAGES, ANSWERS) == {
        "q1": {"p1": 1},  # case-sensitive: p2's "tokyo" is no match
        "q2": {"p3": 1, "p4": 1},  # two answers, two passages; "yes" in p5 dropped
        "q3": {},  # answerable, nothing found: kept so that it scores 0
        "q5": {"p1": 1},
        "q6": {"p6": 1},
    }


def test_answer_qrels_errors():
    with pytest.raises(AnswerMetricsError, match="unknown"):
        answer_qrels({"q1": ["nope"]}, PASSAGES, ANSWERS)
    with pytest.raises(AnswerMetricsError, match="not a str"):
        answer_qrels({"q1": ["p1"]}, PASSAGES, {"q1": "Tokyo"})
    with pytest.raises(AnswerMetricsError, match="twice"):
        answer_qrels({"q1": ["p1", "p1"]}, PASSAGES, ANSWERS)


def test_ranx_metrics_hand_computed():
    qrels = answer_qrels(RUN, PASSAGES, ANSWERS)
    scores = ranx_metrics(
        RUN, qrels, ("hit_rate@1", "hit_rate@5", "hit_rate@20", "mrr@100", "recall@1")
    )
    assert scores == {
        # q1: first answer at rank 2; q2: ranks 1 and 3; q3: none; q5: rank 6; q6: rank 1
        "hit_rate@1": {"q1": 0.0, "q2": 1.0, "q3": 0.0, "q5": 0.0, "q6": 1.0},
        "hit_rate@5": {"q1": 1.0, "q2": 1.0, "q3": 0.0, "q5": 0.0, "q6": 1.0},
        "hit_rate@20": {"q1": 1.0, "q2": 1.0, "q3": 0.0, "q5": 1.0, "q6": 1.0},
        "mrr@100": pytest.approx({"q1": 0.5, "q2": 1.0, "q3": 0.0, "q5": 1 / 6, "q6": 1.0}),
        # relative to the answer passages found: q2 found 1 of its 2 at rank 1
        "recall@1": {"q1": 0.0, "q2": 0.5, "q3": 0.0, "q5": 0.0, "q6": 1.0},
    }
    # the run order is kept, not the docid order: reversing q1 moves p1 to rank 2 of 3
    reordered = ranx_metrics({**RUN, "q1": ["p5", "p1", "p2"]}, qrels, ["mrr@100"])
    assert reordered["mrr@100"]["q1"] == pytest.approx(0.5)
    first = ranx_metrics({**RUN, "q1": ["p1", "p2", "p5"]}, qrels, "mrr@100")
    assert first["mrr@100"]["q1"] == 1.0

    mrr = scores["mrr@100"]
    # ar 1/6, fi 1, ja (0.5 + 1) / 2, ru 0; avg over the 4 languages
    assert by_language(mrr, LANGUAGES) == pytest.approx(
        {"ar": 1 / 6, "fi": 1.0, "ja": 0.75, "ru": 0.0, "avg": (1 / 6 + 1 + 0.75 + 0) / 4}
    )


def test_ranx_metrics_with_trec_qrels():
    gold = {"q1": {"p2": 1}, "q2": {"p4": 2, "p3": 0}, "q9": {"p1": 1}}
    with pytest.warns(MissingQuestionsWarning, match="1 of 3"):
        scores = ranx_metrics(RUN, gold, ["hit_rate@1", "mrr@100", "recall@2"])
    assert scores == {
        "hit_rate@1": {"q1": 1.0, "q2": 0.0, "q9": 0.0},
        "mrr@100": pytest.approx({"q1": 1.0, "q2": 1 / 3, "q9": 0.0}),
        "recall@2": {"q1": 1.0, "q2": 0.0, "q9": 0.0},
    }


def test_ranx_metrics_nothing_relevant():
    assert ranx_metrics({"q3": ["p5"]}, {"q3": {}}, ["hit_rate@1", "mrr@100"]) == {
        "hit_rate@1": {"q3": 0.0},
        "mrr@100": {"q3": 0.0},
    }
    with pytest.raises(AnswerMetricsError):
        ranx_metrics(RUN, {}, ["mrr@100"])


def test_by_language_bools():
    hits = {"a": True, "b": False, "c": True}
    assert by_language(hits, {"a": "ja", "b": "ja", "c": "fi"}) == {
        "fi": 1.0,
        "ja": 0.5,
        "avg": 0.75,
    }
    with pytest.raises(AnswerMetricsError, match="language"):
        by_language(hits, {"a": "ja"})
