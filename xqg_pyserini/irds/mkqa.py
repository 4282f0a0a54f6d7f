"""MKQA as cross-lingual retrieval collections: ``mkqa/{lang}`` for its 26 languages.

MKQA (Longpre, Lu and Daiber, TACL 2021) is 10,000 Natural Questions queries
with passage-independent answers, professionally translated into 25 more
languages; one file, ``mkqa.jsonl.gz``, holds every language of every example
(format and answer rules: :mod:`.mkqa_format`). Framed here as BGE-M3 and
others use it, over XOR-Retrieve's English Wikipedia:

* ``mkqa/{lang}``: docs are the XOR-Retrieve corpus (DPR's 100-word English
  Wikipedia passages: the docs object of ``xor-tydi/retrieve``, so the same
  file, docstore and index serve both); queries are the questions in ``lang``
  (:class:`MkqaQuery`, ``query_id`` the ``example_id``, the same in every
  language, so the 26 sets are parallel); **no qrels**: a passage is relevant
  when it contains an answer or alias, which is what R@kt and answer relevance
  score. ``answers`` are the English answers (the corpus is English);
  ``language_answers`` are the question's own language's.

The file is found as XQuAD's is (:mod:`xqg_pyserini.irds.sources`):
``$XQG_MKQA_DIR``, then ``$IR_DATASETS_HOME/mkqa/`` (``mkqa.jsonl.gz``, or
``mkqa.jsonl`` uncompressed), else a download of the raw file from the
apple/ml-mkqa repository. Reading the queries never touches the corpus.
Importing this module imports nothing heavy; :func:`datasets` builds the
ir_datasets objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from xqg_pyserini.irds.mkqa_format import (
    DROPPED_TYPES,
    KEPT_TYPES,
    LANGUAGES,
    MkqaQuery,
    read_mkqa,
)
from xqg_pyserini.irds.sources import PublishedFile

if TYPE_CHECKING:
    from ir_datasets.datasets.base import Dataset

__all__ = [
    "DATASET_IDS",
    "DROPPED_TYPES",
    "ENV_VAR",
    "FILE_NAME",
    "KEPT_TYPES",
    "LANGUAGES",
    "NAME",
    "URL",
    "MkqaQuery",
    "datasets",
    "read_mkqa",
    "source_file",
]

NAME = "mkqa"
ENV_VAR = "XQG_MKQA_DIR"
FILE_NAME = "mkqa.jsonl.gz"
URL = "https://github.com/apple/ml-mkqa/raw/main/dataset/mkqa.jsonl.gz"
_PLAIN_NAME = "mkqa.jsonl"
DATASET_IDS = tuple(f"{NAME}/{lang}" for lang in LANGUAGES)

_DESCRIPTION = (
    "MKQA: 10,000 Natural Questions queries in each of 26 languages (parallel: one "
    "query_id per example in every language) over XOR-Retrieve's English Wikipedia "
    "passages. No qrels: a passage is relevant when it contains an answer; answers: the "
    "English answer texts and aliases of the entity, date, number, number_with_unit and "
    "short_phrase answers (language_answers: the question's language's)."
)


@dataclass(frozen=True)
class _MkqaFile(PublishedFile):
    """``mkqa.jsonl.gz`` as published, also found uncompressed as ``mkqa.jsonl``."""

    def local(self) -> Path | None:
        directories = [self._env_dir(), self.cache_path().parent]
        for directory in directories:
            if directory is None:
                continue
            for candidate in (directory / self.name, directory / _PLAIN_NAME):
                if candidate.is_file():
                    return candidate
        return None

    def missing_message(self, cause: BaseException) -> str:
        return (
            super()
            .missing_message(cause)
            .replace(f"(or {self.name}.gz there)", f"(or {_PLAIN_NAME} there, uncompressed)")
        )


def source_file() -> PublishedFile:
    """``mkqa.jsonl.gz`` (or a local ``mkqa.jsonl``)."""
    return _MkqaFile(NAME, FILE_NAME, URL, ENV_VAR)


def datasets() -> dict[str, Dataset]:
    """The ir_datasets objects of MKQA, by id (nothing is read yet)."""
    from xqg_pyserini.irds import xor_tydi
    from xqg_pyserini.irds.components import Documentation, LanguageQueriesFile, make_dataset
    from xqg_pyserini.irds.mkqa_format import MkqaQuery, read_mkqa

    docs = xor_tydi.datasets()[xor_tydi.ROOT_ID].docs_handler()
    source = source_file()
    result = {}
    for lang in LANGUAGES:
        queries = LanguageQueriesFile(source, lang, NAME, read_mkqa, MkqaQuery)
        documentation = Documentation(f"MKQA {lang} over XOR-Retrieve's corpus", _DESCRIPTION)
        result[f"{NAME}/{lang}"] = make_dataset(documentation, docs, queries)
    return result
