"""One index build from start to finish: check the output, encode, write atomically.

With ``augment`` set, passage vectors are xQG-augmented with generated questions
(:mod:`xqg_pyserini.indexes.augmented`); without it, the plain index.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from xqg_pyserini.data.corpus_source import CorpusSource
from xqg_pyserini.encoders.settings import EncoderSettings
from xqg_pyserini.errors import OutputExistsError
from xqg_pyserini.indexes.augmented import AugmentRequest
from xqg_pyserini.indexes.metadata import METADATA_FILENAME, IndexMetadata, read_metadata

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
    overwrite: bool = False
    command: tuple[str, ...] = ()
    augment: AugmentRequest | None = None

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
        return key


def is_up_to_date(request: BuildRequest) -> bool:
    """True when ``request.output`` is a complete index built from the same inputs."""
    if not (request.output / METADATA_FILENAME).is_file():
        return False
    return read_metadata(request.output).build_key == request.build_key()


def build_index(request: BuildRequest) -> IndexMetadata:
    """Encode the corpus and write the index directory.

    Raises
    ------
    OutputExistsError
        If the output exists and ``overwrite`` is not set.
    """
    from xqg_pyserini.encoders.transformer import TransformerEncoder
    from xqg_pyserini.indexes.augmented import encode_augmented
    from xqg_pyserini.indexes.builder import encode_corpus
    from xqg_pyserini.indexes.writer import FaissIndexWriter

    if request.output.exists() and not request.overwrite:
        raise OutputExistsError(
            f"{request.output} exists and holds a different index; "
            "pass --overwrite to replace it or choose another --output"
        )
    encoder = TransformerEncoder(request.settings, device=request.device)
    writer = FaissIndexWriter(
        request.output, encoder.dimension, request.index_type, overwrite=request.overwrite
    )
    with writer:
        augmentation = None
        if request.augment is not None:
            augmentation = encode_augmented(encoder, request, writer)
        else:
            passages = request.corpus.passages()
            total = request.corpus.count()
            encode_corpus(encoder, passages, writer, request.batch_size, total=total)
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
        )
    return writer.metadata
