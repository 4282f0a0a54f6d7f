"""The kernel of R@kt: the first k tokens of a ranking, each passage tokenised once.

Private to :mod:`xqg_pyserini.eval.recall_kt`, which documents the metric.
:func:`first_k_tokens` cuts the token stream of a ranking's passages after k
tokens; :class:`PassageTokens` tokenises each passage once for every ranking and
k. NLTK's tokenizer dominates the cost (about 1.5 ms a passage with NLTK 3.10),
so :func:`prefetch_tokens` can tokenise, in worker processes, the passages the
first k tokens will need; the scoring loop itself is unchanged and only finds
them cached.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import NamedTuple

__all__ = ["MissingPassage", "PassageTokens", "first_k_tokens", "prefetch_tokens"]


class MissingPassage(KeyError):
    """A ranked docid that is not among the passages (its only argument)."""


class _Tokens(NamedTuple):
    text: str  # the tokens joined by single spaces
    count: int
    tokens: tuple[str, ...] | None  # kept only when a token itself holds a space

    def head(self, n: int) -> str:
        """The first ``n`` tokens joined by single spaces."""
        if n >= self.count:
            return self.text
        if self.tokens is not None:
            return " ".join(self.tokens[:n])
        return " ".join(self.text.split(" ", n)[:n])


class PassageTokens:
    """Tokenises each passage once, keeping one joined string (not a token list) per docid.

    The joined form is about nine times smaller than a list of token objects, and
    NLTK's tokens never hold a space, so splitting it on single spaces gives the
    tokens back; a tokenizer whose tokens do hold spaces gets its tuple kept.
    """

    def __init__(self, passages: Mapping[str, str], tokenize: Callable[[str], list[str]]):
        self._passages = passages
        self._tokenize = tokenize
        self._cache: dict[str, _Tokens] = {}
        self._token_total = 0

    def __len__(self) -> int:
        return len(self._cache)

    def get(self, docid: str) -> _Tokens:
        """The tokens of ``docid``; :class:`MissingPassage` when it is not among the passages."""
        cached = self._cache.get(docid)
        if cached is None:
            cached = self.put(docid, self._tokenize(self.text(docid)))
        return cached

    def text(self, docid: str) -> str:
        try:
            return self._passages[docid]
        except KeyError:
            raise MissingPassage(docid) from None

    def put(self, docid: str, tokens: list[str]) -> _Tokens:
        spaced = any(" " in token for token in tokens)
        value = _Tokens(" ".join(tokens), len(tokens), tuple(tokens) if spaced else None)
        self._cache[docid] = value
        self._token_total += value.count
        return value

    def mean_count(self) -> float | None:
        """Mean tokens per cached passage; None while nothing is cached."""
        return self._token_total / len(self._cache) if self._cache else None

    def needed(
        self, docids: Sequence[str], limit: int, absent: set[str], mean: float | None
    ) -> list[str]:
        """Uncached docids that the first ``limit`` tokens of ``docids`` probably need.

        ``mean`` is the expected tokens per passage; None asks for just one passage.
        """
        total = 0
        for rank, docid in enumerate(docids):
            if docid in absent:
                return []  # the scoring loop reports it
            cached = self._cache.get(docid)
            if cached is None:
                more = 1 if mean is None else math.ceil((limit - total) / max(mean, 1.0))
                return [d for d in docids[rank : rank + more] if d not in self._cache]
            total += cached.count
            if total >= limit:
                return []
        return []


def _first_tokens(parts: Sequence[_Tokens], k: int) -> str:
    out: list[str] = []
    left = k
    for part in parts:
        if left <= 0:
            break
        out.append(part.head(left))
        left -= part.count
    return " ".join(out)


def first_k_tokens(
    docids: Iterable[str], tokens: PassageTokens, ks: Sequence[int]
) -> dict[int, str]:
    """``{k: the first k tokens of the ranked passages, joined by single spaces}``.

    The official loop stops once it holds at least k tokens and then cuts to k,
    so every k's string is the first k tokens of one shared stream (all of it
    when shorter), and passages past ``max(ks)`` tokens are never tokenised.
    """
    parts: list[_Tokens] = []
    total, limit = 0, max(ks)
    for docid in docids:
        part = tokens.get(docid)
        if part.count:  # an empty passage adds no token, hence no separator
            parts.append(part)
            total += part.count
        if total >= limit:
            break
    return {k: _first_tokens(parts, k) for k in ks}


def prefetch_tokens(
    rankings: Iterable[Sequence[str]],
    tokens: PassageTokens,
    limit: int,
    processes: int,
    tokenize: Callable[[str], list[str]],
    initializer: Callable[[], object] | None = None,
) -> None:
    """Tokenise in ``processes`` workers the passages the first ``limit`` tokens need.

    Works in rounds: the first tokenises the top passage of every ranking, to
    learn the mean passage length; each later one guesses from that mean how
    many more passages every unfinished ranking needs. A guess too short costs
    another round, one too long a few passages the scoring would not have
    tokenised. ``tokenize`` must be picklable.
    """
    from concurrent.futures import ProcessPoolExecutor

    rankings = list(rankings)
    absent: set[str] = set()
    with ProcessPoolExecutor(processes, initializer=initializer) as pool:
        while True:
            mean = tokens.mean_count()
            needed = dict.fromkeys(
                docid
                for ranking in rankings
                for docid in tokens.needed(ranking, limit, absent, mean)
            )
            texts: dict[str, str] = {}
            for docid in needed:
                try:
                    texts[docid] = tokens.text(docid)
                except MissingPassage:
                    absent.add(docid)
            if not texts:
                return
            chunk = max(1, len(texts) // (processes * 8))
            for docid, result in zip(
                texts, pool.map(tokenize, texts.values(), chunksize=chunk), strict=True
            ):
                tokens.put(docid, result)
