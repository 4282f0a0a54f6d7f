"""ir_datasets components shared by our collections: docs, queries, qrels, docstore.

This module imports ir_datasets; only :func:`xqg_pyserini.irds.register`
(through the collection modules) imports it. Every file is resolved when data
is asked for, never at registration, so registering costs no disk or network.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import ir_datasets
from ir_datasets.datasets.base import Dataset
from ir_datasets.formats import BaseDocs, BaseQrels, BaseQueries
from ir_datasets.indices import DEFAULT_DOCSTORE_OPTIONS, DocstoreOptions, PickleLz4FullStore

from xqg_pyserini.data.formats import read_dpr_tsv, read_trec_qrels, read_xor_queries
from xqg_pyserini.data.records import TrecQrel, XorDoc, XorQuery
from xqg_pyserini.irds.sources import SourceFile

__all__ = [
    "Documentation",
    "DprTsvDocs",
    "LanguageQueriesFile",
    "SourcedDocstore",
    "TrecQrelsFile",
    "XorQueriesFile",
    "make_dataset",
]

_logger = ir_datasets.log.easy()

# Written next to the docstore's own files; records which source file it was built from.
_SOURCE_RECORD = "xqg_source.json"


def _fingerprint(path: Path) -> dict[str, Any]:
    stat = path.stat()
    return {"bytes": stat.st_size, "mtime_ns": stat.st_mtime_ns}


class SourcedDocstore(PickleLz4FullStore):
    """ir_datasets' lz4-pickle docstore, built by streaming a source file.

    Documents go to disk one by one as they are read (ir_datasets keeps only
    the id -> offset map in memory while building). The docstore remembers the
    size and mtime of the file it was built from; :meth:`drop_if_stale` clears
    it when a local copy of the source differs, and keeps it when no local copy
    is left (then the docstore is the only copy).
    """

    def __init__(
        self,
        path: Path,
        source: SourceFile,
        read: Callable[[Path], Iterator[XorDoc]],
        options: DocstoreOptions = DEFAULT_DOCSTORE_OPTIONS,
    ) -> None:
        self._source = source
        self._read = read
        self._built_from: Path | None = None
        self._record = path / _SOURCE_RECORD
        super().__init__(
            path=str(path),
            init_iter_fn=self._iter_source,
            data_cls=XorDoc,
            lookup_field="doc_id",
            index_fields=["doc_id"],
            options=options,
        )

    def _iter_source(self) -> Iterator[XorDoc]:
        assert self._built_from is not None  # set by build() just before
        return self._read(self._built_from)

    def build(self) -> None:
        """Build from the source file (fetching it first if needed) unless built."""
        if self.built():
            return
        self._built_from = self._source.path()
        super().build()
        tmp = self._record.with_name(self._record.name + ".tmp")
        tmp.write_text(json.dumps(_fingerprint(self._built_from)), encoding="utf-8")
        os.replace(tmp, self._record)

    def drop_if_stale(self) -> None:
        """Clear a built docstore whose local source file has changed since."""
        if not self.built():
            return
        current = self._source.local()
        if current is None:
            return
        try:
            recorded = json.loads(self._record.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            recorded = None
        if recorded != _fingerprint(current):
            _logger.info(f"{current} changed since the docstore {self.path} was built; rebuilding")
            self.clear_cache()
            self._record.unlink(missing_ok=True)


class DprTsvDocs(BaseDocs):
    """Documents of a DPR-style corpus TSV, with a docstore for random access.

    Parameters
    ----------
    source : SourceFile
        The corpus TSV(.gz).
    store_path : callable
        Returns the docstore directory (read at each access, so it follows
        ``$IR_DATASETS_HOME``).
    namespace : str
        ir_datasets namespace of the doc ids.
    """

    def __init__(self, source: SourceFile, store_path: Callable[[], Path], namespace: str) -> None:
        self._source = source
        self._store_path = store_path
        self._namespace = namespace
        self._read: Callable[[Path], Iterator[XorDoc]] = read_dpr_tsv
        self._language = "en"

    def docs_path(self, force: bool = True) -> Path | None:
        """The corpus file (fetched if ``force``; else the local copy or None)."""
        return self._source.path() if force else self._source.local()

    def docs_iter(self) -> Iterator[XorDoc]:
        """Stream the documents in corpus order (from the docstore once it is built).

        Slicing the result (``docs_iter()[a:b]``) builds and uses the docstore.
        """
        store = self.docs_store()
        if store.built():
            return iter(store)
        return ir_datasets.util.DocstoreSplitter(self._read(self._source.path()), store)

    def docs_store(
        self, field: str = "doc_id", options: DocstoreOptions = DEFAULT_DOCSTORE_OPTIONS
    ) -> SourcedDocstore:
        """The docstore (built on first lookup): ``docs_store().get(doc_id)``."""
        if field != "doc_id":
            raise ValueError(f"this docstore is keyed by 'doc_id' only, not {field!r}")
        store = SourcedDocstore(self._store_path(), self._source, self._read, options)
        store.drop_if_stale()
        return store

    def docs_count(self) -> int | None:
        """Number of documents: the docstore's, else the lines of a local corpus file, else None."""
        store = self.docs_store()
        if store.built():
            return store.count()
        local = self._source.local()
        return None if local is None else self._count_local(local)

    def _count_local(self, local: Path) -> int | None:
        from xqg_pyserini.data.corpus import count_lines

        lines = count_lines(local)
        return None if lines is None else max(0, lines - 1)  # the header

    def docs_cls(self) -> type[XorDoc]:
        return XorDoc

    def docs_namespace(self) -> str:
        return self._namespace

    def docs_lang(self) -> str:
        return self._language


