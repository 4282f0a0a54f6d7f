"""XOR-Retrieve's official R@kt on hand-computed cases, and against a literal oracle.

NLTK word_tokenize of the fixture passages (checked by test_tokens_of_the_fixture):
  p1 "Alpha beta, gamma."  -> Alpha beta , gamma .      (5 tokens)
  p2 "Delta epsilon zeta." -> Delta epsilon zeta .      (4 tokens)
  p3 "Yes it is."          -> Yes it is .               (4 tokens)
  p4 "Eta theta."          -> Eta theta .               (3 tokens)
so the run [p1, p2] is the stream "Alpha beta , gamma . Delta epsilon zeta .".
"""

from __future__ import annotations

import random
import statistics
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

pytest.importorskip("nltk")
pytest.importorskip("punkt.data.english")

from xqg_pyserini.eval import answers  # noqa: E402
from xqg_pyserini.eval.answer_metrics import AnswerMetricsError, answer_qrels  # noqa: E402
from xqg_pyserini.eval.answers import answer_spans  # noqa: E402
from xqg_pyserini.eval.nltk_data import nltk_word_tokenize  # noqa: E402
from xqg_pyserini.eval.rankings import ranked_docids, ranked_run  # noqa: E402
from xqg_pyserini.eval.recall_kt import (  # noqa: E402
    MissingQuestionsWarning,
    RecallKtError,
    RecallKtResult,
    recall_at_k_tokens,
    recall_at_k_tokens_trec,
)
from xqg_pyserini.eval.run_file import read_run  # noqa: E402

Tokenize = Callable[[str], list[str]]
Rankings = dict[str, list[str]]

PASSAGES = {
    "p1": "Alpha beta, gamma.",
    "p2": "Delta epsilon zeta.",
    "p3": "Yes it is.",
    "p4": "Eta theta.",
}


