"""Loading ir_datasets ids (ours included) and streaming their passages.

:func:`load_dataset` resolves an ir_datasets id after registering this
package's own ids (``xor-tydi/retrieve/...``, ``xqg-demo/...``, ``xquad/...``; idempotent, so
it works without the start-up hook too). Passage files
(JSONL or DPR TSV) are read by :mod:`xqg_pyserini.data.corpus_source`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from xqg_pyserini.data.corpus import Passage
from xqg_pyserini.errors import DatasetError

__all__ = ["dataset_passages", "load_dataset", "passages_with_count"]


def load_dataset(dataset_id: str) -> Any:
    """The ir_datasets dataset ``dataset_id`` (this package's ids included).

    Raises
    ------
    DatasetError
        If no dataset has that id (close matches are suggested).
    """
    import ir_datasets

    from xqg_pyserini.irds import register

    register()  # idempotent; the start-up hook may have done it already
    try:
        return ir_datasets.load(dataset_id)
    except KeyError:
        close = difflib.get_close_matches(dataset_id, list(ir_datasets.registry), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise DatasetError(f"unknown ir_datasets id {dataset_id!r}{hint}") from None


def dataset_passages(dataset: Any, dataset_id: str = "") -> Iterator[Passage]:
    """The passages of a loaded ir_datasets dataset (``doc_id``, ``title`` if any, ``text``).

    Raises
    ------
    DatasetError
        If the dataset provides no documents.
    """
    if not dataset.has_docs():
        raise DatasetError(f"dataset {dataset_id or dataset!r} provides no passages (docs)")
    for doc in dataset.docs_iter():
        yield Passage(str(doc.doc_id), getattr(doc, "title", "") or "", doc.text)


def passages_with_count(
    dataset_id: str | None = None, corpus: str | Path | None = None
) -> tuple[Iterator[Passage], int | None]:
    """The passages of an ir_datasets id or of a corpus file (exactly one of them).

    ``corpus`` is anything :func:`~xqg_pyserini.data.corpus_source.open_corpus`
    accepts: JSONL(.gz), DPR TSV(.gz). Also returns the number of passages when
    cheap to know (for progress bars), else None.
    """
    if (dataset_id is None) == (corpus is None):
        raise ValueError("give exactly one of dataset_id and corpus")
    from xqg_pyserini.data.corpus_source import CorpusSource, open_corpus

    source = open_corpus(corpus) if dataset_id is None else CorpusSource(dataset_id, "ir_datasets")  # type: ignore[arg-type]
    return source.passages(), source.count()
