"""How completely generated questions cover a corpus, per language.

:func:`summarize_coverage` makes one pass over :class:`GeneratedQueries` records
(and, optionally, over the corpus docids) and returns a :class:`CoverageSummary`,
whose :meth:`~CoverageSummary.format` prints a table for a person to read.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xqg_pyserini.data.generated import GeneratedQueries

from xqg_pyserini.languages import XOR_LANGUAGES

__all__ = ["CoverageSummary", "summarize_coverage"]

EXAMPLES = 5  # docids shown for the corpus mismatches


@dataclass(frozen=True)
class CoverageSummary:
    """Counts over the generated questions of a set of passages.

    "Questions" are those in the requested ``languages``; questions in other
    languages are only counted in ``other_languages``.
    """

    languages: tuple[str, ...]
    passages: int
    """Passages (lines) read."""
    passages_with_questions: int
    """Passages with at least one question in a requested language."""
    passages_without_questions: int
    """Passages with no question in any requested language."""
    passages_with_all_languages: int
    """Passages with at least one question in every requested language."""
    questions_per_language: dict[str, int]
    passages_per_language: dict[str, int]
    """Passages with at least one question in the language."""
    empty_questions: int
    """Questions (requested languages) that are empty or only whitespace."""
    other_languages: dict[str, int] = field(default_factory=dict)
    """Languages seen but not requested: their number of questions."""
    corpus_passages: int | None = None
    """Corpus docids given (None when no corpus was given)."""
    missing_from_files: int | None = None
    """Corpus passages that have no line in the files."""
    not_in_corpus: int | None = None
    """Docids in the files that are not in the corpus."""
    missing_examples: tuple[str, ...] = ()
    not_in_corpus_examples: tuple[str, ...] = ()

    @property
    def questions(self) -> int:
        """Questions in the requested languages, in total."""
        return sum(self.questions_per_language.values())

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict of all fields, plus the total ``questions``."""
        return {**asdict(self), "languages": list(self.languages), "questions": self.questions}

    def format(self) -> str:
        """A table for a terminal: overall counts, one row per language, corpus check."""
        n = self.passages
        rows = [
            _row("passages read", n),
            _row(
                f"  with questions (in {' '.join(self.languages)})", self.passages_with_questions, n
            ),
            _row(
                f"  with questions in all {len(self.languages)} languages",
                self.passages_with_all_languages,
                n,
            ),
            _row("  without questions", self.passages_without_questions, n),
            "",
            f"{'language':<10}{'passages':>12}{'':>8}{'questions':>14}{'per passage':>13}",
        ]
        for lang in self.languages:
            have, count = self.passages_per_language[lang], self.questions_per_language[lang]
            mean = f"{count / have:.2f}" if have else "-"
            rows.append(f"{lang:<10}{have:>12,}{_pct(have, n):>8}{count:>14,}{mean:>13}")
        rows.append(f"{'total':<10}{'':>20}{self.questions:>14,}")
        if self.empty_questions:
            rows.append(_row("empty questions", self.empty_questions))
        if self.other_languages:
            other = ", ".join(f"{k} ({v:,})" for k, v in sorted(self.other_languages.items()))
            rows.append(f"questions in languages not asked for: {other}")
        if self.corpus_passages is not None:
            rows += [
                "",
                _row("corpus passages", self.corpus_passages),
                _row("  missing from the files", self.missing_from_files or 0, self.corpus_passages)
                + _examples(self.missing_examples, self.missing_from_files),
                _row("  docids not in the corpus", self.not_in_corpus or 0, n)
                + _examples(self.not_in_corpus_examples, self.not_in_corpus),
            ]
        return "\n".join(rows)


def _pct(count: int, total: int) -> str:
    return f"{100 * count / total:.1f}%" if total else "-"


def _row(label: str, count: int, total: int | None = None) -> str:
    share = f"{_pct(count, total):>8}" if total is not None else ""
    return f"{label:<42}{count:>12,}{share}"


def _examples(examples: tuple[str, ...], count: int | None) -> str:
    if not examples:
        return ""
    more = ", ..." if (count or 0) > len(examples) else ""
    return f"  e.g. {', '.join(examples)}{more}"


def summarize_coverage(
    records: Iterable[GeneratedQueries],
    doc_ids: Iterable[str] | None = None,
    languages: Iterable[str] = XOR_LANGUAGES,
) -> CoverageSummary:
    """Count passages and questions per language; compare with the corpus if given.

    Parameters
    ----------
    records
        Generated questions, e.g. from :func:`read_generated_queries`.
    doc_ids
        The corpus docids (assumed unique); when given, the summary also counts
        corpus passages missing from ``records`` and docids not in the corpus.
        Both are streamed; the docids of ``records`` are kept in a set.
    languages
        The language codes asked for; others are counted in ``other_languages``.
    """
    languages = tuple(languages)
    wanted = set(languages)
    questions: Counter[str] = Counter({lang: 0 for lang in languages})
    passages_per: Counter[str] = Counter({lang: 0 for lang in languages})
    other: Counter[str] = Counter()
    passages = with_any = with_all = empty = 0
    seen: set[str] = set()
    for record in records:
        passages += 1
        if doc_ids is not None:
            seen.add(record.doc_id)
        present = 0
        for lang, qs in record.queries.items():
            if lang not in wanted:
                other[lang] += len(qs)
                continue
            questions[lang] += len(qs)
            empty += sum(1 for q in qs if not q.strip())
            if qs:
                passages_per[lang] += 1
                present += 1
        with_any += present > 0
        with_all += present == len(languages) and present > 0
    summary = CoverageSummary(
        languages=languages,
        passages=passages,
        passages_with_questions=with_any,
        passages_without_questions=passages - with_any,
        passages_with_all_languages=with_all,
        questions_per_language=dict(questions),
        passages_per_language=dict(passages_per),
        empty_questions=empty,
        other_languages=dict(other),
    )
    if doc_ids is None:
        return summary
    return _compare_with_corpus(summary, seen, doc_ids)


def _compare_with_corpus(
    summary: CoverageSummary, seen: set[str], doc_ids: Iterable[str]
) -> CoverageSummary:
    corpus = missing = 0
    missing_examples: list[str] = []
    for doc_id in doc_ids:
        corpus += 1
        if doc_id in seen:
            seen.discard(doc_id)  # what remains at the end is not in the corpus
        else:
            missing += 1
            if len(missing_examples) < EXAMPLES:
                missing_examples.append(doc_id)
    return replace(
        summary,
        corpus_passages=corpus,
        missing_from_files=missing,
        not_in_corpus=len(seen),
        missing_examples=tuple(missing_examples),
        not_in_corpus_examples=tuple(heapq.nsmallest(EXAMPLES, seen)),
    )
