"""What an index build is asked for: :class:`BuildRequest` and its :class:`AugmentRequest`.

Value types shared by the build (:mod:`xqg_pyserini.indexes.build`), the xQG
chunk step (:mod:`xqg_pyserini.indexes.augmented`) and the plain-index check
(:mod:`xqg_pyserini.indexes.stored_vectors`), so none of them imports another
to learn what a request is. A request's ``build_key`` decides whether an
existing index is up to date (:func:`is_up_to_date`); its ``pass_key`` says
which requests can be built together in one pass over the corpus.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xqg_pyserini.data.corpus_source import CorpusSource
from xqg_pyserini.data.shard import Shard
from xqg_pyserini.encoders.augment import AugmentSettings
from xqg_pyserini.encoders.settings import EncoderSettings
from xqg_pyserini.indexes.metadata import METADATA_FILENAME, read_metadata

__all__ = ["AugmentRequest", "BuildRequest", "is_up_to_date"]


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


@dataclass(frozen=True)
class BuildRequest:
    """Everything one index build needs; ``command`` is recorded verbatim."""

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
    progress: bool = True  # draw progress bars (on a terminal); not in any key

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

    def pass_key(self) -> dict[str, object]:
        """What requests built in one pass share: all but the output, its record and the mixing.

        The mixing (alpha, method, questions per language) and the index type may
        differ; the passages, their encoding and the questions read may not.
        """
        augment = self.augment
        questions = None
        if augment is not None:
            files = [str(path) for path in augment.generated]
            questions = {"generated_queries": files, "languages": list(augment.settings.languages)}
        return {
            "corpus": self.corpus.identity(),
            "encoder": {**self.settings.to_dict(), "model": self.encoder_name},
            "dtype": self.dtype,
            "device": self.device,
            "batch_size": self.batch_size,
            "checkpoint_every": self.checkpoint_every,
            "shard": self.shard_record(),
            "passage_vectors_from": self.passage_vectors_from,
            "questions": questions,
        }


def is_up_to_date(request: BuildRequest) -> bool:
    """True when ``request.output`` is a complete index built from the same inputs and shard."""
    if not (request.output / METADATA_FILENAME).is_file():
        return False
    meta = read_metadata(request.output)
    return meta.build_key == request.build_key() and meta.shard == request.shard_record()
