"""Synthetic training pairs from generated questions (as SWIM-IR does).

Each generated question a passage's index would use becomes a training query
whose positive is that passage: the questions are selected by
:func:`xqg_pyserini.encoders.augment.select_questions` with the same
:class:`~xqg_pyserini.encoders.augment.AugmentSettings` (languages, the first N
per language), so training and augmentation see the same questions. The query
id is ``f"{docid}-{lang}-{k}"``, ``k`` the question's 0-based position among
that language's generated questions.

Negatives are random other passages of the corpus, ``negatives_per_query`` per
question, drawn with a generator seeded by ``seed`` and the query id (never the
passage itself; docids are assumed unique in the corpus). The corpus is read
twice as a stream (where the positives are, then the passages drawn), so only
the passages used are held in memory.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from xqg_pyserini.data.corpus import Passage
from xqg_pyserini.data.corpus_source import CorpusSource, open_corpus
from xqg_pyserini.data.generated import (
    parse_generated_line,
    read_generated_queries,
    resolve_shards,
)
from xqg_pyserini.data.lines import read_lines
from xqg_pyserini.encoders.augment import AugmentSettings, AugmentSummary, select_questions
from xqg_pyserini.errors import CorpusFormatError
from xqg_pyserini.languages import XOR_LANGUAGES
from xqg_pyserini.training.data.files import PathArg
from xqg_pyserini.training.examples import TrainingExample, TrainingPassage

__all__ = ["synthetic_examples"]


class _Question(NamedTuple):
    query_id: str
    doc_id: str
    text: str


def _select(shards: list[Path], settings: AugmentSettings) -> tuple[list[_Question], set[str]]:
    """The selected questions in file order, and every docid the files name."""
    summary = AugmentSummary()
    questions: list[_Question] = []
    docids: set[str] = set()
    for record in read_generated_queries(shards):
        docids.add(record.doc_id)
        for lang, generated in record.queries.items():
            # one language at a time, so each question keeps its language and position
            chosen = select_questions({lang: generated}, settings, summary)
            questions.extend(
                _Question(f"{record.doc_id}-{lang}-{k}", record.doc_id, text)
                for k, text in enumerate(chosen)
            )
    return questions, docids


def _passages(source: CorpusSource, desc: str, progress: bool) -> Iterator[Passage]:
    from xqg_pyserini.progress import progress_bar

    total = source.count(progress) if progress else None
    bar = progress_bar(source.passages(), total=total, unit="passage", desc=desc, enabled=progress)
    yield from bar


def _positions(
    source: CorpusSource, docids: set[str], progress: bool
) -> tuple[dict[str, int], int]:
    """Corpus position of each wanted docid, and the number of passages."""
    positions: dict[str, int] = {}
    size = 0
    for size, passage in enumerate(_passages(source, "locating passages", progress), start=1):
        if passage.doc_id in docids:
            positions.setdefault(passage.doc_id, size - 1)
    return positions, size


def _missing_docid(shards: list[Path], found: dict[str, int], corpus: str) -> CorpusFormatError:
    """The error for the first generated record (in file order) whose docid is not in the corpus."""
    for path in shards:
        for line in read_lines(path):
            record = parse_generated_line(line.text, line.where)
            if record.doc_id not in found:
                return CorpusFormatError(
                    f"{line.where}: docid {record.doc_id!r} is not in the corpus {corpus}"
                )
    raise AssertionError("a docid was missing, so a record names it")  # pragma: no cover


def _draw(size: int, positive: int, count: int, seed: int, query_id: str) -> list[int]:
    """``count`` distinct corpus positions other than ``positive`` (all others if fewer)."""
    count = min(count, size - 1)
    rng = random.Random(f"{seed}/{query_id}")
    # sample among the size - 1 other positions, then step over the positive
    return [p if p < positive else p + 1 for p in rng.sample(range(size - 1), count)]


def _passages_at(
    source: CorpusSource, wanted: set[int], progress: bool
) -> dict[int, TrainingPassage]:
    found: dict[int, TrainingPassage] = {}
    for position, passage in enumerate(_passages(source, "reading passages", progress)):
        if position in wanted:
            found[position] = TrainingPassage(passage.doc_id, passage.title, passage.text)
    return found


def synthetic_examples(
    generated_paths: PathArg,
    corpus: str | Path | CorpusSource,
    *,
    languages: Sequence[str] = XOR_LANGUAGES,
    queries_per_language: int | None = None,
    negatives_per_query: int = 7,
    seed: int = 42,
    progress: bool = False,
) -> list[TrainingExample]:
    """One training example per selected generated question, with random negatives.

    Parameters
    ----------
    generated_paths
        Generated-question files in the authors' format: files, directories or
        glob patterns (:func:`~xqg_pyserini.data.generated.read_generated_queries`).
    corpus
        The passages: a JSONL(.gz) or DPR TSV(.gz) file, or an ir_datasets id
        (:func:`~xqg_pyserini.data.corpus_source.open_corpus`), or a CorpusSource.
    languages, queries_per_language
        Which questions are used, as the index's ``AugmentSettings`` take them.
    negatives_per_query
        Random other passages per question (fewer if the corpus is smaller).
    seed
        Seeds the draws; each question's negatives depend only on it and the query id.
    progress
        Show progress bars over the two passes through the corpus.

    Returns
    -------
    list of TrainingExample
        In the generated files' order; passages as the corpus gives them (title, text).

    Raises
    ------
    ValueError
        On bad settings (no language, a cap below 1, negative counts).
    FileNotFoundError
        If a generated path or corpus file does not exist.
    CorpusFormatError
        On a malformed generated line, or a generated docid that is not in the
        corpus (file and line named).
    """
    if negatives_per_query < 0:
        raise ValueError(f"negatives_per_query must be 0 or more, got {negatives_per_query}")
    settings = AugmentSettings(
        languages=tuple(languages), queries_per_language=queries_per_language
    )
    source = corpus if isinstance(corpus, CorpusSource) else open_corpus(corpus)
    shards = resolve_shards(generated_paths)
    questions, docids = _select(shards, settings)
    positions, size = _positions(source, docids, progress)
    if len(positions) < len(docids):
        raise _missing_docid(shards, positions, source.name)
    drawn = {
        q.query_id: _draw(size, positions[q.doc_id], negatives_per_query, seed, q.query_id)
        for q in questions
    }
    wanted = {positions[q.doc_id] for q in questions}
    for picks in drawn.values():
        wanted.update(picks)
    passages = _passages_at(source, wanted, progress)
    return [
        TrainingExample(
            q.query_id,
            q.text,
            (passages[positions[q.doc_id]],),
            tuple(passages[p] for p in drawn[q.query_id]),
        )
        for q in questions
    ]
