"""Encode a stream of passages into a :class:`FaissIndexWriter`.

Passages are read in chunks; inside a chunk they are sorted by length so each
batch pads little, then added back in corpus order, so the index order (and
``docid``) always follows the corpus. An optional per-chunk hook (the xQG
augmentation, see :mod:`xqg_pyserini.indexes.augmented`) may change a chunk's
vectors before they are written; it also sees the passages that go by without
being encoded (other shards', or those a resumed build already has), so a join
that follows the corpus stays in step. ``passage_vectors`` may supply e(p)
instead of the encoder (``--passage-vectors-from``, see
:mod:`xqg_pyserini.indexes.stored_vectors`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import numpy as np

from xqg_pyserini.data.corpus import Passage
from xqg_pyserini.data.shard import Shard
from xqg_pyserini.encoders.transformer import TransformerEncoder
from xqg_pyserini.errors import CorpusFormatError
from xqg_pyserini.indexes.writer import FaissIndexWriter

__all__ = [
    "ChunkHook",
    "ChunkSink",
    "PassageVectors",
    "corpus_windows",
    "encode_corpus",
    "encode_sorted",
]

WHOLE = Shard()  # the whole corpus
CHUNK_BATCHES = 64  # default batches per sorted chunk: bounds memory, keeps padding low

ChunkHook = Callable[[list[Passage], list[Passage], np.ndarray], np.ndarray]
"""``(passed, chunk, vectors (n, dim) float32) -> vectors (n, dim) float32``.

``passed`` is every corpus passage gone by since the previous call, in corpus
order; ``chunk`` the ones of them encoded (possibly none), in the same order."""

ChunkSink = Callable[[list[str], np.ndarray], None]
"""``(docids, vectors (n, dim) float32)``: called after each chunk is written (checkpoints)."""

PassageVectors = Callable[[list[Passage]], np.ndarray]
"""``(chunk) -> e(p) (n, dim) float32``: where passage vectors come from instead of encoding."""


def corpus_windows(
    passages: Iterable[Passage], size: int, shard: Shard, skip: int
) -> Iterator[tuple[list[Passage], list[Passage]]]:
    """(passed, chunk) pairs: chunks of ``size`` of this shard's passages after the first ``skip``.

    Raises
    ------
    CorpusFormatError
        If a docid occurs twice (checked over the whole corpus).
    """
    seen: set[str] = set()
    passed: list[Passage] = []
    chunk: list[Passage] = []
    mine = 0
    for position, passage in enumerate(passages):
        if passage.doc_id in seen:
            raise CorpusFormatError(f"duplicate docid {passage.doc_id!r} in the corpus")
        seen.add(passage.doc_id)
        passed.append(passage)
        if shard.holds(position):
            mine += 1
            if mine > skip:
                chunk.append(passage)
        if len(chunk) == size or (not chunk and len(passed) >= size):
            yield passed, chunk
            passed, chunk = [], []
    if passed:
        yield passed, chunk


def encode_sorted(
    encoder: TransformerEncoder, passages: list[Passage], batch_size: int
) -> np.ndarray:
    """Encode ``passages`` in length-sorted batches; rows in the input order."""
    order = sorted(range(len(passages)), key=lambda i: len(passages[i].title + passages[i].text))
    vectors = np.empty((len(passages), encoder.dimension), dtype=np.float32)
    for start in range(0, len(order), batch_size):
        rows = order[start : start + batch_size]
        vectors[rows] = encoder.encode_passages(
            [passages[i].text for i in rows], [passages[i].title for i in rows]
        )
    return vectors


def encode_corpus(
    encoder: TransformerEncoder,
    passages: Iterable[Passage],
    writer: FaissIndexWriter,
    batch_size: int = 32,
    total: int | None = None,
    chunk_hook: ChunkHook | None = None,
    *,
    chunk_size: int | None = None,
    shard: Shard = WHOLE,
    skip: int = 0,
    sink: ChunkSink | None = None,
    passage_vectors: PassageVectors | None = None,
) -> int:
    """Encode this shard's passages, after the first ``skip``, into ``writer``.

    Returns the number of the shard's passages (``skip`` included). ``total`` is
    the corpus size (progress bar only). ``chunk_size`` is passages per chunk
    (default ``batch_size * CHUNK_BATCHES``); ``chunk_hook`` may change each
    chunk's vectors; ``sink`` is called with each chunk once written;
    ``passage_vectors``, when given, supplies each chunk's e(p) instead of ``encoder``.

    Raises
    ------
    CorpusFormatError
        If a docid occurs twice.
    """
    from tqdm.auto import tqdm

    size = chunk_size or batch_size * CHUNK_BATCHES
    done = skip
    with tqdm(total=shard.size(total), initial=skip, unit="passage", desc="encoding") as progress:
        for passed, chunk in corpus_windows(passages, size, shard, skip):
            if chunk and passage_vectors is not None:
                vectors = passage_vectors(chunk)
            elif chunk:
                vectors = encode_sorted(encoder, chunk, batch_size)
            else:
                vectors = np.empty((0, encoder.dimension), dtype=np.float32)
            if chunk_hook is not None:
                vectors = chunk_hook(passed, chunk, vectors)
            if not chunk:
                continue
            docids = [p.doc_id for p in chunk]
            writer.add(docids, vectors)
            if sink is not None:
                sink(docids, vectors)
            done += len(chunk)
            progress.update(len(chunk))
    return done
