"""Figure 5: time to score R@2kt and R@5kt for 2,000 questions x 100 hits.

Synthetic run over the demo collection's 5,500 real English passages (so NLTK
tokenises real text): each question's 100 hits are drawn at random from the
collection, and its answer is a 2-word span of one of its top-30 hits, so
about half the questions score. Timed once with one process and once with two
(``recall_at_k_tokens(processes=...)``), alternating.
"""

from __future__ import annotations

import random
import time
from typing import Any

from benchmarks.common import Figure, median
from benchmarks.corpora import LANGUAGES, DemoData

__all__ = ["measure_evaluation"]

SECTION = "5 evaluation"


def _synthetic_run(demo: DemoData, questions: int, hits: int, seed: int = 0):  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    ids = [p["id"] for p in demo.passages]
    text = {p["id"]: p["text"] for p in demo.passages}
    run, answers, langs = {}, {}, {}
    for i in range(questions):
        qid = f"q{i}"
        run[qid] = rng.sample(ids, hits)
        words = text[run[qid][rng.randrange(30)]].split()
        start = rng.randrange(max(1, len(words) - 2))
        answers[qid] = [" ".join(words[start : start + 2])] if i % 2 == 0 else ["no such answer"]
        langs[qid] = LANGUAGES[i % len(LANGUAGES)]
    return run, text, answers, langs


def measure_evaluation(
    demo: DemoData, questions: int, hits: int, repetitions: int
) -> tuple[list[Figure], dict[str, Any]]:
    from xqg_pyserini.eval.nltk_data import nltk_word_tokenize
    from xqg_pyserini.eval.rankings import ranked_run
    from xqg_pyserini.eval.recall_kt import recall_at_k_tokens

    nltk_word_tokenize()("warm up the tokenizer data.")
    rankings, text, answers, langs = _synthetic_run(demo, questions, hits)
    run = ranked_run(rankings)  # the ranx Run R@kt takes, built outside the timing
    times: dict[int, list[float]] = {1: [], 2: []}
    score = None
    for _ in range(repetitions):
        for processes in (1, 2):
            start = time.perf_counter()
            result = recall_at_k_tokens(
                run, text, answers, langs, (2000, 5000), processes=processes
            )
            times[processes].append(time.perf_counter() - start)
            score = result.average
    one, two = median(times[1]), median(times[2])
    distinct = len({d for docids in rankings.values() for d in docids})
    figures = [
        Figure(
            "eval.time_1proc",
            f"R@2kt+R@5kt, {questions} q x {hits} hits, 1 process",
            one,
            "s",
            SECTION,
        ),
        Figure(
            "eval.time_2proc",
            f"R@2kt+R@5kt, {questions} q x {hits} hits, 2 processes",
            two,
            "s",
            SECTION,
        ),
        Figure(
            "eval.speedup",
            "2 processes / 1 process speed",
            one / two,
            "x",
            SECTION,
            ratio=one / two,
        ),
        Figure(
            "eval.ms_per_passage",
            "time per distinct passage, 1 process",
            1000 * one / distinct,
            "ms",
            SECTION,
            note=f"{distinct} distinct passages",
        ),
    ]
    return figures, {"seconds": times, "distinct_passages": distinct, "average": score}
