"""Answer checks: verbatim, tokenisation-proof and distinctive.

XOR-Retrieve's R@kt counts a hit when an answer string occurs in the first k
tokens of the retrieved passages. An answer that occurs in many passages (a
capital every city passage mentions, a bare year) would make that trivially
true, so an answer is accepted only if it occurs in at most ``limit`` passages
of the whole collection, occurs verbatim in its gold passage, and survives
NLTK's word tokenisation of that passage (tokens joined by single spaces).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

__all__ = ["AnswerIndex"]

_BANNED = {"yes", "no"}


class AnswerIndex:
    """Counts how many passages contain a string; caches tokenised texts."""

    def __init__(self, texts: Sequence[str], limit: int = 3) -> None:
        self.texts = list(texts)
        self.limit = limit
        self._blob = "\n".join(self.texts)
        self._starts = []
        offset = 0
        for text in self.texts:
            self._starts.append(offset)
            offset += len(text) + 1
        self._counts: dict[str, int] = {}
        self._tokenised: dict[int, str] = {}

    def count(self, answer: str) -> int:
        """Passages containing ``answer`` (counting stops at ``limit + 1``)."""
        if answer not in self._counts:
            seen: set[int] = set()
            at = self._blob.find(answer)
            while at >= 0 and len(seen) <= self.limit:
                seen.add(bisect.bisect_right(self._starts, at) - 1)
                at = self._blob.find(answer, at + 1)
            self._counts[answer] = len(seen)
        return self._counts[answer]

    def tokenised(self, index: int) -> str:
        if index not in self._tokenised:
            from nltk.tokenize import word_tokenize

            # preserve_line avoids needing the punkt model; sentence splitting only
            # detaches sentence-final full stops, and answers never end in one.
            tokens = word_tokenize(self.texts[index], preserve_line=True)
            self._tokenised[index] = " ".join(tokens)
        return self._tokenised[index]

    def why_not(self, answer: str, index: int) -> str | None:
        """None when ``answer`` is usable for passage ``index``, else the reason."""
        if not answer or answer.lower() in _BANNED:
            return "empty or yes/no"
        if answer.endswith("."):
            return "ends with a full stop"
        if answer not in self.texts[index]:
            return "not in the gold passage"
        if answer not in self.tokenised(index):
            return "split by word tokenisation"
        if self.count(answer) > self.limit:
            return f"in more than {self.limit} passages"
        return None

    def widen(self, answer: str, index: int) -> str | None:
        """The shortest span of the gold passage around ``answer`` that is usable.

        Used for the hand-written gold answers (e.g. the year ``794`` also occurs
        inside population figures): words of the passage are added on the left,
        then the right, until the span is distinctive.
        """
        if self.why_not(answer, index) is None:
            return answer
        words = self.texts[index].split()
        for size in range(2, 7):
            for start in range(len(words) - size + 1):
                span = " ".join(words[start : start + size]).strip(",.;:()\"'")
                if answer in span and self.why_not(span, index) is None:
                    return span
        return None
