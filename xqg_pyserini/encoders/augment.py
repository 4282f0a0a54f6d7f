"""xQG passage augmentation: fold a passage's generated questions into its vector.

For passage p with vector e(p) and generated questions q_1..q_n (the requested
languages, at most ``queries_per_language`` each), every question embedded by
the same encoder *as a query* (query prefix, query max length)::

    e'(p) = (1 - alpha) * e(p) + alpha * SUM_i e(q_i)      (method "sum", the authors')
    e'(p) = (1 - alpha) * e(p) + alpha * MEAN_i e(q_i)     (method "mean")

Vectors are mixed as the encoder returns them (L2-normalised first when the
settings say so) and are not renormalised after mixing. A passage with no
question left after the language filter and the cap keeps e(p) exactly.

:class:`PassageAugmenter` works one chunk of passages at a time, in length-sorted
question batches of at most ``max_padded_tokens`` padded tokens, so memory is
bounded by the chunk. It can serve several variants sharing the languages (the
ablation's caps 1..N): each question is encoded once, for all of them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from math import inf
from typing import TYPE_CHECKING, Any

import numpy as np

from xqg_pyserini.encoders.batching import QuestionEncoder, encode_query_batches
from xqg_pyserini.languages import XOR_LANGUAGES

if TYPE_CHECKING:
    pass

__all__ = [
    "AUGMENT_METHODS",
    "AugmentSettings",
    "AugmentSummary",
    "PassageAugmenter",
    "mix",
    "select_questions",
]

AUGMENT_METHODS = ("sum", "mean")
QueriesByLanguage = Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class AugmentSettings:
    """How generated questions change passage vectors; defaults reproduce the paper.

    Parameters
    ----------
    alpha
        Weight of the questions, in [0, 1]; 0 leaves every vector unchanged.
    method
        ``sum`` (the authors': 35 questions at alpha 0.01 weigh 0.35) or ``mean``.
    languages
        Language codes whose questions are used; others are ignored (and counted).
    queries_per_language
        Use only the first N questions of each language (the paper's 1..5
        ablation); None uses all.
    """

    alpha: float = 0.01
    method: str = "sum"
    languages: tuple[str, ...] = XOR_LANGUAGES
    queries_per_language: int | None = None

    def __post_init__(self) -> None:
        if not 0.0 <= self.alpha <= 1.0:
            raise ValueError(f"alpha must be in [0, 1], got {self.alpha}")
        if self.method not in AUGMENT_METHODS:
            choices = ", ".join(AUGMENT_METHODS)
            raise ValueError(f"augmentation method must be one of {choices}, got {self.method!r}")
        if not self.languages or not all(self.languages):
            raise ValueError("languages must be one or more non-empty language codes")
        if self.queries_per_language is not None and self.queries_per_language < 1:
            raise ValueError(
                f"queries per language must be at least 1, got {self.queries_per_language}"
            )
        object.__setattr__(self, "languages", tuple(self.languages))

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "languages": list(self.languages)}


@dataclass
class AugmentSummary:
    """Counts over one augmented build; stored in ``metadata.json``."""

    passages_augmented: int = 0
    """Passages that received at least one question."""
    passages_without_questions: int = 0
    """Passages left exactly e(p): no record, or no question after filter and cap."""
    passages_without_record: int = 0
    """Of those, passages that have no line in the generated files at all."""
    questions_per_language: dict[str, int] = field(default_factory=dict)
    """Questions folded into vectors, per requested language."""
    questions_ignored_by_language: dict[str, int] = field(default_factory=dict)
    """Questions in languages that were not requested."""
    questions_over_cap: int = 0
    """Questions of requested languages dropped by ``queries_per_language``."""

    def count_passage(self, questions: int, has_record: bool) -> None:
        """Count one passage that received ``questions`` questions (0: left as it was)."""
        self.passages_augmented += questions > 0
        self.passages_without_questions += questions == 0
        self.passages_without_record += not has_record

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def select_questions(
    queries: QueriesByLanguage | None, settings: AugmentSettings, summary: AugmentSummary
) -> list[str]:
    """The questions of one passage to fold in, in language order; updates ``summary``."""
    if queries is None:
        return []
    cap = settings.queries_per_language
    chosen: list[str] = []
    used, ignored = Counter[str](), Counter[str]()
    for lang, questions in queries.items():
        if lang not in settings.languages:
            ignored[lang] += len(questions)
            continue
        kept = list(questions) if cap is None else list(questions[:cap])
        summary.questions_over_cap += len(questions) - len(kept)
        used[lang] += len(kept)
        chosen.extend(kept)
    _add_counts(summary.questions_per_language, used)
    _add_counts(summary.questions_ignored_by_language, ignored)
    return chosen


def _add_counts(totals: dict[str, int], counts: Counter[str]) -> None:
    for key, value in counts.items():
        if value:
            totals[key] = totals.get(key, 0) + value


def mix(
    passages: np.ndarray, sums: np.ndarray, counts: np.ndarray, settings: AugmentSettings
) -> np.ndarray:
    """Mix passage vectors with their question sums; float32 (n, dim).

    Parameters
    ----------
    passages
        e(p), float32 (n, dim).
    sums
        SUM_i e(q_i) per passage, (n, dim) (float64 to add many terms exactly).
    counts
        Questions per passage, int (n,); rows with 0 are returned unchanged.
    """
    out = passages.astype(np.float64)
    has = counts > 0
    questions = sums[has]
    if settings.method == "mean":
        questions = questions / counts[has, None]
    out[has] = (1.0 - settings.alpha) * out[has] + settings.alpha * questions
    return out.astype(np.float32)


class PassageAugmenter:
    """Augments chunks of passage vectors with their generated questions.

    Parameters
    ----------
    encoder
        The encoder that made the passage vectors; questions go through its
        :meth:`~TransformerEncoder.encode_queries`.
    settings
        Alpha, method, languages and cap; or several such variants, which must
        share the languages (one augmentation each from one encoding).
    max_padded_tokens
        Padded tokens per question batch (see :func:`encode_query_batches`).
    """

    def __init__(
        self,
        encoder: QuestionEncoder,
        settings: AugmentSettings | Sequence[AugmentSettings],
        max_padded_tokens: int,
    ) -> None:
        variants = (settings,) if isinstance(settings, AugmentSettings) else tuple(settings)
        if not variants or any(v.languages != variants[0].languages for v in variants):
            raise ValueError("augmentation variants must be one or more that share the languages")
        self.encoder = encoder
        self.variants = variants
        self.max_padded_tokens = max_padded_tokens
        self.summaries = [AugmentSummary() for _ in variants]
        self.on_encoded: Callable[[int], None] | None = None
        """Called with the number of questions of each batch once it is encoded (progress)."""
        caps = [v.queries_per_language or inf for v in variants]  # inf: every question
        self._caps = sorted(set(caps))
        self._bucket = [bisect_left(self._caps, cap) for cap in caps]

    @property
    def summary(self) -> AugmentSummary:
        """The counts of a single-variant augmenter."""
        return _only(self.summaries)

    def augment(
        self, vectors: np.ndarray, queries: Sequence[QueriesByLanguage | None]
    ) -> np.ndarray:
        """e'(p) for one chunk: ``vectors`` float32 (n, dim), ``queries[i]`` for row i.

        ``queries[i]`` is None when passage i has no record in the generated files.
        """
        return _only(self.augment_variants(vectors, queries))

    def augment_variants(
        self, vectors: np.ndarray, queries: Sequence[QueriesByLanguage | None]
    ) -> list[np.ndarray]:
        """e'(p) of every variant for one chunk: float32 (n, dim) each, in variant order."""
        sums = self._cumulative_sums(queries)
        counts = self.count(queries)
        return [
            mix(vectors, sums[bucket], count, settings)
            for settings, bucket, count in zip(self.variants, self._bucket, counts, strict=True)
        ]

    def count(self, queries: Sequence[QueriesByLanguage | None]) -> list[np.ndarray]:
        """Questions per passage of each variant, int (n,) each, counted into :attr:`summaries`.

        A resumed build calls it alone for the passages it does not encode again.
        """
        per_variant = []
        for settings, summary in zip(self.variants, self.summaries, strict=True):
            counts = [len(select_questions(q, settings, summary)) for q in queries]
            for count, record in zip(counts, queries, strict=True):
                summary.count_passage(count, record is not None)
            per_variant.append(np.array(counts, dtype=np.int64))
        return per_variant

    @property
    def max_per_language(self) -> int | None:
        """Questions per language the variants need at most (None: all)."""
        last = self._caps[-1]
        return None if last == inf else int(last)

    def questions_to_encode(self, queries: Sequence[QueriesByLanguage | None]) -> int:
        """How many questions :meth:`augment_variants` would encode for these passages."""
        languages, cap = set(self.variants[0].languages), self.max_per_language
        return sum(
            len(questions) if cap is None else min(len(questions), cap)
            for by_language in queries
            for lang, questions in (by_language or {}).items()
            if lang in languages
        )

    def _cumulative_sums(self, queries: Sequence[QueriesByLanguage | None]) -> np.ndarray:
        """SUM e(q) of the ranks below each cap: float64 (caps, n, dim), one batch at a time.

        A question of rank r (from 0, within its language) goes to the first
        cap above r; the running sum over the caps then holds, for cap c, every
        passage's first c questions per language. Each distinct question text
        is encoded once (sampling repeats some: 7 % of the demo's first three
        per language), its vector added wherever the text occurs.
        """
        languages, last = set(self.variants[0].languages), self._caps[-1]
        uses: dict[str, list[tuple[int, int]]] = {}  # text -> (bucket, row) of each occurrence
        for row, by_language in enumerate(queries):
            for lang, questions in (by_language or {}).items():
                if lang in languages:
                    for rank, question in enumerate(questions[: None if last == inf else last]):
                        uses.setdefault(question, []).append((bisect_right(self._caps, rank), row))
        texts = list(uses)
        sums = np.zeros((len(self._caps), len(queries), self.encoder.dimension), dtype=np.float64)
        for positions, vectors in encode_query_batches(self.encoder, texts, self.max_padded_tokens):
            where = [(uses[texts[i]], k) for k, i in enumerate(positions)]
            buckets = [bucket for occurrences, _ in where for bucket, _ in occurrences]
            rows = [row for occurrences, _ in where for _, row in occurrences]
            vector_rows = [k for occurrences, k in where for _ in occurrences]
            np.add.at(sums, (buckets, rows), vectors[vector_rows])
            if self.on_encoded is not None:
                self.on_encoded(len(vector_rows))
        return np.cumsum(sums, axis=0)


def _only(items: Sequence[Any]) -> Any:
    if len(items) != 1:
        raise ValueError(f"this augmenter has {len(items)} variants: use augment_variants")
    return items[0]
