"""ir_datasets components of XQuAD (:mod:`.xquad`): English paragraphs, questions, qrels,
and the paragraphs joined with distractor passages. :class:`XquadDocs` also serves
TyDi QA GoldP's passages (:mod:`.tydiqa_components`).

Like :mod:`.components`, this module imports ir_datasets and is imported only
by :func:`xqg_pyserini.irds.xquad.datasets`. Files are resolved when data is
asked for, never at registration.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import ir_datasets
from ir_datasets.formats import BaseDocs, BaseQrels, BaseQueries
from ir_datasets.indices import DEFAULT_DOCSTORE_OPTIONS, Docstore, DocstoreOptions

from xqg_pyserini.data.records import TrecQrel, XorDoc
from xqg_pyserini.errors import CorpusFormatError
from xqg_pyserini.irds.components import DprTsvDocs
from xqg_pyserini.irds.sources import SourceFile
from xqg_pyserini.irds.xquad import read_qrels, read_queries
from xqg_pyserini.irds.xquad_format import DOC_ID_PREFIX, XquadQuery, read_xquad

__all__ = [
    "AllLanguagesQrels",
    "AllLanguagesQueries",
    "JoinedDocs",
    "JoinedDocstore",
    "XquadDocs",
    "XquadQrels",
    "XquadQueries",
    "language_query_id",
]


def _paragraphs(path: Path) -> Iterator[XorDoc]:
    return iter(read_xquad(path).paragraphs)


class XquadDocs(DprTsvDocs):
    """The paragraphs of one SQuAD-style file, with a docstore for random access.

    :class:`~xqg_pyserini.irds.components.DprTsvDocs` with another reader: the
    same source, docstore and staleness rules.

    Parameters
    ----------
    source : SourceFile
        ``xquad.en.json`` for XQuAD.
    store_path : callable
        Returns the docstore directory (read at each access).
    namespace : str
        ir_datasets namespace of the doc ids.
    read : callable, optional
        ``path -> passages`` (unique ids); default: every paragraph of an XQuAD file.
    language : str, optional
        ``docs_lang()``; default ``"en"``.
    """

    def __init__(
        self,
        source: SourceFile,
        store_path: Callable[[], Path],
        namespace: str,
        read: Callable[[Path], Iterator[XorDoc]] = _paragraphs,
        language: str = "en",
    ) -> None:
        super().__init__(source, store_path, namespace)
        self._read = read
        self._language = language

    def _count_local(self, local: Path) -> int | None:
        return sum(1 for _ in self._read(local))


class XquadQueries(BaseQueries):
    """The questions of one language's file, with the English answers."""

    def __init__(self, source: SourceFile, english: SourceFile, language: str, namespace: str):
        self._source = source
        self._english = english
        self._language = language
        self._namespace = namespace

    def queries_path(self) -> Path:
        return self._source.path()

    def queries_iter(self) -> Iterator[XquadQuery]:
        return read_queries(self._source.path(), self._english.path(), self._language)

    def queries_cls(self) -> type[XquadQuery]:
        return XquadQuery

    def queries_namespace(self) -> str:
        return self._namespace

    def queries_lang(self) -> str:
        return self._language


class XquadQrels(BaseQrels):
    """For each question of one language's file, its English paragraph (relevance 1)."""

    def __init__(self, source: SourceFile, english: SourceFile, definitions: dict[int, str]):
        self._source = source
        self._english = english
        self._definitions = definitions

    def qrels_path(self) -> Path:
        return self._source.path()

    def qrels_iter(self) -> Iterator[TrecQrel]:
        return read_qrels(self._source.path(), self._english.path())

    def qrels_defs(self) -> dict[int, str]:
        return dict(self._definitions)

    def qrels_cls(self) -> type[TrecQrel]:
        return TrecQrel


def language_query_id(language: str, query_id: str) -> str:
    """The id of a question in ``xquad-all``: ``{language}-{XQuAD id}`` (unique there)."""
    return f"{language}-{query_id}"


