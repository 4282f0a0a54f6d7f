"""The encoding loop of every index build: a stream of passages into one or more outputs.

Passages are read in chunks; inside a chunk they are sorted by length so each
batch pads little, then handed on in corpus order, so the index order (and
``docid``) always follows the corpus. An optional per-chunk step (the xQG
augmentation, see :mod:`xqg_pyserini.indexes.augmented`) turns a chunk's e(p)
into one array per output, so several indexes come out of one pass; without it
every output gets e(p). The step also sees the passages that go by without
being encoded (other shards', or those a resumed build already has), so a join
that follows the corpus stays in step. ``passage_vectors`` may supply e(p)
instead of the encoder (``--passage-vectors-from``, see
:mod:`xqg_pyserini.indexes.stored_vectors`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from xqg_pyserini.data.corpus import Passage
from xqg_pyserini.data.docid_set import DocidSet
from xqg_pyserini.data.shard import Shard
from xqg_pyserini.encoders.transformer import TransformerEncoder

if TYPE_CHECKING:
    from xqg_pyserini.indexes.progress import BuildProgress

__all__ = [
    "AUGMENTED_CHUNK_BATCHES",
    "CHUNK_BATCHES",
    "ChunkSink",
    "ChunkVariants",
    "PassageVectors",
    "Window",
    "corpus_windows",
    "encode_corpus",
    "encode_sorted",
]

WHOLE = Shard()  # the whole corpus
CHUNK_BATCHES = 64  # default batches per sorted chunk: bounds memory, keeps padding low
AUGMENTED_CHUNK_BATCHES = 16
"""Default batches per chunk of an xQG build: its ~35 questions a passage dominate memory."""


@dataclass
class Window:
    """The passages gone by since the previous window, in corpus order."""

    passed: list[Passage] = field(default_factory=list)
    """Every corpus passage, whoever's shard it is."""
    skipped: list[Passage] = field(default_factory=list)
    """Of those, this shard's that a resumed build already has (not encoded again)."""
    chunk: list[Passage] = field(default_factory=list)
    """Of those, this shard's to encode now."""


ChunkVariants = Callable[[Window, np.ndarray], Sequence[np.ndarray]]
"""``(window, e(p) of window.chunk (n, dim) float32) -> one (n, dim) float32 array per output``."""

ChunkSink = Callable[[list[str], np.ndarray], None]
"""``(docids, vectors (n, dim) float32)``: one output taking a chunk (index and checkpoint)."""

PassageVectors = Callable[[list[Passage]], np.ndarray]
"""``(chunk) -> e(p) (n, dim) float32``: where passage vectors come from instead of encoding."""


def corpus_windows(
    passages: Iterable[Passage],
    size: int,
    shard: Shard,
    skip: int,
    *,
    reread: Callable[[], Iterable[str]] | None = None,
) -> Iterator[Window]:
    """Windows whose chunks hold ``size`` of this shard's passages after the first ``skip``.

    Docids are checked as 8-byte hashes (:class:`~xqg_pyserini.data.docid_set.DocidSet`);
    ``reread`` (the corpus's docids again, from the start) makes a hash hit exact.

    Raises
    ------
    CorpusFormatError
        If a docid occurs twice (checked over the whole corpus).
    """
    docids = DocidSet(reread)
    window, mine = Window(), 0
    for position, passage in enumerate(passages):
        docids.add(passage.doc_id)
        window.passed.append(passage)
        if shard.holds(position):
            mine += 1
            (window.chunk if mine > skip else window.skipped).append(passage)
        if len(window.chunk) == size or (not window.chunk and len(window.passed) >= size):
            yield window
            window = Window()
    if window.passed:
        yield window


def encode_sorted(
    encoder: TransformerEncoder,
    passages: list[Passage],
    batch_size: int,
    on_batch: Callable[[int], None] | None = None,
) -> np.ndarray:
    """Encode ``passages`` in length-sorted batches; rows in the input order.

    ``on_batch`` is called with each batch's size once it is encoded (progress).
    """
    order = sorted(range(len(passages)), key=lambda i: len(passages[i].title + passages[i].text))
    vectors = np.empty((len(passages), encoder.dimension), dtype=np.float32)
    for start in range(0, len(order), batch_size):
        rows = order[start : start + batch_size]
        vectors[rows] = encoder.encode_passages(
            [passages[i].text for i in rows], [passages[i].title for i in rows]
        )
        if on_batch is not None:
            on_batch(len(rows))
    return vectors


def encode_corpus(
    encoder: TransformerEncoder,
    passages: Iterable[Passage],
    sinks: Sequence[ChunkSink],
    batch_size: int = 32,
    total: int | None = None,
    *,
    variants: ChunkVariants | None = None,
    chunk_size: int | None = None,
    shard: Shard = WHOLE,
    skip: int = 0,
    passage_vectors: PassageVectors | None = None,
    reread: Callable[[], Iterable[str]] | None = None,
    progress: BuildProgress | None = None,
) -> int:
    """Encode this shard's passages, after the first ``skip``, into every sink.

    Returns the number of the shard's passages (``skip`` included). ``total`` is
    the corpus size, for the passage bar drawn when no ``progress`` is given
    (:class:`~xqg_pyserini.indexes.progress.BuildProgress`, which moves per
    encoder batch). ``chunk_size`` is passages per chunk
    (default ``batch_size * CHUNK_BATCHES``); ``variants`` makes each chunk's
    vectors for the sinks, one array each (default: e(p) for all);
    ``passage_vectors``, when given, supplies each chunk's e(p) instead of ``encoder``.

    Raises
    ------
    CorpusFormatError
        If a docid occurs twice.
    """
    from xqg_pyserini.indexes.progress import BuildProgress

    size = chunk_size or batch_size * CHUNK_BATCHES
    done = skip
    with progress or BuildProgress(shard.size(total), skip) as bars:
        for window in corpus_windows(passages, size, shard, skip, reread=reread):
            vectors = _passage_vectors(
                encoder, window.chunk, batch_size, passage_vectors, bars.passages_encoded
            )
            outputs = [vectors] * len(sinks) if variants is None else variants(window, vectors)
            if not window.chunk:
                continue
            docids = [p.doc_id for p in window.chunk]
            for sink, output in zip(sinks, outputs, strict=True):
                sink(docids, output)
            done += len(docids)
    return done


def _passage_vectors(
    encoder: TransformerEncoder,
    chunk: list[Passage],
    batch_size: int,
    passage_vectors: PassageVectors | None,
    on_done: Callable[[int], None],
) -> np.ndarray:
    """e(p) of ``chunk``, float32 (n, dim): read back, encoded, or none for an empty chunk.

    ``on_done`` hears of the passages as they are done (per batch when encoded).
    """
    if not chunk:
        return np.empty((0, encoder.dimension), dtype=np.float32)
    if passage_vectors is None:
        return encode_sorted(encoder, chunk, batch_size, on_done)
    vectors = passage_vectors(chunk)
    on_done(len(chunk))
    return vectors
