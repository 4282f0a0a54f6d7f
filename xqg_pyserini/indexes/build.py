"""Index builds from start to finish: check the outputs, encode once, write each atomically.

:func:`build_index` builds one :class:`~xqg_pyserini.indexes.request.BuildRequest`;
:func:`build_indexes` builds several that share one pass over the corpus (the
same :meth:`~xqg_pyserini.indexes.request.BuildRequest.pass_key`: they differ
in output and mixing, e.g. the ablation's questions per language), encoding
each passage and question once and writing every index with the metadata its
request gets when built alone, so either way of building reuses the other's.

With ``augment`` set, passage vectors are xQG-augmented with generated questions
(:mod:`xqg_pyserini.indexes.augmented`); without it, the plain index. With
``shard`` set, only that shard's passages (:mod:`xqg_pyserini.data.shard`).
Each output is built under :func:`~xqg_pyserini.atomic.build_lock`, written in
``.NAME.partial`` and checkpointed each chunk
(:mod:`xqg_pyserini.indexes.checkpoint`), so a killed build resumes where it
stopped. With ``passage_vectors_from`` an augmented build reads e(p) from a
plain index of the same corpus and encoder
(:mod:`xqg_pyserini.indexes.stored_vectors`) and encodes only the questions;
the vectors, hence the build key, are the same as without it. With
``precompute`` (``--backend ray``, :mod:`xqg_pyserini.scaleout.index`) something
else writes every chunk of the checkpoint first, under the build's lock, and the
build then assembles the index from them exactly as a resumed build does.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from xqg_pyserini.errors import OutputExistsError, XqgError
from xqg_pyserini.indexes.metadata import IndexMetadata, read_metadata
from xqg_pyserini.indexes.request import BuildRequest, is_up_to_date

if TYPE_CHECKING:
    import numpy as np

    from xqg_pyserini.encoders.transformer import TransformerEncoder
    from xqg_pyserini.indexes.checkpoint import Checkpoint
    from xqg_pyserini.indexes.encoding import PassageVectors
    from xqg_pyserini.indexes.writer import FaissIndexWriter

__all__ = ["Precompute", "build_index", "build_indexes"]

Precompute = Callable[[BuildRequest], "int | None"]
"""``(request) -> dimension``: writes every chunk of the request's checkpoint and its
``progress.json`` (:mod:`xqg_pyserini.indexes.checkpoint`) in ``.NAME.partial``; None when
the build has no passage (the encoder is then loaded for its dimension)."""


def build_index(request: BuildRequest, *, precompute: Precompute | None = None) -> IndexMetadata:
    """Encode the corpus (or one shard) and write the index directory, resuming if possible.

    Holds a lock on the output; a build that waited for another one of the same
    output returns that one's metadata when it is now up to date.

    Raises
    ------
    OutputExistsError
        If the output exists and ``overwrite`` is not set.
    """
    return build_indexes([request], precompute=precompute)[0]


def build_indexes(
    requests: Sequence[BuildRequest], *, precompute: Precompute | None = None
) -> list[IndexMetadata]:
    """Build every request not up to date in one pass; every index's metadata, in order.

    A request is rebuilt when it is out of date or has ``overwrite`` set; the
    others are left as they are. ``precompute`` (one request only) fills the
    checkpoint before the pass, which then only assembles the index.

    Raises
    ------
    ValueError
        If the requests cannot share one pass, or two name the same output.
    OutputExistsError
        If an output to build exists and its request does not set ``overwrite``.
    """
    from xqg_pyserini.atomic import build_lock

    _check_one_pass(requests)
    with contextlib.ExitStack() as locks:
        for output in sorted(request.output for request in requests):  # one order: no deadlock
            locks.enter_context(build_lock(output, remove=True))
        todo = [r for r in requests if r.overwrite or not is_up_to_date(r)]
        for request in todo:
            if request.output.exists() and not request.overwrite:
                raise OutputExistsError(
                    f"{request.output} exists and holds a different index; "
                    "pass --overwrite to replace it or choose another --output"
                )
        dimension = None
        if precompute is not None and todo:
            if len(requests) != 1:
                raise ValueError("precomputed chunks are for a build of one index")
            dimension = precompute(todo[0])
        metas = _build(todo, dimension) if todo else []
        built = dict(zip([r.output for r in todo], metas, strict=True))
        return [built.get(r.output) or read_metadata(r.output) for r in requests]


def _check_one_pass(requests: Sequence[BuildRequest]) -> None:
    if not requests:
        raise ValueError("no index to build")
    if len({request.output for request in requests}) < len(requests):
        raise ValueError("two indexes of one build have the same output")
    first = requests[0].pass_key()
    for request in requests[1:]:
        key = request.pass_key()
        differ = [name for name in first if key[name] != first[name]]
        if differ:
            raise ValueError(
                f"{request.output} cannot be built in one pass with {requests[0].output}: "
                f"different {', '.join(differ)}"
            )


@dataclass
class _Output:
    """One index being written: its request, writer and checkpoints."""

    request: BuildRequest
    writer: FaissIndexWriter
    checkpoint: Checkpoint

    def add(self, docids: list[str], vectors: np.ndarray) -> None:
        self.writer.add(docids, vectors)
        self.checkpoint.save(docids, vectors)


class _Precomputed:
    """Stands in for the encoder when every chunk is already encoded: its dimension only."""

    def __init__(self, dimension: int) -> None:
        self.dimension = dimension

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise RuntimeError(f"encoder.{name}: every chunk of this build was encoded beforehand")


def _build(requests: Sequence[BuildRequest], dimension: int | None = None) -> list[IndexMetadata]:
    from xqg_pyserini.encoders.transformer import TransformerEncoder
    from xqg_pyserini.indexes.stored_vectors import check_plain_index, passage_vectors_reader

    first = requests[0]
    if first.passage_vectors_from is not None:
        if first.augment is None:
            raise XqgError("--passage-vectors-from needs --generated-queries")
        for request in requests:
            check_plain_index(first.passage_vectors_from, request)
    if dimension is None:
        encoder = TransformerEncoder(first.settings, device=first.device, dtype=first.dtype)
    else:
        encoder = _Precomputed(dimension)  # type: ignore[assignment]
    stored = passage_vectors_reader(first.passage_vectors_from, encoder.dimension)
    with contextlib.ExitStack() as stack:
        outputs = [stack.enter_context(_open(r, encoder.dimension)) for r in requests]
        skip = _resume(outputs, quiet=dimension is not None)
        records = _encode(encoder, outputs, skip, stored)
        metas = [
            _metadata(output.request, encoder.dimension, augmentation)
            for output, augmentation in zip(outputs, records, strict=True)
        ]
        for output, meta in zip(outputs, metas, strict=True):
            output.writer.metadata = meta
            output.checkpoint.clear()
    return metas  # the writers filled in num_docs as they closed


@contextlib.contextmanager
def _open(request: BuildRequest, dimension: int) -> Iterator[_Output]:
    """The output's writer (resumable, in ``.NAME.partial``) and its checkpoints."""
    from xqg_pyserini.indexes.checkpoint import Checkpoint
    from xqg_pyserini.indexes.writer import FaissIndexWriter

    writer = FaissIndexWriter(
        request.output,
        dimension,
        request.index_type,
        overwrite=request.overwrite,
        resumable=True,
    )
    if not writer.index.is_trained:
        raise XqgError(
            f"index type {request.index_type!r} needs training on the vectors, which a "
            "streaming build cannot do: build a type that needs none (Flat, SQfp16, HNSW32) "
            "as shards (--shard-id/--shard-num, or --shard-num 1) and convert it with "
            f"python -m xqg_pyserini.merge --index-type {request.index_type!r}"
        )
    with writer:
        yield _Output(request, writer, Checkpoint(writer.directory, request.resume_key()))


