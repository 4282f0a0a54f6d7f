"""ir_datasets components of TyDi QA GoldP (:mod:`.tydiqa`): one language's questions and qrels.

Its passages are served by :class:`~xqg_pyserini.irds.xquad_components.XquadDocs`.
Like :mod:`.components`, this module imports ir_datasets and is imported only by
:func:`xqg_pyserini.irds.tydiqa.datasets`. Files are resolved when data is asked
for, never at registration.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ir_datasets.formats import BaseQrels, BaseQueries

from xqg_pyserini.data.records import TrecQrel, XorQuery
from xqg_pyserini.irds.sources import SourceFile
from xqg_pyserini.irds.tydiqa import read_qrels, read_queries

__all__ = ["TydiQrels", "TydiQueries"]


class TydiQueries(BaseQueries):
    """The questions of one language in one GoldP file, with answers in that language."""

    def __init__(self, source: SourceFile, language: str, namespace: str) -> None:
        self._source = source
        self._language = language
        self._namespace = namespace

    def queries_path(self) -> Path:
        return self._source.path()

    def queries_iter(self) -> Iterator[XorQuery]:
        return read_queries(self._source.path(), self._language)

    def queries_cls(self) -> type[XorQuery]:
        return XorQuery

    def queries_namespace(self) -> str:
        return self._namespace

    def queries_lang(self) -> str:
        return self._language


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
