"""The N-questions ablation's indexes, written in one pass over the corpus.

The paper's figure varies N, the generated questions used per language (1..5).
Building N augmented indexes one by one would encode the first question of
every language N times; :func:`build_ablation_indexes` instead

1. builds (or reuses, when up to date) the plain index, e(p);
2. reads the corpus once, joined with its generated questions
   (:class:`~xqg_pyserini.data.generated_join.GeneratedJoin`), takes e(p) from
   the plain index (:class:`~xqg_pyserini.indexes.stored_vectors.StoredVectors`),
   encodes each passage's first N questions per language once, sums them by
   their rank within the language, and from the cumulative sums over the rank
   mixes e'(p) for every n = 1..N, each written to its own
   :class:`~xqg_pyserini.indexes.writer.FaissIndexWriter`.

Each index ``xqg-qpl{n}`` gets the metadata (``build_key`` included) that
``python -m xqg_pyserini.index --generated-queries ... --queries-per-language n``
would record, so either command sees the other's index as up to date.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from xqg_pyserini.data.corpus_source import CorpusSource
from xqg_pyserini.encoders.augment import AugmentSettings, AugmentSummary, mix, select_questions
from xqg_pyserini.encoders.settings import EncoderSettings
from xqg_pyserini.errors import OutputExistsError
from xqg_pyserini.indexes.augmented import (
    AugmentRequest,
    passage_vectors_record,
    question_token_budget,
)
from xqg_pyserini.indexes.build import BuildRequest, build_index, is_up_to_date
from xqg_pyserini.indexes.metadata import IndexMetadata, read_metadata

if TYPE_CHECKING:
    from xqg_pyserini.data.generated_join import Queries
    from xqg_pyserini.encoders.transformer import TransformerEncoder
    from xqg_pyserini.indexes.stored_vectors import StoredVectors
    from xqg_pyserini.indexes.writer import FaissIndexWriter

__all__ = ["AblationIndexes", "build_ablation_indexes", "index_name", "rank_sums"]

PLAIN = "plain"
# Passage batches per chunk: a chunk carries up to 35 questions per passage, so
# fewer passages than an index build's 64 batches keep memory low and progress visible.
CHUNK_BATCHES = 16


def index_name(n: int) -> str:
    """The name of the index (and run) with n questions per language."""
    return f"xqg-qpl{n}"


@dataclass(frozen=True)
class AblationIndexes:
    """What the ablation builds: a plain index and one xQG index per n = 1..``max_queries``."""

    corpus: CorpusSource
    encoder_name: str
    settings: EncoderSettings
    generated: tuple[Path, ...]
    augment: AugmentSettings
    max_queries: int
    directory: Path  # the xQG indexes go to directory/xqg-qpl{n}
    plain_index: Path
    batch_size: int = 32
    device: str = "cpu"
    overwrite: bool = False  # replace indexes that differ; up-to-date ones are always kept
    command: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.max_queries < 1:
            raise ValueError(
                f"--max-queries-per-language must be at least 1, got {self.max_queries}"
            )

    @property
    def sizes(self) -> range:
        return range(1, self.max_queries + 1)

    def plain_request(self) -> BuildRequest:
        return self._request(self.plain_index, None)

    def request(self, n: int) -> BuildRequest:
        """The index CLI's request for ``--queries-per-language n`` (same ``build_key``)."""
        settings = replace(self.augment, queries_per_language=n)
        return self._request(
            self.directory / index_name(n), AugmentRequest(self.generated, settings)
        )

    def _request(self, output: Path, augment: AugmentRequest | None) -> BuildRequest:
        return BuildRequest(
            corpus=self.corpus,
            encoder_name=self.encoder_name,
            settings=self.settings,
            output=output,
            batch_size=self.batch_size,
            device=self.device,
            command=self.command,
            augment=augment,
            passage_vectors_from=None if augment is None else self.plain_index,
        )

    def index_paths(self) -> dict[str, Path]:
        """``{"plain": dir, "xqg-qpl1": dir, ...}``."""
        return {
            PLAIN: self.plain_index,
            **{index_name(n): self.request(n).output for n in self.sizes},
        }


def rank_sums(
    encoder: TransformerEncoder,
    queries: Sequence[Queries | None],
    languages: Sequence[str],
    max_rank: int,
    token_budget: int,
) -> np.ndarray:
    """SUM of e(q) by rank within the language: float64 ``(max_rank, len(queries), dim)``.

    Entry ``[r, i]`` sums the vectors of passage i's (r+1)-th question of every
    language in ``languages``; each question is encoded once, in batches of
    ``token_budget`` padded tokens (:func:`encode_query_batches`).
    """
    from xqg_pyserini.encoders.augment import encode_query_batches

    wanted = set(languages)
    triples = [
        (rank, row, question)
        for row, by_lang in enumerate(queries)
        if by_lang is not None
        for lang, questions in by_lang.items()
        if lang in wanted
        for rank, question in enumerate(questions[:max_rank])
    ]
    sums = np.zeros((max_rank, len(queries), encoder.dimension), dtype=np.float64)
    texts = [question for _, _, question in triples]
    for positions, vectors in encode_query_batches(encoder, texts, token_budget):
        ranks = [triples[i][0] for i in positions]
        rows = [triples[i][1] for i in positions]
        np.add.at(sums, (ranks, rows), vectors)
    return sums


