"""The bundled demo collection: ``xqg-demo``, ``xqg-demo/train``, ``xqg-demo/dev``,
``xqg-demo/train-en``.

Same formats and record types as XOR-Retrieve, read from the package's
``xqg_pyserini/resources/xqg_demo/`` (never downloaded):

* ``psgs_w100.tsv.gz``: DPR TSV, header ``id<TAB>text<TAB>title``;
* ``xor_train_retrieve.jsonl``, ``xor_dev_retrieve.jsonl``: XOR questions;
* ``xor_train-en_retrieve.jsonl``: the train questions in English (ids
  ``en-<train id>``, language ``en``; same answers and gold passages);
* ``qrels.train.tsv``, ``qrels.dev.tsv``, ``qrels.train-en.tsv``: TREC qrels of
  the gold passages.

Not ir_datasets parts: the stand-in generated questions (:data:`GENERATED_FILE`)
and the parallel train questions for distillation
(:func:`parallel_questions_file`: ``{"query_id", "language", "query",
"query_en"}`` lines, as ``xqg_pyserini.training.examples.ParallelQuestion``).

:func:`set_directory` points the collection at another directory holding these
files (tests use it). The docstore lives in ``$IR_DATASETS_HOME/xqg-demo/`` and
is rebuilt when the corpus file changes. Importing this module imports nothing
heavy; :func:`datasets` builds the ir_datasets objects.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from xqg_pyserini.irds.sources import BundledFile, ir_datasets_home

if TYPE_CHECKING:
    from ir_datasets.datasets.base import Dataset

    from xqg_pyserini.irds.components import DprTsvDocs

__all__ = [
    "CORPUS_FILE",
    "DATASET_IDS",
    "GENERATED_FILE",
    "NAME",
    "PARALLEL_ALL_FILE",
    "PARALLEL_FILE",
    "QRELS_FILES",
    "QUERY_FILES",
    "corpus_docs",
    "datasets",
    "default_directory",
    "directory",
    "parallel_questions_file",
    "set_directory",
]

NAME = "xqg-demo"
CORPUS_FILE = "psgs_w100.tsv.gz"
#: Stand-in generated questions, 5 per language per passage (not an ir_datasets part).
GENERATED_FILE = "generated_queries.jsonl.gz"
#: One line per train question: the question and its English version.
PARALLEL_FILE = "parallel_train.jsonl"
#: The same lines, each followed by the question rewritten in the other six languages.
PARALLEL_ALL_FILE = "parallel_train_all_languages.jsonl.gz"
QUERY_FILES = {
    "train": "xor_train_retrieve.jsonl",
    "dev": "xor_dev_retrieve.jsonl",
    "train-en": "xor_train-en_retrieve.jsonl",
}
QRELS_FILES = {"train": "qrels.train.tsv", "dev": "qrels.dev.tsv", "train-en": "qrels.train-en.tsv"}
QRELS_DEFS = {1: "gold passage: it answers the question"}
DATASET_IDS = (NAME, *(f"{NAME}/{split}" for split in QUERY_FILES))

_DESCRIPTION = (
    "Small demo collection bundled with xqg_pyserini, in the XOR-Retrieve formats "
    "(DPR TSV passages, XOR JSONL questions) plus TREC qrels of gold passages."
)
_SPLIT_DESCRIPTIONS = {
    "train-en": " These are the train questions in English (ids en-<train id>), with the "
    "same answers and gold passages, for training on English questions only.",
}

_override: Path | None = None


def default_directory() -> Path:
    """The package's ``resources/xqg_demo`` directory (it may not exist yet)."""
    return Path(str(resources.files("xqg_pyserini.resources").joinpath("xqg_demo")))


def directory() -> Path:
    """The directory the demo files are read from (the override, if set)."""
    return _override if _override is not None else default_directory()


def set_directory(path: str | Path | None) -> Path | None:
    """Read the demo files from ``path`` from now on (``None``: the package's own).

    Takes effect for already-registered datasets too, since files are located
    at each access. Returns the previous override, so callers can restore it.
    """
    global _override
    previous = _override
    _override = None if path is None else Path(path)
    return previous


def _file(name: str) -> BundledFile:
    return BundledFile(NAME, name, directory)


def parallel_questions_file(all_languages: bool = False) -> Path:
    """The parallel train questions, for distillation.

    Each line is ``{"query_id", "language", "query", "query_en"}``. With
    ``all_languages=False``, one line per train question (``query_id`` the train
    id); with ``True``, a gzipped file where each such line is followed by the
    question rewritten in the other languages (``query_id``
    ``<language>-<train id>``, the same ``query_en``).

    Raises
    ------
    DatasetFileMissingError
        If the file is not in :func:`directory`.
    """
    return _file(PARALLEL_ALL_FILE if all_languages else PARALLEL_FILE).path()


def _docstore_path() -> Path:
    return ir_datasets_home() / NAME / "psgs_w100.pklz4"


def corpus_docs() -> DprTsvDocs:
    """The demo passages as an ir_datasets docs component (XQuAD's distractors use it too)."""
    from xqg_pyserini.irds.components import DprTsvDocs

    return DprTsvDocs(_file(CORPUS_FILE), _docstore_path, namespace=NAME)


def datasets() -> dict[str, Dataset]:
    """The ir_datasets objects of the demo collection, by id (nothing is read yet)."""
    from xqg_pyserini.irds.components import (
        Documentation,
        TrecQrelsFile,
        XorQueriesFile,
        make_dataset,
    )

    docs = corpus_docs()
    result = {NAME: make_dataset(Documentation("xQG demo corpus", _DESCRIPTION), docs)}
    for split, queries_name in QUERY_FILES.items():
        queries = XorQueriesFile(_file(queries_name), NAME, require_answers=True)
        qrels = TrecQrelsFile(_file(QRELS_FILES[split]), QRELS_DEFS)
        description = _DESCRIPTION + _SPLIT_DESCRIPTIONS.get(split, "")
        documentation = Documentation(f"xQG demo {split}", description)
        result[f"{NAME}/{split}"] = make_dataset(documentation, docs, queries, qrels)
    return result
