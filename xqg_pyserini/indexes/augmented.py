"""The xQG-augmented index build: passages joined with their generated questions.

:class:`AugmentRequest` says which generated-question files and which
:class:`~xqg_pyserini.encoders.augment.AugmentSettings` to use, and what of them
enters the index's ``build_key``. :func:`encode_augmented` runs the ordinary
chunked encoding (:func:`~xqg_pyserini.indexes.builder.encode_corpus`) with a
hook that joins each chunk with its questions
(:class:`~xqg_pyserini.data.generated_join.GeneratedJoin`) and mixes them in
(:class:`~xqg_pyserini.encoders.augment.PassageAugmenter`). With
``request.passage_vectors_from`` e(p) is read from that plain index
(:class:`~xqg_pyserini.indexes.stored_vectors.StoredVectors`) rather than encoded.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from xqg_pyserini.encoders.augment import AugmentSettings

if TYPE_CHECKING:
    from xqg_pyserini.data.corpus import Passage
    from xqg_pyserini.encoders.settings import EncoderSettings
    from xqg_pyserini.encoders.transformer import TransformerEncoder
    from xqg_pyserini.indexes.build import BuildRequest
    from xqg_pyserini.indexes.checkpoint import Checkpoint, Resumed
    from xqg_pyserini.indexes.writer import FaissIndexWriter

__all__ = ["AugmentRequest", "encode_augmented", "passage_vectors_record", "question_token_budget"]


def _file_identity(path: Path) -> dict[str, Any]:
    stat = path.stat()
    return {"path": str(path.resolve()), "bytes": stat.st_size, "mtime_ns": stat.st_mtime_ns}


@dataclass(frozen=True)
class AugmentRequest:
    """Generated-question files (resolved, in reading order) and how to use them."""

    generated: tuple[Path, ...]
    settings: AugmentSettings = AugmentSettings()

    @classmethod
    def from_paths(cls, paths: Sequence[str | os.PathLike[str]], **settings: Any) -> AugmentRequest:
        """Resolve files, directories and globs; ``settings`` that are None keep the defaults.

        Raises
        ------
        FileNotFoundError
            If a path matches no file.
        ValueError
            If a setting is out of range.
        """
        from xqg_pyserini.data.generated import resolve_shards

        given = {key: value for key, value in settings.items() if value is not None}
        return cls(tuple(resolve_shards(paths)), AugmentSettings(**given))

    def identity(self) -> dict[str, Any]:
        """What decides the augmentation, for ``build_key``: settings and file identities."""
        files = [_file_identity(path) for path in self.generated]
        return {**self.settings.to_dict(), "generated_queries": files}


def question_token_budget(settings: EncoderSettings, batch_size: int) -> int:
    """Padded tokens per question batch: those of a full batch of ``batch_size`` passages."""
    return max(1, batch_size * settings.passage_max_length)


def encode_augmented(
    encoder: TransformerEncoder,
    request: BuildRequest,
    writer: FaissIndexWriter,
    checkpoint: Checkpoint | None = None,
    resumed: Resumed | None = None,
) -> dict[str, Any]:
    """Encode ``request.corpus`` into ``writer`` with e'(p); returns the metadata record.

    With ``resumed``, its passages are skipped (the join still reads their
    records) and its saved counts are carried on; ``checkpoint`` saves each chunk.

    Raises
    ------
    UnmatchedQuestionsError
        If a generated record's docid is not in the corpus, or occurs twice.
    """
    from xqg_pyserini.data.generated_join import GeneratedJoin
    from xqg_pyserini.encoders.augment import AugmentSummary, PassageAugmenter
    from xqg_pyserini.indexes.builder import encode_corpus

    augment = request.augment
    if augment is None:
        raise ValueError("encode_augmented needs a request with augment set")
    budget = question_token_budget(request.settings, request.batch_size)
    augmenter = PassageAugmenter(encoder, augment.settings, budget)
    if resumed is not None and "augment_summary" in resumed.state:
        augmenter.summary = AugmentSummary(**resumed.state["augment_summary"])
    corpus = request.corpus
    passage_vectors = _stored_passage_vectors(request.passage_vectors_from, encoder.dimension)
    with GeneratedJoin(augment.generated, request.output) as join:

        def hook(passed: list[Passage], chunk: list[Passage], vectors: np.ndarray) -> np.ndarray:
            queries = join.take([p.doc_id for p in passed])  # every passage, to stay in step
            if not chunk:
                return vectors
            wanted = {p.doc_id for p in chunk}
            mine = [q for p, q in zip(passed, queries, strict=True) if p.doc_id in wanted]
            return augmenter.augment(vectors, mine)

        def sink(docids: list[str], vectors: np.ndarray) -> None:
            if checkpoint is not None:
                checkpoint.save(docids, vectors, {"augment_summary": augmenter.summary.to_dict()})

        encode_corpus(
            encoder,
            corpus.passages(),
            writer,
            request.batch_size,
            corpus.count(),
            hook,
            chunk_size=request.checkpoint_every,
            shard=request.shard,
            skip=resumed.passages if resumed is not None else 0,
            sink=sink,
            passage_vectors=passage_vectors,
        )
        join.finish(lambda doc_id: bool(corpus.lookup([doc_id])))
    return {
        **augment.settings.to_dict(),
        "generated_queries": [str(path) for path in augment.generated],
        "join": join.mode,
        "summary": augmenter.summary.to_dict(),
        "passage_vectors": passage_vectors_record(request.passage_vectors_from),
    }


def passage_vectors_record(directory: Path | None) -> dict[str, str]:
    """Where e(p) came from, for ``metadata.json``'s augmentation record."""
    if directory is None:
        return {"source": "encoded"}
    return {"source": "index", "index": str(Path(directory).resolve())}


def _stored_passage_vectors(
    directory: Path | None, dimension: int
) -> Callable[[list[Passage]], np.ndarray] | None:
    """A reader of e(p) from the plain index ``directory``, or None to encode them."""
    if directory is None:
        return None
    from xqg_pyserini.indexes.stored_vectors import PlainIndexMismatchError, StoredVectors

    stored = StoredVectors(directory)
    if stored.dimension != dimension:
        raise PlainIndexMismatchError(
            f"--passage-vectors-from {directory}: vectors of dimension {stored.dimension} "
            f"but the encoder gives {dimension}"
        )
    return lambda chunk: stored.take([p.doc_id for p in chunk])