def _resume(outputs: Sequence[_Output], quiet: bool = False) -> int:
    """Reload what every output's checkpoint holds in common; the passages to skip.

    ``quiet``: no line on the reuse (the chunks were precomputed for this build).
    """
    from xqg_pyserini.indexes.checkpoint import common_passages

    found = [output.checkpoint.resume() for output in outputs]
    skip = common_passages(found)
    for output, resumed in zip(outputs, found, strict=True):
        for docids, vectors in output.checkpoint.rewind(resumed, skip):
            output.writer.add(docids, vectors)
        if skip and not quiet:
            print(
                f"resuming {output.request.output}: reusing {skip} passages "
                f"already encoded (from {output.writer.directory})",
                file=sys.stderr,
            )
    return skip


def _encode(
    encoder: TransformerEncoder,
    outputs: Sequence[_Output],
    skip: int,
    passage_vectors: PassageVectors | None,
) -> list[dict[str, Any] | None]:
    """The one pass over the corpus; each output's augmentation record (None: plain)."""
    from xqg_pyserini.indexes.augmented import AugmentedChunks
    from xqg_pyserini.indexes.encoding import (
        AUGMENTED_CHUNK_BATCHES,
        CHUNK_BATCHES,
        encode_corpus,
    )
    from xqg_pyserini.indexes.progress import BuildProgress

    requests = [output.request for output in outputs]
    first = requests[0]
    corpus = first.corpus
    batches = CHUNK_BATCHES if first.augment is None else AUGMENTED_CHUNK_BATCHES
    options: dict[str, Any] = {
        "chunk_size": first.checkpoint_every or first.batch_size * batches,
        "shard": first.shard,
        "skip": skip,
        "passage_vectors": passage_vectors,
        "reread": lambda: (p.doc_id for p in corpus.passages()),
    }
    sinks = [output.add for output in outputs]
    # totals are for the bars only: no counting pass with --no-progress
    passages = first.shard.size(corpus.count()) if first.progress else None
    if first.augment is None:
        with BuildProgress(passages, skip, enabled=first.progress) as progress:
            encode_corpus(
                encoder, corpus.passages(), sinks, first.batch_size, progress=progress, **options
            )
        return [None for _ in outputs]
    with AugmentedChunks(encoder, requests) as chunks:
        # all the files' questions; those of passages not encoded here leave the total as they pass
        questions = chunks.question_total() if first.progress else None
        with BuildProgress(passages, skip, questions, enabled=first.progress) as progress:
            chunks.follow(progress)
            encode_corpus(
                encoder,
                corpus.passages(),
                sinks,
                first.batch_size,
                variants=chunks,
                progress=progress,
                **options,
            )
        return chunks.records(corpus)


def _metadata(
    request: BuildRequest, dimension: int, augmentation: dict[str, Any] | None
) -> IndexMetadata:
    return IndexMetadata(
        encoder_name=request.encoder_name,
        encoder=request.settings.to_dict(),
        dimension=dimension,
        num_docs=0,  # the writer fills in the count it wrote
        index_type=request.index_type,
        corpus=request.corpus.name,
        build_key=request.build_key(),
        precision=request.dtype,
        command=list(request.command),
        augmentation=augmentation,
        shard=request.shard_record(),
    )
