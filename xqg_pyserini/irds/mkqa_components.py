"""ir_datasets component of MKQA (:mod:`.mkqa`): one language's questions.

Like :mod:`.components`, this module imports ir_datasets and is imported only
by :func:`xqg_pyserini.irds.mkqa.datasets`. The file is resolved when the
questions are asked for, never at registration.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ir_datasets.formats import BaseQueries

from xqg_pyserini.irds.mkqa_format import MkqaQuery, read_mkqa
from xqg_pyserini.irds.sources import SourceFile

__all__ = ["MkqaQueries"]


class MkqaQueries(BaseQueries):
    """The questions of ``mkqa.jsonl.gz`` in one language, with the English answers."""

    def __init__(self, source: SourceFile, language: str, namespace: str) -> None:
        self._source = source
        self._language = language
        self._namespace = namespace

    def queries_path(self) -> Path:
        return self._source.path()

    def queries_iter(self) -> Iterator[MkqaQuery]:
        return read_mkqa(self._source.path(), self._language)

    def queries_cls(self) -> type[MkqaQuery]:
        return MkqaQuery

    def queries_namespace(self) -> str:
        return self._namespace

    def queries_lang(self) -> str:
        return self._language
