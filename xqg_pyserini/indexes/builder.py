"""Encode a stream of passages into a :class:`FaissIndexWriter`.

Passages are read in chunks; inside a chunk they are sorted by length so each
batch pads little, then added back in corpus order, so the index order (and
``docid``) always follows the corpus. An optional per-chunk hook (the xQG
augmentation, see :mod:`xqg_pyserini.indexes.augmented`) may change a chunk's
vectors before they are written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice

import numpy as np

from xqg_pyserini.data.corpus import Passage
from xqg_pyserini.encoders.transformer import TransformerEncoder
from xqg_pyserini.errors import CorpusFormatError
from xqg_pyserini.indexes.writer import FaissIndexWriter

__all__ = ["ChunkHook", "encode_corpus", "encode_sorted"]

CHUNK_BATCHES = 64  # batches per sorted chunk: bounds memory, keeps padding low

ChunkHook = Callable[[list[Passage], np.ndarray], np.ndarray]
"""``(chunk, vectors (n, dim) float32) -> vectors (n, dim) float32`` in the chunk's order."""


def _chunks(passages: Iterable[Passage], size: int) -> Iterator[list[Passage]]:
    iterator = iter(passages)
    while chunk := list(islice(iterator, size)):
        yield chunk


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
) -> int:
    """Encode every passage into ``writer``; returns the number of passages.

    ``chunk_hook``, when given, receives each chunk and its passage vectors and
    returns the vectors to write.

    Raises
    ------
    CorpusFormatError
        If a docid occurs twice.
    """
    from tqdm.auto import tqdm

    seen: set[str] = set()
    with tqdm(total=total, unit="passage", desc="encoding") as progress:
        for chunk in _chunks(passages, batch_size * CHUNK_BATCHES):
            for passage in chunk:
                if passage.doc_id in seen:
                    raise CorpusFormatError(f"duplicate docid {passage.doc_id!r} in the corpus")
                seen.add(passage.doc_id)
            vectors = encode_sorted(encoder, chunk, batch_size)
            if chunk_hook is not None:
                vectors = chunk_hook(chunk, vectors)
            writer.add([p.doc_id for p in chunk], vectors)
            progress.update(len(chunk))
    return len(seen)
