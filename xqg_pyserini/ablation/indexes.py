"""The ablation's indexes: a plain one, and one xQG index per n = 1..N from one pass.

Building N augmented indexes one by one would encode the first question of
every language N times. :func:`build_ablation_indexes` instead builds (or
reuses) the plain index, e(p), then asks the index builder for the N xQG
indexes together (:func:`~xqg_pyserini.indexes.build.build_indexes`): one pass
over the corpus reads e(p) back from the plain index, encodes each passage's
first N questions per language once and mixes e'(p) for every n from their
sums by rank. Each request is exactly the one ``python -m xqg_pyserini.index
--generated-queries ... --queries-per-language n`` makes, so either command
sees the other's index as up to date.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from xqg_pyserini.data.corpus_source import CorpusSource
from xqg_pyserini.encoders.augment import AugmentSettings
from xqg_pyserini.encoders.settings import EncoderSettings
from xqg_pyserini.indexes.metadata import IndexMetadata, read_metadata
from xqg_pyserini.indexes.request import AugmentRequest, BuildRequest

__all__ = ["PLAIN", "AblationIndexes", "build_ablation_indexes", "index_name"]

PLAIN = "plain"


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
    dtype: str = "float32"  # resolved: float32, bfloat16 or float16 (never auto)
    overwrite: bool = False  # replace indexes that differ; up-to-date ones are always kept
    progress: bool = True  # progress bars (on a terminal)
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
            dtype=self.dtype,
            progress=self.progress,
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


def build_ablation_indexes(spec: AblationIndexes) -> dict[str, IndexMetadata]:
    """Build what is not up to date; returns every index's metadata by name.

    ``spec.overwrite`` replaces only indexes that hold another build.

    Raises
    ------
    OutputExistsError
        If an index directory holds a different index and ``overwrite`` is not set.
    UnmatchedQuestionsError
        If a generated record's docid is not in the corpus, or occurs twice.
    """
    from xqg_pyserini.indexes.build import build_index, build_indexes
    from xqg_pyserini.indexes.request import is_up_to_date

    def stale_only(request: BuildRequest) -> BuildRequest:
        return replace(request, overwrite=spec.overwrite and not is_up_to_date(request))

    build_index(stale_only(spec.plain_request()))
    build_indexes([stale_only(spec.request(n)) for n in spec.sizes])
    return {name: read_metadata(path) for name, path in spec.index_paths().items()}