class XorQueriesFile(BaseQueries):
    """Questions of an XOR-TyDi JSONL file (several languages, see ``XorQuery.language``)."""

    def __init__(self, source: SourceFile, namespace: str, require_answers: bool) -> None:
        self._source = source
        self._namespace = namespace
        self._require_answers = require_answers

    def queries_path(self) -> Path:
        return self._source.path()

    def queries_iter(self) -> Iterator[XorQuery]:
        return read_xor_queries(self._source.path(), require_answers=self._require_answers)

    def queries_cls(self) -> type[XorQuery]:
        return XorQuery

    def queries_namespace(self) -> str:
        return self._namespace

    def queries_lang(self) -> None:
        return None  # ir_datasets' value for "several languages"


class LanguageQueriesFile(BaseQueries):
    """The questions of one language read from one file (MKQA, TyDi QA GoldP).

    ``read(path, language)`` yields records of ``cls``; the file is resolved when the
    questions are asked for, never at registration.
    """

    def __init__(
        self,
        source: SourceFile,
        language: str,
        namespace: str,
        read: Callable[[Path, str], Iterator[Any]],
        cls: type,
    ) -> None:
        self._source = source
        self._language = language
        self._namespace = namespace
        self._read = read
        self._cls = cls

    def queries_path(self) -> Path:
        return self._source.path()

    def queries_iter(self) -> Iterator[Any]:
        return self._read(self._source.path(), self._language)

    def queries_cls(self) -> type:
        return self._cls

    def queries_namespace(self) -> str:
        return self._namespace

    def queries_lang(self) -> str:
        return self._language


class TrecQrelsFile(BaseQrels):
    """Judgements of a TREC qrels file."""

    def __init__(self, source: SourceFile, definitions: dict[int, str]) -> None:
        self._source = source
        self._definitions = definitions

    def qrels_path(self) -> Path:
        return self._source.path()

    def qrels_iter(self) -> Iterator[TrecQrel]:
        return read_trec_qrels(self._source.path())

    def qrels_defs(self) -> dict[int, str]:
        return dict(self._definitions)

    def qrels_cls(self) -> type[TrecQrel]:
        return TrecQrel


class Documentation:
    """What ``ir_datasets`` shows for a dataset (``documentation()``), plus our marker."""

    #: Lets :func:`xqg_pyserini.irds.register` tell our registrations from others'.
    xqg_pyserini_dataset = True

    def __init__(self, pretty_name: str, description: str) -> None:
        self._fields = {"pretty_name": pretty_name, "desc": description}

    def documentation(self) -> dict[str, str]:
        return dict(self._fields)


def make_dataset(documentation: Documentation, *components: object) -> Dataset:
    """An ir_datasets ``Dataset`` from our components."""
    return Dataset(*components, documentation)
