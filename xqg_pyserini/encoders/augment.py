"""xQG passage augmentation: fold a passage's generated questions into its vector.

For passage p with vector e(p) and generated questions q_1..q_n (the requested
languages, at most ``queries_per_language`` each), every question embedded by
the same encoder *as a query* (query prefix, query max length)::

    e'(p) = (1 - alpha) * e(p) + alpha * SUM_i e(q_i)      (method "sum", the authors')
    e'(p) = (1 - alpha) * e(p) + alpha * MEAN_i e(q_i)     (method "mean")

Vectors are mixed as the encoder returns them (L2-normalised first when the
settings say so) and are not renormalised after mixing. A passage with no
question left after the language filter and the cap keeps e(p) exactly.

:class:`PassageAugmenter` works one chunk of passages at a time: questions are
encoded in length-sorted batches and each batch is added into its passages'
accumulators at once, so memory is bounded by the chunk, never by the corpus.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from xqg_pyserini.languages import XOR_LANGUAGES

if TYPE_CHECKING:
    from xqg_pyserini.encoders.transformer import TransformerEncoder

__all__ = [
    "AUGMENT_METHODS",
    "AugmentSettings",
    "AugmentSummary",
    "PassageAugmenter",
    "encode_query_batches",
    "mix",
    "select_questions",
    "token_budget_batches",
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

    @property
    def questions_used(self) -> int:
        return sum(self.questions_per_language.values())

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


def token_budget_batches(lengths: Sequence[int], token_budget: int) -> list[list[int]]:
    """Positions of ``lengths`` sorted by length, cut into batches of at most ``token_budget``.

    A batch's padded size is its longest item times its size; a batch holds at
    least one item, so an item longer than the budget goes alone.
    """
    order = sorted(range(len(lengths)), key=lengths.__getitem__)
    batches, start = [], 0
    while start < len(order):
        end = start + 1
        # ascending lengths: the item at ``end`` would be the batch's longest
        while end < len(order) and lengths[order[end]] * (end + 1 - start) <= token_budget:
            end += 1
        batches.append(order[start:end])
        start = end
    return batches


def encode_query_batches(
    encoder: TransformerEncoder, queries: Sequence[str], token_budget: int
) -> Iterator[tuple[list[int], np.ndarray]]:
    """Encode ``queries`` in batches sorted by token count; yields ``(positions, vectors)``.

    Each batch holds as many queries as fit ``token_budget`` padded tokens
    (:func:`token_budget_batches`), so short generated questions fill a batch as
    a passage batch is filled, instead of a fixed count sized for the longest
    possible query.
    """
    for rows in token_budget_batches(encoder.query_lengths(queries), token_budget):
        yield rows, encoder.encode_queries([queries[i] for i in rows])


class PassageAugmenter:
    """Augments chunks of passage vectors with their generated questions.

    Parameters
    ----------
    encoder
        The encoder that made the passage vectors; questions go through its
        :meth:`~TransformerEncoder.encode_queries`.
    settings
        Alpha, method, languages and cap.
    token_budget
        Padded tokens per question batch (see :func:`encode_query_batches`).
    """

    def __init__(
        self, encoder: TransformerEncoder, settings: AugmentSettings, token_budget: int
    ) -> None:
        self.encoder = encoder
        self.settings = settings
        self.token_budget = token_budget
        self.summary = AugmentSummary()

    def augment(
        self,
        vectors: np.ndarray,
        queries: Sequence[QueriesByLanguage | None],
    ) -> np.ndarray:
        """e'(p) for one chunk: ``vectors`` float32 (n, dim), ``queries[i]`` for row i.

        ``queries[i]`` is None when passage i has no record in the generated files.
        """
        per_passage = [select_questions(q, self.settings, self.summary) for q in queries]
        counts = np.array([len(qs) for qs in per_passage], dtype=np.int64)
        for questions, record in zip(per_passage, queries, strict=True):
            self.summary.count_passage(len(questions), record is not None)
        return mix(vectors, self._fold(per_passage), counts, self.settings)

    def _fold(self, per_passage: list[list[str]]) -> np.ndarray:
        """SUM_i e(q_i) per passage, float64 (n, dim), one token-budgeted batch at a time."""
        owners = [row for row, questions in enumerate(per_passage) for _ in questions]
        flat = [q for questions in per_passage for q in questions]
        sums = np.zeros((len(per_passage), self.encoder.dimension), dtype=np.float64)
        for positions, vectors in encode_query_batches(self.encoder, flat, self.token_budget):
            np.add.at(sums, [owners[i] for i in positions], vectors)
        return sums
