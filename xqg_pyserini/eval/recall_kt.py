"""XOR-Retrieve's official R@2kt / R@5kt, with the same numbers as its script.

The official ``eval_xor_retrieve.py`` (AkariAsai/XORQA) scores a question as a
hit when an answer is a raw, case-sensitive substring of the first ``k`` NLTK
``word_tokenize`` tokens of the retrieved passage texts (no titles), in rank
order, joined by single spaces. Answers "yes" and "no" are dropped and a question
left with no answer is skipped. Per language the score is hits / questions in the
predictions * 100, and the reported number is the macro average over languages.

Differences that do not change a digit: every distinct passage is tokenised
once (the script re-tokenises per question and per ``k``), and all ``k`` share
one token stream. The one trap of the script, that a question absent from the
predictions silently leaves the denominator, is kept (``missing="report"``) but
raised as a :class:`MissingQuestionsWarning` and listed in the result;
``missing="miss"`` counts such questions as misses instead.
"""

from __future__ import annotations

import statistics
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from xqg_pyserini.errors import XqgError
from xqg_pyserini.eval._token_budget import (
    MissingPassage,
    PassageTokens,
    budget_strings,
    prefetch,
)
from xqg_pyserini.eval.run_file import Hit, read_trec_run

__all__ = [
    "MissingQuestionsWarning",
    "RecallKtError",
    "RecallKtResult",
    "nltk_word_tokenize",
    "passage_token_cache",
    "ranked_docids",
    "recall_at_k_tokens",
    "recall_at_k_tokens_trec",
]

MissingPolicy = Literal["report", "miss"]
_MISSING_POLICIES = ("report", "miss")
#: Answers the official script drops before matching (exact, case-sensitive).
_BOOLEAN_ANSWERS = frozenset({"yes", "no"})


class RecallKtError(XqgError, ValueError):
    """Inputs R@kt cannot score: an unknown passage or language, bad answers or ks."""


class MissingQuestionsWarning(UserWarning):
    """Answerable questions that the run does not contain."""


@dataclass(frozen=True)
class RecallKtResult:
    """R@kt scores, per language and macro-averaged, on a 0-100 scale.

    Attributes
    ----------
    ks : tuple of int
        The token budgets, e.g. ``(2000, 5000)``.
    per_language : dict
        ``{k: {lang: score}}`` for languages with at least one scored question,
        languages sorted.
    average : dict
        ``{k: macro average over per_language[k]}`` (the reported number).
    hits : dict
        ``{k: {qid: bool}}`` for every scored question (for paired tests).
    questions : dict
        ``{lang: number of scored questions}``.
    missing : tuple of str
        Answerable questions absent from the run; scored as misses only when
        ``missing_policy == "miss"``.
    missing_policy : str
        ``"report"`` (the official behaviour) or ``"miss"``.
    """

    ks: tuple[int, ...]
    per_language: dict[int, dict[str, float]]
    average: dict[int, float]
    hits: dict[int, dict[str, bool]]
    questions: dict[str, int]
    missing: tuple[str, ...]
    missing_policy: str

    def format(self) -> str:
        """A plain-text table: one row per language, then the average."""
        names = [f"R@{k // 1000}kt" if k % 1000 == 0 else f"R@{k}t" for k in self.ks]
        header = f"{'lang':<6}{'n':>6}" + "".join(f"{name:>10}" for name in names)
        rows = [header]
        for lang, n in self.questions.items():
            scores = "".join(f"{self.per_language[k][lang]:>10.2f}" for k in self.ks)
            rows.append(f"{lang:<6}{n:>6}{scores}")
        total = sum(self.questions.values())
        rows.append(f"{'avg':<6}{total:>6}" + "".join(f"{self.average[k]:>10.2f}" for k in self.ks))
        if self.missing:
            how = "counted as misses" if self.missing_policy == "miss" else "not counted"
            rows.append(f"{len(self.missing)} answerable questions missing from the run ({how})")
        return "\n".join(rows)


