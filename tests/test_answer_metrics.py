"""Answer-based qrels, per-question ranx metrics and ranx Run/Qrels in rank order.

Expected values are computed by hand from the rankings below.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from xqg_pyserini.eval.answer_metrics import (
    AnswerMetricsError,
    answer_qrels,
    by_language,
    ranx_metrics,
)
from xqg_pyserini.eval.answers import MissingQuestionsWarning
from xqg_pyserini.eval.rankings import RankingError, ranked_docids, ranked_run, to_qrels
from xqg_pyserini.eval.run_file import read_run

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
RANKINGS = {
    "q1": ["p2", "p1", "p5"],
    "q2": ["p3", "p5", "p4"],
    "q3": ["p5", "p2"],
    "q4": ["p5"],
    "q5": ["f1", "f2", "f3", "f4", "f5", "p1"],
    "q6": ["p6"],
}
ANSWER_QRELS = {
    "q1": {"p1": 1},  # case-sensitive: p2's "tokyo" is no match
    "q2": {"p3": 1, "p4": 1},  # two answers, two passages; "yes" in p5 dropped
    "q3": {},  # answerable, nothing found: kept so that it scores 0
    "q5": {"p1": 1},
    "q6": {"p6": 1},
}


@pytest.fixture(scope="module")
def run():
    return ranked_run(RANKINGS)


def test_answer_qrels(run):
    assert answer_qrels(run, PASSAGES, ANSWERS) == ANSWER_QRELS
    # the rankings as lists (the fusion's training relevance) give the same judgements
    assert answer_qrels(RANKINGS, PASSAGES, ANSWERS) == ANSWER_QRELS


def test_answer_qrels_errors(run):
    with pytest.raises(AnswerMetricsError, match="unknown"):
        answer_qrels({"q1": ["nope"]}, PASSAGES, ANSWERS)
    with pytest.raises(AnswerMetricsError, match="not a str"):
        answer_qrels(run, PASSAGES, {"q1": "Tokyo"})
    with pytest.raises(AnswerMetricsError, match="twice"):
        answer_qrels({"q1": ["p1", "p1"]}, PASSAGES, ANSWERS)


def test_ranx_metrics_hand_computed(run):
    qrels = to_qrels(ANSWER_QRELS)
    scores = ranx_metrics(
        run, qrels, ("hit_rate@1", "hit_rate@5", "hit_rate@20", "mrr@100", "recall@1")
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
    reordered = ranx_metrics(ranked_run({**RANKINGS, "q1": ["p5", "p1", "p2"]}), qrels, ["mrr@100"])
    assert reordered["mrr@100"]["q1"] == pytest.approx(0.5)
    first = ranx_metrics(ranked_run({**RANKINGS, "q1": ["p1", "p2", "p5"]}), qrels, "mrr@100")
    assert first["mrr@100"]["q1"] == 1.0

    mrr = scores["mrr@100"]
    # ar 1/6, fi 1, ja (0.5 + 1) / 2, ru 0; avg over the 4 languages
    assert by_language(mrr, LANGUAGES) == pytest.approx(
        {"ar": 1 / 6, "fi": 1.0, "ja": 0.75, "ru": 0.0, "avg": (1 / 6 + 1 + 0.75 + 0) / 4}
    )


def test_ranx_metrics_with_trec_qrels(run):
    gold = to_qrels({"q1": {"p2": 1}, "q2": {"p4": 2, "p3": 0}, "q9": {"p1": 1}})
    with pytest.warns(MissingQuestionsWarning, match="1 of 3"):
        scores = ranx_metrics(run, gold, ["hit_rate@1", "mrr@100", "recall@2"])
    assert scores == {
        "hit_rate@1": {"q1": 1.0, "q2": 0.0, "q9": 0.0},
        "mrr@100": pytest.approx({"q1": 1.0, "q2": 1 / 3, "q9": 0.0}),
        "recall@2": {"q1": 1.0, "q2": 0.0, "q9": 0.0},
    }


def test_ranx_metrics_nothing_relevant_or_nothing_retrieved(run):
    # ranx builds neither a Qrels without a relevant docid nor a Run without a
    # retrieved one; both score 0
    metrics = ["hit_rate@1", "mrr@100"]
    assert ranx_metrics(ranked_run({"q3": ["p5"]}), to_qrels({"q3": {}}), metrics) == {
        "hit_rate@1": {"q3": 0.0},
        "mrr@100": {"q3": 0.0},
    }
    assert ranx_metrics(ranked_run({"q1": []}), to_qrels({"q1": {"p1": 1}}), metrics) == {
        "hit_rate@1": {"q1": 0.0},
        "mrr@100": {"q1": 0.0},
    }
    with pytest.raises(AnswerMetricsError, match="qrels are empty"):
        ranx_metrics(run, to_qrels({}), ["mrr@100"])


def test_ranx_metrics_takes_ranx_types(run):
    with pytest.raises(TypeError, match="ranx.Run"):
        ranx_metrics(RANKINGS, to_qrels(ANSWER_QRELS), ["mrr@100"])
    with pytest.raises(TypeError, match="ranx.Qrels"):
        ranx_metrics(run, ANSWER_QRELS, ["mrr@100"])


def test_ranked_run_keeps_the_order_it_was_given():
    rankings = {"q2": ["d3", "d1", "d2"], "q1": ["z", "a"], "q0": []}
    run = ranked_run(rankings, name="mine")
    assert run.name == "mine"
    assert ranked_docids(run) == rankings  # docids by rank, not sorted; q0 kept empty
    assert run["q2"] == {"d3": 3.0, "d1": 2.0, "d2": 1.0}
    assert ranked_docids(ranked_run({"q": [], "r": []})) == {"q": [], "r": []}
    with pytest.raises(RankingError, match="twice"):
        ranked_run({"q": ["d1", "d1"]})
    with pytest.raises(RankingError, match="not a str"):
        ranked_run({"q": "d1"})


def test_read_run_keeps_rank_order_through_tied_scores(tmp_path: Path):
    # every score ties: ranx's sort by score alone could put any docid first
    lines = [f"q1 Q0 p{i} {rank} 7.0 tag" for rank, i in enumerate([6, 2, 5, 1, 4, 3], 1)]
    path = tmp_path / "tied.trec"
    path.write_text("\n".join(lines[3:] + lines[:3]) + "\n", "utf-8")  # not in rank order
    run = read_run(path)
    assert ranked_docids(run) == {"q1": ["p6", "p2", "p5", "p1", "p4", "p3"]}
    # p1 is at rank 4, p3 at rank 6
    scores = ranx_metrics(run, to_qrels({"q1": {"p1": 1, "p3": 1}}), ["mrr@100", "recall@5"])
    assert scores == {"mrr@100": {"q1": 0.25}, "recall@5": {"q1": 0.5}}


def test_to_qrels_keeps_questions_without_a_relevant_passage():
    qrels = to_qrels({"q2": {"d1": 2}, "q1": {}})
    assert sorted(qrels.keys()) == ["q1", "q2"]
    assert qrels["q2"] == {"d1": 2} and qrels["q1"] == {}
    assert sorted(to_qrels({"q1": {}, "q0": {}}).keys()) == ["q0", "q1"]


def test_by_language_bools():
    hits = {"a": True, "b": False, "c": True}
    assert by_language(hits, {"a": "ja", "b": "ja", "c": "fi"}) == {
        "fi": 1.0,
        "ja": 0.5,
        "avg": 0.75,
    }
    with pytest.raises(AnswerMetricsError, match="language"):
        by_language(hits, {"a": "ja"})
