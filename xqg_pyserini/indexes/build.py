"""One index build from start to finish: check the output, encode, write atomically.

With ``augment`` set, passage vectors are xQG-augmented with generated questions
(:mod:`xqg_pyserini.indexes.augmented`); without it, the plain index. With
``shard`` set, only that shard's passages (:mod:`xqg_pyserini.data.shard`).
The build holds :func:`~xqg_pyserini.atomic.build_lock` on the output and
checkpoints each chunk (:mod:`xqg_pyserini.indexes.checkpoint`), so a killed
build resumes where it stopped. With ``passage_vectors_from`` an augmented
build reads e(p) from a plain index of the same corpus and encoder
(:mod:`xqg_pyserini.indexes.stored_vectors`) and encodes only the questions;
the vectors, hence the build key, are the same as without it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xqg_pyserini.data.corpus_source import CorpusSource
from xqg_pyserini.data.shard import Shard
from xqg_pyserini.encoders.settings import EncoderSettings
from xqg_pyserini.errors import OutputExistsError, XqgError
from xqg_pyserini.indexes.augmented import AugmentRequest
from xqg_pyserini.indexes.metadata import METADATA_FILENAME, IndexMetadata, read_metadata

if TYPE_CHECKING:
    from xqg_pyserini.encoders.transformer import TransformerEncoder
    from xqg_pyserini.indexes.checkpoint import Checkpoint, Resumed
    from xqg_pyserini.indexes.writer import FaissIndexWriter

__all__ = ["BuildRequest", "build_index", "is_up_to_date"]


@dataclass(frozen=True)
class BuildRequest:
    """Everything :func:`build_index` needs; ``command`` is recorded verbatim."""

    corpus: CorpusSource
    encoder_name: str
    settings: EncoderSettings
    output: Path
    index_type: str = "Flat"
    batch_size: int = 32
    device: str = "cpu"
    dtype: str = "float32"
    overwrite: bool = False
    command: tuple[str, ...] = ()
    augment: AugmentRequest | None = None
    shard: Shard = Shard()
    checkpoint_every: int | None = None  # passages per chunk and checkpoint; None: the default
    passage_vectors_from: Path | None = None  # a plain index holding e(p); not in build_key

    def shard_record(self) -> dict[str, int] | None:
        """The shard for ``metadata.json``, None for a whole-corpus index."""
        return None if self.shard.is_whole else self.shard.to_dict()

    def resume_key(self) -> dict[str, object]:
        """:meth:`build_key` plus the shard: what a checkpoint must match to be resumed."""
        return {**self.build_key(), "shard": self.shard_record()}

    def build_key(self) -> dict[str, object]:
        """The inputs that decide the index's content (the model by the name given).

        A plain index's key has no ``augment`` entry, so it is the same as before
        augmentation existed.
        """
        encoder = {**self.settings.to_dict(), "model": self.encoder_name}
        key: dict[str, object] = {
            "encoder": encoder,
            "corpus": self.corpus.identity(),
            "index_type": self.index_type,
        }
        if self.augment is not None:
            key["augment"] = self.augment.identity()
        if self.dtype != "float32":  # half precision changes the vectors slightly
            key["dtype"] = self.dtype
        return key


def is_up_to_date(request: BuildRequest) -> bool:
    """True when ``request.output`` is a complete index built from the same inputs and shard."""
    if not (request.output / METADATA_FILENAME).is_file():
        return False
    meta = read_metadata(request.output)
    return meta.build_key == request.build_key() and meta.shard == request.shard_record()


def build_index(request: BuildRequest) -> IndexMetadata:
    """Encode the corpus (or one shard) and write the index directory, resuming if possible.

    Holds a lock on the output; a build that waited for another one of the same
    output returns that one's metadata when it is now up to date.

    Raises
    ------
    OutputExistsError
        If the output exists and ``overwrite`` is not set.
    """
    from xqg_pyserini.atomic import build_lock

    with build_lock(request.output, remove=True):
        if not request.overwrite and is_up_to_date(request):
            return read_metadata(request.output)
        if request.output.exists() and not request.overwrite:
            raise OutputExistsError(
                f"{request.output} exists and holds a different index; "
                "pass --overwrite to replace it or choose another --output"
            )
        return _build(request)


def _build(request: BuildRequest) -> IndexMetadata:
    from xqg_pyserini.encoders.transformer import TransformerEncoder
    from xqg_pyserini.indexes.checkpoint import Checkpoint
    from xqg_pyserini.indexes.writer import FaissIndexWriter

    if request.passage_vectors_from is not None:
        from xqg_pyserini.indexes.stored_vectors import check_plain_index

        if request.augment is None:
            raise XqgError("--passage-vectors-from needs --generated-queries")
        check_plain_index(request.passage_vectors_from, request)
    encoder = TransformerEncoder(request.settings, device=request.device, dtype=request.dtype)
    writer = FaissIndexWriter(
        request.output,
        encoder.dimension,
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
        checkpoint = Checkpoint(writer.directory, request.resume_key())
        resumed = checkpoint.resume()
        for docids, vectors in resumed.chunks:
            writer.add(docids, vectors)
        if resumed.passages:
            print(
                f"resuming {request.output}: reusing {resumed.passages} passages "
                f"already encoded (from {writer.directory})",
                file=sys.stderr,
            )
        augmentation = _encode(encoder, request, writer, checkpoint, resumed)
        writer.metadata = IndexMetadata(
            encoder_name=request.encoder_name,
            encoder=request.settings.to_dict(),
            dimension=encoder.dimension,
            num_docs=0,  # the writer fills in the count it wrote
            index_type=request.index_type,
            corpus=request.corpus.name,
            build_key=request.build_key(),
            command=list(request.command),
            augmentation=augmentation,
            shard=request.shard_record(),
        )
        checkpoint.clear()
    return writer.metadata


def _encode(
    encoder: TransformerEncoder,
    request: BuildRequest,
    writer: FaissIndexWriter,
    checkpoint: Checkpoint,
    resumed: Resumed,
) -> dict[str, Any] | None:
    """Run the plain or augmented encoding; returns the augmentation record or None."""
    from xqg_pyserini.indexes.augmented import encode_augmented
    from xqg_pyserini.indexes.builder import encode_corpus

    if request.augment is not None:
        return encode_augmented(encoder, request, writer, checkpoint, resumed)
    encode_corpus(
        encoder,
        request.corpus.passages(),
        writer,
        request.batch_size,
        total=request.corpus.count(),
        chunk_size=request.checkpoint_every,
        shard=request.shard,
        skip=resumed.passages,
        sink=lambda docids, vectors: checkpoint.save(docids, vectors, {}),
    )
    return None