class _Target:
    """One xQG index being written: its request, writer and counts."""

    def __init__(self, request: BuildRequest, writer: FaissIndexWriter) -> None:
        self.request = request
        self.writer = writer
        self.summary = AugmentSummary()
        augment = request.augment
        if augment is None:  # pragma: no cover - targets are augmented by construction
            raise ValueError("an ablation target needs augmentation settings")
        self.settings = augment.settings

    def add(
        self,
        docids: list[str],
        e: np.ndarray,
        cumulative: np.ndarray,
        queries: list[Queries | None],
    ) -> None:
        """Mix and write one chunk; counts as :class:`PassageAugmenter` counts them."""
        n = self.settings.queries_per_language or 0
        chosen = [select_questions(q, self.settings, self.summary) for q in queries]
        counts = np.array([len(qs) for qs in chosen], dtype=np.int64)
        self.summary.passages_augmented += int((counts > 0).sum())
        self.summary.passages_without_questions += int((counts == 0).sum())
        self.summary.passages_without_record += sum(q is None for q in queries)
        self.writer.add(docids, mix(e, cumulative[n - 1], counts, self.settings))


def build_ablation_indexes(spec: AblationIndexes) -> dict[str, IndexMetadata]:
    """Build what is not up to date; returns every index's metadata by name.

    Raises
    ------
    OutputExistsError
        If an index directory holds a different index and ``overwrite`` is not set.
    PlainIndexMismatchError
        If the plain index was built with other settings (``--plain-index``).
    UnmatchedQuestionsError
        If a generated record's docid is not in the corpus, or occurs twice.
    """
    from xqg_pyserini.atomic import build_lock

    plain_request = spec.plain_request()
    if is_up_to_date(plain_request):
        plain = read_metadata(spec.plain_index)
    else:
        plain = build_index(replace(plain_request, overwrite=spec.overwrite))
    with contextlib.ExitStack() as locks:
        stale = []
        for n in spec.sizes:
            request = spec.request(n)
            locks.enter_context(build_lock(request.output, remove=True))
            if not is_up_to_date(request):
                if request.output.exists() and not spec.overwrite:
                    raise OutputExistsError(
                        f"{request.output} exists and holds a different index; "
                        "pass --overwrite to replace it or choose another --output"
                    )
                stale.append(request)
        if stale:
            _build_together(spec, stale, plain.dimension)
    return {name: read_metadata(path) for name, path in spec.index_paths().items()}


def _build_together(spec: AblationIndexes, stale: list[BuildRequest], dimension: int) -> None:
    """One pass over the corpus writing every index of ``stale``."""
    from xqg_pyserini.encoders.transformer import TransformerEncoder
    from xqg_pyserini.indexes.stored_vectors import StoredVectors, check_plain_index
    from xqg_pyserini.indexes.writer import FaissIndexWriter

    for request in stale:
        check_plain_index(spec.plain_index, request, flag="--plain-index")
    stored = StoredVectors(spec.plain_index, flag="--plain-index")
    encoder = TransformerEncoder(spec.settings, device=spec.device)
    with contextlib.ExitStack() as stack:
        targets = [
            _Target(
                request,
                stack.enter_context(
                    FaissIndexWriter(request.output, dimension, overwrite=spec.overwrite)
                ),
            )
            for request in stale
        ]
        join_mode = _one_pass(spec, encoder, stored, targets)
        for target in targets:
            target.writer.metadata = _metadata(spec, target, dimension, join_mode)


def _one_pass(
    spec: AblationIndexes,
    encoder: TransformerEncoder,
    stored: StoredVectors,
    targets: list[_Target],
) -> str:
    """Stream the corpus and its questions into every target; returns the join mode."""
    from tqdm.auto import tqdm

    from xqg_pyserini.data.generated_join import GeneratedJoin
    from xqg_pyserini.indexes.builder import WHOLE, corpus_windows

    max_rank = max(t.settings.queries_per_language or 0 for t in targets)
    budget = question_token_budget(spec.settings, spec.batch_size)
    corpus = spec.corpus
    names = ", ".join(t.request.output.name for t in targets)
    with (
        GeneratedJoin(spec.generated, spec.directory / "xqg-qpl") as join,
        tqdm(total=corpus.count(), unit="passage", desc=f"questions for {names}") as progress,
    ):
        size = spec.batch_size * CHUNK_BATCHES
        for _passed, chunk in corpus_windows(corpus.passages(), size, WHOLE, 0):
            docids = [p.doc_id for p in chunk]
            queries = join.take(docids)
            e = stored.take(docids)
            cumulative = np.cumsum(
                rank_sums(encoder, queries, spec.augment.languages, max_rank, budget), axis=0
            )
            for target in targets:
                target.add(docids, e, cumulative, queries)
            progress.update(len(chunk))
        join.finish(lambda doc_id: bool(corpus.lookup([doc_id])))
        return join.mode


def _metadata(
    spec: AblationIndexes, target: _Target, dimension: int, join_mode: str
) -> IndexMetadata:
    """What :func:`~xqg_pyserini.indexes.build.build_index` records for the same request."""
    request = target.request
    return IndexMetadata(
        encoder_name=request.encoder_name,
        encoder=request.settings.to_dict(),
        dimension=dimension,
        num_docs=0,  # the writer fills in the count it wrote
        index_type=request.index_type,
        corpus=request.corpus.name,
        build_key=request.build_key(),
        command=list(request.command),
        augmentation={
            **target.settings.to_dict(),
            "generated_queries": [str(path) for path in spec.generated],
            "join": join_mode,
            "summary": target.summary.to_dict(),
            "passage_vectors": passage_vectors_record(spec.plain_index),
        },
        shard=None,
    )