@pytest.fixture(scope="session")
def word_tokenize(tmp_path_factory: pytest.TempPathFactory) -> Tokenize:
    """NLTK's word_tokenize, its punkt_tab built into a temporary cache if needed."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XQG_PYSERINI_CACHE", str(tmp_path_factory.mktemp("xqg-cache")))
        return nltk_word_tokenize()


def recall(rankings: Rankings, *args, **kwargs) -> RecallKtResult:
    """:func:`recall_at_k_tokens` of ``{qid: [docid, ...]}`` as a ranx Run in that order."""
    return recall_at_k_tokens(ranked_run(rankings), *args, **kwargs)


def one_question(
    answers: list[str], ks: tuple[int, ...], word_tokenize: Tokenize, run=("p1", "p2")
) -> dict[int, bool]:
    result = recall(
        {"q": list(run)}, PASSAGES, {"q": answers}, {"q": "ar"}, ks, tokenize=word_tokenize
    )
    return {k: result.hits[k]["q"] for k in ks}


def test_tokens_of_the_fixture(word_tokenize: Tokenize) -> None:
    assert [len(word_tokenize(text)) for text in PASSAGES.values()] == [5, 4, 4, 3]
    assert word_tokenize(PASSAGES["p1"]) == ["Alpha", "beta", ",", "gamma", "."]


def test_the_cut_at_k_tokens_falls_inside_a_passage(word_tokenize: Tokenize) -> None:
    # k=7 keeps "Alpha beta , gamma . Delta epsilon": zeta (token 8) is cut off.
    assert one_question(["zeta"], (7, 8), word_tokenize) == {7: False, 8: True}
    assert one_question(["epsilon"], (6, 7), word_tokenize) == {6: False, 7: True}


def test_answer_spanning_two_passages(word_tokenize: Tokenize) -> None:
    assert one_question(["gamma . Delta"], (5, 6), word_tokenize) == {5: False, 6: True}


def test_multi_token_answers_match_the_tokenised_text(word_tokenize: Tokenize) -> None:
    assert one_question(["Delta epsilon"], (6, 7), word_tokenize) == {6: False, 7: True}
    # The comma became its own token, so the raw answer no longer matches.
    assert one_question(["beta, gamma"], (9,), word_tokenize) == {9: False}
    assert one_question(["beta , gamma"], (9,), word_tokenize) == {9: True}


def test_case_sensitive_raw_substring(word_tokenize: Tokenize) -> None:
    assert one_question(["alpha"], (9,), word_tokenize) == {9: False}
    assert one_question(["ALPHA"], (9,), word_tokenize) == {9: False}
    assert one_question(["Alpha"], (9,), word_tokenize) == {9: True}
    assert one_question(["lph"], (9,), word_tokenize) == {9: True}  # not token-aligned


def test_yes_no_answers_dropped_and_empty_questions_skipped(word_tokenize: Tokenize) -> None:
    answers = {
        "qa": ["yes", "it is"],  # "yes" dropped, "it is" hits
        "qb": ["yes", "no"],  # nothing left: skipped
        "qc": ["Yes"],  # only lower-case yes/no are dropped: hits
        "qd": ["no", "Eta"],  # "no" dropped, "Eta" is not in p3: miss
        "qe": ["yes"],  # skipped, so not "missing" though absent from the run
    }
    run = {qid: ["p3"] for qid in ("qa", "qb", "qc", "qd")}
    result = recall(
        run, PASSAGES, answers, dict.fromkeys(answers, "fi"), (10,), tokenize=word_tokenize
    )
    assert result.hits[10] == {"qa": True, "qc": True, "qd": False}
    assert result.questions == {"fi": 3}
    assert result.per_language[10] == {"fi": 2 / 3 * 100}
    assert result.missing == ()


ANSWERS = {"q1": ["Alpha"], "q2": ["Eta"], "q3": ["zeta"], "q4": ["Delta"], "qy": ["yes"]}
LANGUAGES = {"q1": "ar", "q2": "ar", "q3": "bn", "q4": "bn", "qy": "bn"}
RUN_WITHOUT_Q2 = {"q1": ["p1"], "q3": ["p1", "p2"], "q4": ["p2"]}


def test_missing_questions_reported_and_left_out(word_tokenize: Tokenize) -> None:
    # k=6: q1 hits, q3 misses (zeta is token 8), q4 hits; q2 is missing.
    with pytest.warns(MissingQuestionsWarning, match="1 of 4 answerable .* q2"):
        result = recall(RUN_WITHOUT_Q2, PASSAGES, ANSWERS, LANGUAGES, (6,), tokenize=word_tokenize)
    assert result.missing == ("q2",)
    assert result.missing_policy == "report"
    assert result.questions == {"ar": 1, "bn": 2}
    assert result.per_language[6] == {"ar": 100.0, "bn": 50.0}
    assert result.average[6] == 75.0
    assert "q2" not in result.hits[6]


def test_missing_questions_counted_as_misses(word_tokenize: Tokenize) -> None:
    with pytest.warns(MissingQuestionsWarning, match="scored as misses"):
        result = recall(
            RUN_WITHOUT_Q2,
            PASSAGES,
            ANSWERS,
            LANGUAGES,
            (6,),
            missing="miss",
            tokenize=word_tokenize,
        )
    assert result.missing == ("q2",)
    assert result.questions == {"ar": 2, "bn": 2}
    assert result.per_language[6] == {"ar": 50.0, "bn": 50.0}
    assert result.average[6] == 50.0
    assert result.hits[6]["q2"] is False
    assert "counted as misses" in result.format()


def test_per_language_scores_and_macro_average(word_tokenize: Tokenize) -> None:
    answers = {
        "a1": ["Alpha"], "a2": ["Eta"],  # ar: 1 of 2
        "b1": ["Alpha"], "b2": ["Eta"], "b3": ["Yes"],  # bn: 1 of 3
        "f1": ["theta"],  # fi: 1 of 1
        "t1": ["no"],  # te: no scored question, so te is left out
    }  # fmt: skip
    languages = {qid: {"a": "ar", "b": "bn", "f": "fi", "t": "te"}[qid[0]] for qid in answers}
    run = {"a1": ["p1"], "a2": ["p1"], "b1": ["p1"], "b2": ["p2"], "b3": ["p2"]}
    run |= {"f1": ["p4"], "t1": ["p4"]}
    result = recall(run, PASSAGES, answers, languages, (50,), tokenize=word_tokenize)
    assert result.questions == {"ar": 2, "bn": 3, "fi": 1}
    assert result.per_language[50] == pytest.approx({"ar": 50.0, "bn": 100 / 3, "fi": 100.0})
    assert result.average[50] == pytest.approx((50 + 100 / 3 + 100) / 3)
    # Digit for digit: (hit / count) * 100 per language, then statistics.mean.
    assert result.per_language[50]["bn"] == (1 / 3) * 100
    assert result.average[50] == statistics.mean([50.0, (1 / 3) * 100, 100.0])


def test_language_comes_from_the_question(word_tokenize: Tokenize) -> None:
    run = {"q1": ["p1"], "q2": ["p1"]}
    answers = {"q1": ["Alpha"], "q2": ["zeta"]}
    result = recall(run, PASSAGES, answers, {"q1": "ja", "q2": "ko"}, (9,), tokenize=word_tokenize)
    assert result.per_language[9] == {"ja": 100.0, "ko": 0.0}
    swapped = recall(run, PASSAGES, answers, {"q1": "ko", "q2": "ja"}, (9,), tokenize=word_tokenize)
    assert swapped.per_language[9] == {"ja": 0.0, "ko": 100.0}
    with pytest.raises(RecallKtError, match="no language given for question 'q2'"):
        recall(run, PASSAGES, answers, {"q1": "ja"}, (9,), tokenize=word_tokenize)


def test_each_passage_tokenised_once(word_tokenize: Tokenize) -> None:
    calls: Counter[str] = Counter()

    def counting(text: str) -> list[str]:
        calls[text] += 1
        return word_tokenize(text)

    run = {"q1": ["p1", "p2", "p3"], "q2": ["p2", "p1"], "q3": ["p1", "p4", "p3"]}
    answers = dict.fromkeys(run, ["nothing"])
    recall(run, PASSAGES, answers, dict.fromkeys(run, "ar"), (3, 100), tokenize=counting)
    assert calls == Counter(PASSAGES.values())  # all four passages, once each

    calls.clear()
    # The first 5 tokens are in p1 (q1, q3) or p2 + p1 (q2): p3 and p4 are never tokenised.
    recall(run, PASSAGES, answers, dict.fromkeys(run, "ar"), (5,), tokenize=counting)
    assert calls == Counter({PASSAGES["p1"]: 1, PASSAGES["p2"]: 1})


def test_default_tokenizer_is_nltk(word_tokenize: Tokenize) -> None:
    result = recall({"q": ["p1"]}, PASSAGES, {"q": ["beta , gamma"]}, {"q": "ar"}, (9,))
    assert result.hits[9] == {"q": True}


def test_questions_without_answers_are_ignored(word_tokenize: Tokenize) -> None:
    run = {"q1": ["p1"], "unjudged": ["no-such-passage"]}
    result = recall(run, PASSAGES, {"q1": ["Alpha"]}, {"q1": "ar"}, (9,), tokenize=word_tokenize)
    assert result.hits[9] == {"q1": True}


def test_empty_ranking_counts_as_a_miss(word_tokenize: Tokenize) -> None:
    result = recall({"q": []}, PASSAGES, {"q": ["Alpha"]}, {"q": "ar"}, (9,))
    assert result.per_language[9] == {"ar": 0.0}


@pytest.mark.filterwarnings("ignore::xqg_pyserini.eval.recall_kt.MissingQuestionsWarning")
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"run": {"q1": ["p9"]}}, "passage 'p9' for question 'q1'"),
        ({"answers": {"q1": "Alpha"}}, "must be a list of strings"),
        ({"ks": ()}, "ks must be positive"),
        ({"ks": (0,)}, "ks must be positive"),
        ({"ks": (2.5,)}, "ks must be positive"),
        ({"ks": (True,)}, "ks must be positive"),
        ({"missing": "ignore"}, "missing must be one of"),
        ({"run": {"other": ["p1"]}}, "no question could be scored"),
    ],
)
def test_errors_name_the_problem(kwargs: dict, message: str) -> None:
    arguments = {
        "run": {"q1": ["p1"]},
        "passages": PASSAGES,
        "answers": {"q1": ["Alpha"]},
        "languages": {"q1": "ar"},
        "ks": (9,),
        "tokenize": str.split,
    } | kwargs
    with pytest.raises(RecallKtError, match=message):
        recall_at_k_tokens(ranked_run(arguments.pop("run")), **arguments)


def test_trec_run_is_read_in_rank_order(tmp_path: Path, word_tokenize: Tokenize) -> None:
    path = tmp_path / "run.trec"
    path.write_text(
        "q1 Q0 p2 2 9.0 tag\nq1 Q0 p1 1 9.5 tag\nq2 Q0 p4 1 3.0 tag\n", encoding="utf-8"
    )
    assert ranked_docids(read_run(path)) == {"q1": ["p1", "p2"], "q2": ["p4"]}
    with pytest.raises(TypeError, match="ranx.Run"):
        recall_at_k_tokens({"q1": ["p1"]}, PASSAGES, {"q1": ["x"]}, {"q1": "ar"}, (5,))
    result = recall_at_k_tokens_trec(
        path, PASSAGES, {"q1": ["Alpha"], "q2": ["Alpha"]}, {"q1": "ar", "q2": "bn"}, (2000,)
    )
    assert result.per_language[2000] == {"ar": 100.0, "bn": 0.0}
    assert result.average[2000] == 50.0
    assert result.format().splitlines() == [
        "lang       n     R@2kt",
        "ar         1    100.00",
        "bn         1      0.00",
        "avg        2     50.00",
    ]


def test_rank_column_not_file_order_decides_what_is_read(tmp_path: Path) -> None:
    # p2 is first in the file but ranked 2nd; with k=5 only the rank-1 passage (p1,
    # 5 tokens) is read, so "Delta" (p2) is not found and "gamma" (p1) is.
    path = tmp_path / "run.trec"
    path.write_text("q1 Q0 p2 2 1.0 tag\nq1 Q0 p1 1 1.0 tag\n", encoding="utf-8")
    result = recall_at_k_tokens_trec(
        path, PASSAGES, {"q1": ["Delta"]}, {"q1": "ar"}, (5,), tokenize=_pipe_or_words
    )
    assert result.hits[5] == {"q1": False}
    result = recall_at_k_tokens_trec(
        path, PASSAGES, {"q1": ["gamma"]}, {"q1": "ar"}, (5,), tokenize=_pipe_or_words
    )
    assert result.hits[5] == {"q1": True}


def _pipe_or_words(text: str) -> list[str]:
    return text.replace(",", " ,").replace(".", " .").split()


def test_yes_no_filter_is_one_filter_for_every_metric(monkeypatch: pytest.MonkeyPatch) -> None:
    # R@kt and answer relevance both drop exactly answers.BOOLEAN_ANSWERS: widening
    # that one set changes what both of them score.
    assert answer_spans({"q": ["yes", "Yes", "no", "No", "it"]}) == {"q": ["Yes", "No", "it"]}
    with pytest.raises(AnswerMetricsError, match="must be a list of strings"):
        answer_spans({"q": "yes"}, AnswerMetricsError)
    run = {"q1": ["p3"], "q2": ["p3"]}  # p3 is "Yes it is."
    spans = {"q1": ["it", "Yes"], "q2": ["it"]}
    languages = {"q1": "fi", "q2": "fi"}
    scored = recall(run, PASSAGES, spans, languages, (10,), tokenize=str.split)
    assert scored.hits[10] == {"q1": True, "q2": True}
    assert answer_qrels(run, PASSAGES, spans) == {"q1": {"p3": 1}, "q2": {"p3": 1}}
    monkeypatch.setattr(answers, "BOOLEAN_ANSWERS", frozenset({"yes", "no", "it"}))
    scored = recall(run, PASSAGES, spans, languages, (10,), tokenize=str.split)
    assert scored.hits[10] == {"q1": True}  # q2 has no answer left: skipped
    assert answer_qrels(run, PASSAGES, spans) == {"q1": {"p3": 1}}


def _oracle(run, passages, answers, languages, k, tokenize):
    """A line-by-line restatement of the official loop, with no caching or sharing."""
    per_lang: dict[str, dict[str, int]] = {}
    for qid, docids in run.items():
        if qid not in answers:
            continue
        span = [a for a in answers[qid] if a not in ["yes", "no"]]
        if not span:
            continue
        counts = per_lang.setdefault(languages[qid], {"count": 0, "hit": 0})
        counts["count"] += 1
        tokens: list[str] = []
        for docid in docids:
            tokens += tokenize(passages[docid])
            if len(tokens) >= k:
                break
        text = " ".join(tokens[:k])
        counts["hit"] += any(a in text for a in span)
    scores = {lang: c["hit"] / c["count"] * 100 for lang, c in per_lang.items()}
    return scores, statistics.mean(scores.values())


def _random_case(rng: random.Random, alphabet: str, n_passages: int, n_questions: int):
    passages = {
        f"d{i}": "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        for i in range(n_passages)
    }
    run = {f"q{i}": rng.sample(sorted(passages), rng.randint(0, 8)) for i in range(n_questions)}
    answers = {}
    for qid in run:
        pool = ["yes", "no", *("".join(rng.choice(alphabet) for _ in range(3)) for _ in range(4))]
        answers[qid] = rng.sample(pool, rng.randint(1, 3))
    languages = {qid: rng.choice(["ar", "bn", "fi"]) for qid in run}
    return run, passages, answers, languages


@pytest.mark.parametrize("seed", range(5))
def test_matches_the_official_loop_with_odd_tokens(seed: int) -> None:
    # Tokens with spaces, empty tokens and empty passages exercise every path of the cut.
    rng = random.Random(seed)
    run, passages, answers, languages = _random_case(rng, "ab |", 40, 60)

    def tokenize(text: str) -> list[str]:
        return text.split("|") if text else []

    ks = (1, 3, 7, 20, 60)
    result = recall(run, passages, answers, languages, ks, tokenize=tokenize)
    for k in ks:
        scores, average = _oracle(run, passages, answers, languages, k, tokenize)
        assert result.per_language[k] == scores
        assert result.average[k] == average


def test_matches_the_official_loop_with_nltk(word_tokenize: Tokenize) -> None:
    rng = random.Random(7)
    run, passages, answers, languages = _random_case(rng, "ab. ,'\"", 40, 60)
    ks = (2, 9, 30)
    result = recall(run, passages, answers, languages, ks, tokenize=word_tokenize)
    for k in ks:
        scores, average = _oracle(run, passages, answers, languages, k, word_tokenize)
        assert result.per_language[k] == scores
        assert result.average[k] == average


def _pipe_split(text: str) -> list[str]:
    return text.split("|") if text else []


@pytest.mark.parametrize("tokenize", [None, _pipe_split], ids=["nltk", "custom"])
def test_worker_processes_give_the_same_scores(tokenize, word_tokenize: Tokenize) -> None:
    rng = random.Random(11)
    run, passages, answers, languages = _random_case(rng, "ab .|", 60, 80)
    ks = (3, 12, 40)
    serial = recall(run, passages, answers, languages, ks, tokenize=tokenize)
    parallel = recall(run, passages, answers, languages, ks, tokenize=tokenize, processes=2)
    assert parallel == serial
    for k in ks:
        scores, _ = _oracle(run, passages, answers, languages, k, tokenize or word_tokenize)
        assert parallel.per_language[k] == scores


def test_worker_processes_report_unknown_passages() -> None:
    run = {"q1": ["p1", "p9"], "q2": ["p2"]}
    answers = {"q1": ["nothing"], "q2": ["x"]}
    with pytest.raises(RecallKtError, match="passage 'p9' for question 'q1'"):
        recall(
            run,
            PASSAGES,
            answers,
            {"q1": "ar", "q2": "ar"},
            (50,),
            tokenize=_pipe_split,
            processes=2,
        )
    with pytest.raises(RecallKtError, match="processes must be a positive integer"):
        recall(run, PASSAGES, answers, {}, (50,), tokenize=_pipe_split, processes=0)