def _span_answers(answers: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    spans = {}
    for qid, values in answers.items():
        if isinstance(values, str):
            raise RecallKtError(f"answers of question {qid!r} must be a list of strings, not a str")
        spans[qid] = [answer for answer in values if answer not in _BOOLEAN_ANSWERS]
    return spans


def _check_ks(ks: Iterable[int]) -> tuple[int, ...]:
    checked = tuple(dict.fromkeys(ks))
    if not checked or any(isinstance(k, bool) or not isinstance(k, int) or k < 1 for k in checked):
        raise RecallKtError(f"ks must be positive integers (token budgets), got {ks!r}")
    return checked


def _language(languages: Mapping[str, str], qid: str) -> str:
    try:
        return languages[qid]
    except KeyError:
        raise RecallKtError(f"no language given for question {qid!r}") from None


def nltk_word_tokenize() -> Callable[[str], list[str]]:
    """NLTK's ``word_tokenize`` with default arguments, its data built offline if needed."""
    from xqg_pyserini.eval.nltk_data import ensure_punkt_tab

    ensure_punkt_tab()
    from nltk.tokenize import word_tokenize

    return word_tokenize


def recall_at_k_tokens(
    run: Mapping[str, Sequence[str]],
    passages: Mapping[str, str],
    answers: Mapping[str, Sequence[str]],
    languages: Mapping[str, str],
    ks: Iterable[int] = (2000, 5000),
    *,
    missing: MissingPolicy = "report",
    tokenize: Callable[[str], list[str]] | None = None,
    processes: int = 1,
    token_cache: PassageTokens | None = None,
) -> RecallKtResult:
    """Score a run with XOR-Retrieve's official R@kt.

    Parameters
    ----------
    run : mapping
        ``{qid: [docid, ...]}``, best first. Questions without answers are ignored.
    passages : mapping
        ``{docid: passage text}`` (the corpus ``text`` field, no title); only the
        passages needed to reach ``max(ks)`` tokens are read.
    answers : mapping
        ``{qid: [answer, ...]}``; "yes"/"no" are dropped and a question left with
        none is skipped.
    languages : mapping
        ``{qid: language code}`` (the question's ``lang`` field).
    ks : iterable of int
        Token budgets; R@2kt and R@5kt by default.
    missing : {"report", "miss"}
        What to do with answerable questions absent from the run: leave them out
        of the denominator like the official script (and warn), or score them as misses.
    tokenize : callable, optional
        ``str -> list[str]``; NLTK ``word_tokenize`` (the official choice) by default.
    processes : int
        Worker processes that tokenise passages ahead of scoring (NLTK takes about
        1.5 ms a passage); scores do not depend on it. Above 1, ``tokenize`` must
        be picklable (a module-level function).
    token_cache : PassageTokens, optional
        From :func:`passage_token_cache` over the same ``passages`` and
        ``tokenize``: passages tokenised by earlier calls (other runs of the same
        questions) are not tokenised again, and this call's are kept for the next.

    Raises
    ------
    RecallKtError
        For a ranked passage not in ``passages``, a scored question without a
        language, answers given as a str, bad ``ks``, ``missing`` or
        ``processes``, or no scored question.
    """
    ks = _check_ks(ks)
    if missing not in _MISSING_POLICIES:
        raise RecallKtError(f"missing must be one of {_MISSING_POLICIES}, got {missing!r}")
    if isinstance(processes, bool) or not isinstance(processes, int) or processes < 1:
        raise RecallKtError(f"processes must be a positive integer, got {processes!r}")
    spans = _span_answers(answers)
    absent = tuple(qid for qid, span in spans.items() if span and qid not in run)
    if absent:
        _warn_missing(absent, sum(map(bool, spans.values())), missing)
    tokens = _tokens(run, spans, passages, tokenize, processes, max(ks), token_cache)
    hits: dict[int, dict[str, bool]] = {k: {} for k in ks}
    lang_of: dict[str, str] = {}
    for qid, docids in run.items():
        if spans.get(qid):
            lang_of[qid] = _language(languages, qid)
            for k, hit in _question_hits(qid, docids, spans[qid], tokens, ks).items():
                hits[k][qid] = hit
    if missing == "miss":
        for qid in absent:
            lang_of[qid] = _language(languages, qid)
            for k in ks:
                hits[k][qid] = False
    return _aggregate(ks, hits, lang_of, absent, missing)


def passage_token_cache(
    passages: Mapping[str, str], tokenize: Callable[[str], list[str]] | None = None
) -> PassageTokens:
    """A tokenised-passage cache that several :func:`recall_at_k_tokens` calls can share.

    Each passage is kept as one joined string, so a cache over 200k passages
    holds megabytes of text, not a list of token objects each.
    """
    return PassageTokens(passages, tokenize if tokenize is not None else nltk_word_tokenize())


def _tokens(
    run: Mapping[str, Sequence[str]],
    spans: dict[str, list[str]],
    passages: Mapping[str, str],
    tokenize: Callable[[str], list[str]] | None,
    processes: int,
    limit: int,
    cache: PassageTokens | None = None,
) -> PassageTokens:
    initializer = None
    if tokenize is None:
        from xqg_pyserini.eval.nltk_data import ensure_punkt_tab

        # Workers started without fork must find the punkt_tab data themselves.
        tokenize, initializer = nltk_word_tokenize(), ensure_punkt_tab
    tokens = cache if cache is not None else PassageTokens(passages, tokenize)
    if processes > 1:
        rankings = (docids for qid, docids in run.items() if spans.get(qid))
        prefetch(rankings, tokens, limit, processes, tokenize, initializer)
    return tokens


def _warn_missing(absent: tuple[str, ...], answerable: int, missing: str) -> None:
    how = "scored as misses" if missing == "miss" else "left out of the scores"
    warnings.warn(
        f"{len(absent)} of {answerable} answerable questions are missing from the run "
        f"and are {how} (first: {', '.join(absent[:5])})",
        MissingQuestionsWarning,
        stacklevel=3,
    )


def _question_hits(
    qid: str, docids: Sequence[str], span: list[str], tokens: PassageTokens, ks: tuple[int, ...]
) -> dict[int, bool]:
    if docids and not isinstance(docids[0], str):
        raise RecallKtError(
            f"the run must map each question to docids (str), got {type(docids[0]).__name__} "
            f"for {qid!r}; convert read_trec_run's hits with ranked_docids()"
        )
    try:
        texts = budget_strings(docids, tokens, ks)
    except MissingPassage as error:
        raise RecallKtError(
            f"the run ranks passage {error.args[0]!r} for question {qid!r}, "
            "but it is not in the passages given"
        ) from None
    return {k: any(answer in text for answer in span) for k, text in texts.items()}


def _aggregate(
    ks: tuple[int, ...],
    hits: dict[int, dict[str, bool]],
    lang_of: dict[str, str],
    absent: tuple[str, ...],
    missing: str,
) -> RecallKtResult:
    if not lang_of:
        raise RecallKtError(
            "no question could be scored: the run shares no question with the answers "
            f"({len(absent)} answerable questions missing from it)"
        )
    questions: dict[str, int] = {}
    for lang in sorted(lang_of.values()):
        questions[lang] = questions.get(lang, 0) + 1
    per_language: dict[int, dict[str, float]] = {}
    for k in ks:
        found = dict.fromkeys(questions, 0)
        for qid, hit in hits[k].items():
            found[lang_of[qid]] += hit
        # Same arithmetic as the script: (hit / count) * 100, then statistics.mean.
        per_language[k] = {lang: found[lang] / questions[lang] * 100 for lang in questions}
    average = {k: statistics.mean(per_language[k].values()) for k in ks}
    return RecallKtResult(ks, per_language, average, hits, questions, absent, missing)


def ranked_docids(run: Mapping[str, Sequence[Hit]]) -> dict[str, list[str]]:
    """``{qid: [Hit, ...]}`` as :func:`read_trec_run` gives it -> ``{qid: [docid, ...]}`` by rank.

    Hits are ordered by their rank column; equal ranks keep the file's order.
    """
    return {
        qid: [hit.doc_id for hit in sorted(hits, key=lambda hit: hit.rank)]
        for qid, hits in run.items()
    }


def recall_at_k_tokens_trec(
    path: str | Path,
    passages: Mapping[str, str],
    answers: Mapping[str, Sequence[str]],
    languages: Mapping[str, str],
    ks: Iterable[int] = (2000, 5000),
    *,
    missing: MissingPolicy = "report",
    tokenize: Callable[[str], list[str]] | None = None,
    processes: int = 1,
) -> RecallKtResult:
    """:func:`recall_at_k_tokens` of a TREC run file as Pyserini writes it.

    Raises
    ------
    RunFormatError
        On a malformed run file.
    RecallKtError
        As :func:`recall_at_k_tokens`.
    """
    run = ranked_docids(read_trec_run(path))
    return recall_at_k_tokens(
        run,
        passages,
        answers,
        languages,
        ks,
        missing=missing,
        tokenize=tokenize,
        processes=processes,
    )