class AllLanguagesQueries(BaseQueries):
    """The questions of every language, one language after another, ids made unique.

    XQuAD's ids are shared across languages; here each is prefixed with its language
    (:func:`language_query_id`), so that one run, one qrels file and one report hold them all.
    """

    def __init__(self, parts: dict[str, XquadQueries], namespace: str) -> None:
        self._parts = parts
        self._namespace = namespace

    def queries_path(self) -> Path:
        return next(iter(self._parts.values())).queries_path()

    def queries_iter(self) -> Iterator[XquadQuery]:
        for lang, part in self._parts.items():
            for query in part.queries_iter():
                yield query._replace(query_id=language_query_id(lang, query.query_id))

    def queries_cls(self) -> type[XquadQuery]:
        return XquadQuery

    def queries_namespace(self) -> str:
        return self._namespace

    def queries_lang(self) -> None:
        return None  # several


class AllLanguagesQrels(BaseQrels):
    """The qrels of every language, with the ids of :class:`AllLanguagesQueries`."""

    def __init__(self, parts: dict[str, XquadQrels]) -> None:
        self._parts = parts

    def qrels_path(self) -> Path:
        return next(iter(self._parts.values())).qrels_path()

    def qrels_iter(self) -> Iterator[TrecQrel]:
        for lang, part in self._parts.items():
            for qrel in part.qrels_iter():
                yield qrel._replace(query_id=language_query_id(lang, qrel.query_id))

    def qrels_defs(self) -> dict[int, str]:
        return next(iter(self._parts.values())).qrels_defs()

    def qrels_cls(self) -> type[TrecQrel]:
        return TrecQrel


class JoinedDocstore(Docstore):
    """Several docstores with disjoint doc ids, looked up as one."""

    def __init__(self, stores: list[Docstore]) -> None:
        super().__init__(XorDoc, "doc_id")
        self._stores = stores

    def get_many_iter(self, doc_ids: Iterable[str]) -> Iterator[XorDoc]:
        remaining = set(doc_ids)
        for store in self._stores:
            if not remaining:
                return
            found = store.get_many(remaining)
            remaining -= set(found)
            yield from found.values()

    def built(self) -> bool:
        return all(store.built() for store in self._stores)

    def build(self) -> None:
        for store in self._stores:
            store.build()

    def count(self) -> int:
        self.build()
        return sum(store.count() for store in self._stores)

    def clear_cache(self) -> None:
        for store in self._stores:
            store.clear_cache()

    def __iter__(self) -> Iterator[XorDoc]:
        self.build()
        return itertools.chain.from_iterable(iter(store) for store in self._stores)


class JoinedDocs(BaseDocs):
    """The XQuAD paragraphs followed by distractor passages (ids must not start with ``xquad-``)."""

    def __init__(self, paragraphs: XquadDocs, distractors: BaseDocs, namespace: str) -> None:
        self._parts = (paragraphs, distractors)
        self._namespace = namespace

    def docs_iter(self) -> Iterator[XorDoc]:
        """XQuAD's paragraphs, then the distractors; slicing uses the docstore."""
        store = self.docs_store()
        if store.built():
            return iter(store)
        paragraphs, distractors = self._parts
        docs = itertools.chain(paragraphs.docs_iter(), _checked(distractors.docs_iter()))
        return ir_datasets.util.DocstoreSplitter(docs, store)

    def docs_store(
        self, field: str = "doc_id", options: DocstoreOptions = DEFAULT_DOCSTORE_OPTIONS
    ) -> JoinedDocstore:
        """Both docstores, looked up as one (each built on first lookup)."""
        return JoinedDocstore([part.docs_store(field, options) for part in self._parts])

    def docs_count(self) -> int | None:
        """The sum of both counts, or None while either is unknown."""
        counts = [part.docs_count() for part in self._parts]
        return None if None in counts else sum(counts)  # type: ignore[arg-type]

    def docs_cls(self) -> type[XorDoc]:
        return XorDoc

    def docs_namespace(self) -> str:
        return self._namespace

    def docs_lang(self) -> str:
        return "en"


def _checked(distractors: Iterable[XorDoc]) -> Iterator[XorDoc]:
    for doc in distractors:
        if doc.doc_id.startswith(DOC_ID_PREFIX):
            raise CorpusFormatError(
                f"distractor passage id {doc.doc_id!r} could collide with XQuAD's "
                f"paragraph ids ({DOC_ID_PREFIX}...)"
            )
        yield doc
