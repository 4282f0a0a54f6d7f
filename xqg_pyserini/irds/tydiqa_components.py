"""ir_datasets components of TyDi QA GoldP (:mod:`.tydiqa`): one language's questions and qrels.

Its passages are served by :class:`~xqg_pyserini.irds.xquad_components.XquadDocs`.
Like :mod:`.components`, this module imports ir_datasets and is imported only by
:func:`xqg_pyserini.irds.tydiqa.datasets`. Files are resolved when data is asked
for, never at registration.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ir_datasets.formats import BaseQrels

from xqg_pyserini.data.records import TrecQrel
from xqg_pyserini.irds.sources import SourceFile
from xqg_pyserini.irds.tydiqa import read_qrels

__all__ = ["TydiQrels"]


class TydiQrels(BaseQrels):
    """For each question of one language, its gold passage (relevance 1)."""

    def __init__(self, source: SourceFile, language: str, definitions: dict[int, str]) -> None:
        self._source = source
        self._language = language
        self._definitions = definitions

    def qrels_path(self) -> Path:
        return self._source.path()

    def qrels_iter(self) -> Iterator[TrecQrel]:
        return read_qrels(self._source.path(), self._language)

    def qrels_defs(self) -> dict[int, str]:
        return dict(self._definitions)

    def qrels_cls(self) -> type[TrecQrel]:
        return TrecQrel
