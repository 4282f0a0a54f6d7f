"""``python -m xqg_pyserini.index --backend ray``: chunks encoded by a pool of Ray actors.

A block is a chunk of the single-process build's checkpoint
(:mod:`xqg_pyserini.indexes.checkpoint`): block ``n`` holds the shard's passages
``n * size`` to ``(n + 1) * size - 1`` (``size``: ``--ray-block-size``, else
``--checkpoint-every``, else the single-process chunk size), cut by the same
:func:`~xqg_pyserini.indexes.encoding.corpus_windows`, and its actor writes
``.NAME.partial/chunks/NNNNNN.npy`` and ``.docid`` as the single-process build
would. An xQG block carries its passages' generated questions, joined by docid
in the driver (:class:`~xqg_pyserini.data.generated_join.GeneratedJoin`), and
the actor mixes them in with the same
:class:`~xqg_pyserini.encoders.augment.PassageAugmenter`; with
``--passage-vectors-from`` the actor reads e(p) from the plain index. A re-run
skips the chunks written (``chunks/ray.json`` records the build they belong
to). Once every chunk is written, ``progress.json`` makes them a complete
checkpoint and the single-process build (:func:`~xqg_pyserini.indexes.build.build_index`)
assembles the index from it, as it does when it resumes: the same ``index``,
``docid`` and ``metadata.json``.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from xqg_pyserini.errors import XqgError
from xqg_pyserini.scaleout.blocks import BlockInput, run_blocks
from xqg_pyserini.scaleout.ray_runtime import RayOptions, ScaleoutError, import_ray, init_ray

if TYPE_CHECKING:
    from xqg_pyserini.encoders.augment import AugmentSettings
    from xqg_pyserini.encoders.settings import EncoderSettings
    from xqg_pyserini.indexes.metadata import IndexMetadata
    from xqg_pyserini.indexes.request import BuildRequest

__all__ = ["block_size", "build_index_ray"]

MARKER = "ray.json"
MARKER_FORMAT = "xqg_pyserini.index-ray-chunks/1"


def block_size(request: BuildRequest, options: RayOptions) -> int:
    """Passages per block: ``--ray-block-size``, else the single-process chunk size."""
    from xqg_pyserini.indexes.encoding import AUGMENTED_CHUNK_BATCHES, CHUNK_BATCHES

    if options.block_size is not None:
        return options.block_size
    batches = CHUNK_BATCHES if request.augment is None else AUGMENTED_CHUNK_BATCHES
    return request.checkpoint_every or request.batch_size * batches


@dataclass
class IndexWorker:
    """What each actor runs: the encoder (and augmenter) loaded once, one chunk per block."""

    settings: EncoderSettings
    device: str
    dtype: str
    batch_size: int
    augment: AugmentSettings | None
    passage_vectors_from: str | None
    chunks: str

    def load(self) -> None:
        from xqg_pyserini.encoders.augment import PassageAugmenter
        from xqg_pyserini.encoders.batching import max_padded_question_tokens
        from xqg_pyserini.encoders.transformer import TransformerEncoder
        from xqg_pyserini.indexes.stored_vectors import passage_vectors_reader

        self.encoder = TransformerEncoder(self.settings, device=self.device, dtype=self.dtype)
        stored = None if self.passage_vectors_from is None else Path(self.passage_vectors_from)
        self.stored = passage_vectors_reader(stored, self.encoder.dimension)
        self.augmenter = None
        if self.augment is not None:  # as AugmentedChunks makes it, for one request
            tokens = max_padded_question_tokens(self.settings, self.batch_size)
            self.augmenter = PassageAugmenter(self.encoder, [self.augment], tokens)

    def run(self, number: int, rows: dict[str, list[Any]]) -> dict[str, Any]:
        from xqg_pyserini.data.corpus import Passage
        from xqg_pyserini.indexes.checkpoint import write_chunk
        from xqg_pyserini.indexes.encoding import encode_sorted

        passages = [
            Passage(d, t, x)
            for d, t, x in zip(rows["docid"], rows["title"], rows["text"], strict=True)
        ]
        if self.stored is None:
            vectors = encode_sorted(self.encoder, passages, self.batch_size)
        else:
            vectors = self.stored(passages)
        if self.augmenter is not None:
            queries = [_queries(text) for text in rows["queries"]]
            vectors = self.augmenter.augment_variants(vectors, queries)[0]
        write_chunk(Path(self.chunks), number, rows["docid"], vectors)
        return {"passages": len(passages), "dimension": int(vectors.shape[1])}


def _queries(text: str) -> dict[str, tuple[str, ...]] | None:
    record = json.loads(text)
    if record is None:
        return None
    return {lang: tuple(questions) for lang, questions in record.items()}


def _marker(request: BuildRequest, size: int) -> dict[str, Any]:
    return json.loads(
        json.dumps({"format": MARKER_FORMAT, "build_key": request.resume_key(), "block_size": size})
    )


def _prepare(partial: Path, marker: dict[str, Any]) -> Path:
    """``partial/chunks``, kept when it holds chunks of this build, else emptied first."""
    from xqg_pyserini.indexes.checkpoint import CHUNKS_DIRNAME

    chunks = partial / CHUNKS_DIRNAME
    try:
        old = json.loads((chunks / MARKER).read_text("utf-8"))
    except (OSError, ValueError):
        old = None
    if old != marker and partial.exists() and any(partial.iterdir()):
        print(
            f"discarding the partial build in {partial}: it was started with different inputs, "
            "settings or backend",
            file=sys.stderr,
        )
        shutil.rmtree(partial)
    if old != marker:
        chunks.mkdir(parents=True, exist_ok=True)
        (chunks / MARKER).write_text(json.dumps(marker, indent=2) + "\n", "utf-8")
    return chunks


def _blocks(
    request: BuildRequest, size: int, chunks: Path, counts: dict[str, int]
) -> Iterator[BlockInput]:
    """Every chunk of the build, numbered from 0; those written already are counted, not sent."""
    import contextlib

    from xqg_pyserini.indexes.checkpoint import chunk_docids
    from xqg_pyserini.indexes.encoding import corpus_windows

    corpus = request.corpus
    reread = lambda: (p.doc_id for p in corpus.passages())  # noqa: E731
    windows = corpus_windows(corpus.passages(), size, request.shard, 0, reread=reread)
    with contextlib.ExitStack() as stack:
        join = None
        if request.augment is not None:
            from xqg_pyserini.data.generated_join import GeneratedJoin

            join = stack.enter_context(GeneratedJoin(request.augment.generated, request.output))
        for window in windows:
            queries = None
            if join is not None:  # every passage, whoever's: the join stays in step
                passed = [p.doc_id for p in window.passed]
                queries = dict(zip(passed, join.take(passed), strict=True))
            if not window.chunk:
                continue
            number = counts["blocks"]
            counts["blocks"] += 1
            docids = [p.doc_id for p in window.chunk]
            counts["passages"] += len(docids)
            if chunk_docids(chunks, number) == docids:
                counts["skipped"] += 1
                continue
            columns: dict[str, list[Any]] = {
                "docid": docids,
                "title": [p.title for p in window.chunk],
                "text": [p.text for p in window.chunk],
            }
            if queries is not None:
                columns["queries"] = [json.dumps(queries[d], ensure_ascii=False) for d in docids]
            yield BlockInput(number, docids, columns)


def _streamable(index_type: str) -> bool:
    """Whether an index of this type needs no training (as the build requires)."""
    from xqg_pyserini.indexes.writer import new_faiss_index

    try:
        return bool(new_faiss_index(64, index_type).is_trained)
    except RuntimeError:  # a factory string for another dimension: the build says what
        return False


def _encode_blocks(request: BuildRequest, options: RayOptions) -> int | None:
    """Write every chunk of ``request`` with Ray, then ``progress.json``; the dimension."""
    from xqg_pyserini.indexes.checkpoint import Checkpoint, partial_dir
    from xqg_pyserini.indexes.stored_vectors import check_plain_index

    if request.passage_vectors_from is not None:
        if request.augment is None:
            raise XqgError("--passage-vectors-from needs --generated-queries")
        check_plain_index(request.passage_vectors_from, request)
    if not _streamable(request.index_type):
        return None  # the build refuses it, with its own message, before encoding anything
    size = block_size(request, options)
    partial = partial_dir(request.output)
    chunks = _prepare(partial, _marker(request, size))
    counts = {"blocks": 0, "passages": 0, "skipped": 0}
    worker = IndexWorker(
        settings=request.settings,
        device=request.device,
        dtype=request.dtype,
        batch_size=request.batch_size,
        augment=None if request.augment is None else request.augment.settings,
        passage_vectors_from=(
            None
            if request.passage_vectors_from is None
            else str(Path(request.passage_vectors_from).resolve())
        ),
        chunks=str(chunks.resolve()),
    )
    with init_ray(options) as ray:
        blocks = _blocks(request, size, chunks, counts)
        run_blocks(ray, options, blocks, worker, progress=request.progress)
    if counts["skipped"]:
        print(
            f"ray: reused {counts['skipped']} of {counts['blocks']} blocks already written "
            f"(in {chunks})",
            file=sys.stderr,
        )
    if not counts["blocks"]:
        return None
    for number in range(counts["blocks"]):
        if not (chunks / f"{number:06d}.docid").is_file():
            raise ScaleoutError(f"block {number} has no chunk in {chunks}")
    Checkpoint(partial, request.resume_key()).record(counts["passages"], counts["blocks"])
    return int(np.load(chunks / "000000.npy", mmap_mode="r").shape[1])


def build_index_ray(request: BuildRequest, options: RayOptions) -> IndexMetadata:
    """Build ``request`` with its chunks encoded by Ray actors; the same index as
    :func:`~xqg_pyserini.indexes.build.build_index`.

    Raises
    ------
    ScaleoutError
        If a block keeps failing (one line naming its passages).
    RayNotInstalledError
        Without Ray.
    """
    from xqg_pyserini.indexes.build import build_index

    import_ray()  # before anything is written
    return build_index(request, precompute=lambda todo: _encode_blocks(todo, options))
