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
from typing import TYPE_CHECKING, Any

from xqg_pyserini.errors import XqgError
from xqg_pyserini.eval._ranking_tokens import (
    MissingPassage,
    PassageTokens,
    first_k_tokens,
    prefetch_tokens,
)
from xqg_pyserini.eval.answers import (
    MissingPolicy,
    MissingQuestionsWarning,
    answer_spans,
    check_missing_policy,
    missing_questions,
)
from xqg_pyserini.eval.nltk_data import ensure_punkt_tab, nltk_word_tokenize
from xqg_pyserini.eval.rankings import ranked_docids

if TYPE_CHECKING:
    from ranx import Run

__all__ = [
    "MissingQuestionsWarning",
    "RecallKtError",
    "RecallKtResult",
    "nltk_word_tokenize",
    "passage_token_cache",
    "recall_at_k_tokens",
    "recall_at_k_tokens_trec",
]


class RecallKtError(XqgError, ValueError):
    """Inputs R@kt cannot score: an unknown passage or language, bad answers or ks."""


@dataclass(frozen=True)
class RecallKtResult:
    """R@kt scores, per language and macro-averaged, on a 0-100 scale.

    Attributes
    ----------
    ks : tuple of int
        The numbers of tokens k read per ranking, e.g. ``(2000, 5000)``.
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


def _check_ks(ks: Iterable[int]) -> tuple[int, ...]:
    checked = tuple(dict.fromkeys(ks))
    if not checked or any(isinstance(k, bool) or not isinstance(k, int) or k < 1 for k in checked):
        raise RecallKtError(f"ks must be positive integers (tokens per ranking), got {ks!r}")
    return checked


def _language(languages: Mapping[str, str], qid: str) -> str:
    try:
        return languages[qid]
    except KeyError:
        raise RecallKtError(f"no language given for question {qid!r}") from None


def recall_at_k_tokens(
    run: Run,
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
    run : ranx.Run
        Read in rank order (:func:`~xqg_pyserini.eval.run_file.read_run` keeps a
        TREC file's; :func:`~xqg_pyserini.eval.rankings.ranked_run` builds one
        from ``{qid: [docid, ...]}``). Questions without answers are ignored.
    passages : mapping
        ``{docid: passage text}`` (the corpus ``text`` field, no title); only the
        passages needed to reach ``max(ks)`` tokens are read.
    answers : mapping
        ``{qid: [answer, ...]}``; "yes"/"no" are dropped and a question left with
        none is skipped.
    languages : mapping
        ``{qid: language code}`` (the question's ``lang`` field).
    ks : iterable of int
        How many tokens of each ranking to read; R@2kt and R@5kt by default.
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
    TypeError
        When ``run`` is not a ranx ``Run``.
    """
    ks = _check_ks(ks)
    check_missing_policy(missing, RecallKtError)
    if isinstance(processes, bool) or not isinstance(processes, int) or processes < 1:
        raise RecallKtError(f"processes must be a positive integer, got {processes!r}")
    rankings = ranked_docids(run)
    spans = answer_spans(answers, RecallKtError)
    absent = missing_questions(spans, rankings)
    if absent:
        _warn_missing(absent, sum(map(bool, spans.values())), missing)
    tokens = _tokens(rankings, spans, passages, tokenize, processes, max(ks), token_cache)
    hits: dict[int, dict[str, bool]] = {k: {} for k in ks}
    lang_of: dict[str, str] = {}
    for qid, docids in rankings.items():
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
    rankings: Mapping[str, Sequence[str]],
    spans: dict[str, list[str]],
    passages: Mapping[str, str],
    tokenize: Callable[[str], list[str]] | None,
    processes: int,
    limit: int,
    cache: PassageTokens | None = None,
) -> PassageTokens:
    initializer = None
    if tokenize is None:
        # Workers started without fork must find the punkt_tab data themselves.
        tokenize, initializer = nltk_word_tokenize(), ensure_punkt_tab
    tokens = cache if cache is not None else PassageTokens(passages, tokenize)
    if processes > 1:
        needed = (docids for qid, docids in rankings.items() if spans.get(qid))
        prefetch_tokens(needed, tokens, limit, processes, tokenize, initializer)
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
    try:
        texts = first_k_tokens(docids, tokens, ks)
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


def recall_at_k_tokens_trec(
    path: str | Path,
    passages: Mapping[str, str],
    answers: Mapping[str, Sequence[str]],
    languages: Mapping[str, str],
    ks: Iterable[int] = (2000, 5000),
    **options: Any,
) -> RecallKtResult:
    """:func:`recall_at_k_tokens` of a TREC run file as Pyserini writes it.

    The file is read with :func:`~xqg_pyserini.eval.run_file.read_run` (its rank
    order kept); ``options`` are :func:`recall_at_k_tokens`' keywords.

    Raises
    ------
    RunFormatError
        On a malformed run file.
    RecallKtError
        As :func:`recall_at_k_tokens`.
    """
    from xqg_pyserini.eval.run_file import read_run

    return recall_at_k_tokens(read_run(path), passages, answers, languages, ks, **options)
