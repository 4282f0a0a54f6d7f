"""XOR-Retrieve (XOR-TyDi QA): ``xor-tydi/retrieve`` and its train / dev / test splits.

Questions in seven languages (ar, bn, fi, ja, ko, ru, te) over English
Wikipedia (2019-02-01 dump, 100-word passages, about 18M). All files are the
ones published on the XOR-QA site of UW NLP, under their original names; see
:mod:`xqg_pyserini.irds.sources` for how local copies are found
(``$XQG_XOR_TYDI_DIR``, then ``$IR_DATASETS_HOME/xor-tydi/``) before downloading.

The retrieve JSONL files carry answer strings, not gold passage ids, so these
datasets have no qrels; XOR-Retrieve is scored by answer-string recall (R@kt).

Importing this module imports nothing heavy; :func:`datasets` builds the
ir_datasets objects (and imports ir_datasets).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from xqg_pyserini.irds.sources import PublishedFile, ir_datasets_home

if TYPE_CHECKING:
    from ir_datasets.datasets.base import Dataset

__all__ = [
    "BASE_URL",
    "CORPUS_FILE",
    "DATASET_IDS",
    "ENV_VAR",
    "NAME",
    "QUERY_FILES",
    "corpus_file",
    "datasets",
    "query_file",
]

NAME = "xor-tydi"
ENV_VAR = "XQG_XOR_TYDI_DIR"
BASE_URL = "https://nlp.cs.washington.edu/xorqa/XORQA_site/data/"
CORPUS_FILE = "enwiki_20190201_w100.tsv"
CORPUS_URL = f"{BASE_URL}models/{CORPUS_FILE}"
QUERY_FILES = {
    "train": "xor_train_retrieve_eng_span.jsonl",
    "dev": "xor_dev_retrieve_eng_span_v1_1.jsonl",
    "test": "xor_test_retrieve_eng_span_q_only_v1_1.jsonl",
}
# The test split is published without answers.
_ANSWERS_REQUIRED = {"train": True, "dev": True, "test": False}

ROOT_ID = f"{NAME}/retrieve"
DATASET_IDS = (ROOT_ID, *(f"{ROOT_ID}/{split}" for split in QUERY_FILES))

_DESCRIPTION = (
    "XOR-Retrieve (XOR-TyDi QA): questions in ar, bn, fi, ja, ko, ru, te; English "
    "Wikipedia 2019-02-01 in 100-word passages (enwiki_20190201_w100.tsv). No qrels: "
    "the files give answer strings, scored with R@2kt / R@5kt."
)


def corpus_file() -> PublishedFile:
    """The corpus TSV (about 18M passages)."""
    return PublishedFile(NAME, CORPUS_FILE, CORPUS_URL, ENV_VAR)


def query_file(split: str) -> PublishedFile:
    """The questions JSONL of ``split`` (``train``, ``dev`` or ``test``).

    Raises
    ------
    KeyError
        For another split, listing the valid ones.
    """
    if split not in QUERY_FILES:
        raise KeyError(f"unknown XOR-Retrieve split {split!r}; expected one of {list(QUERY_FILES)}")
    return PublishedFile(NAME, QUERY_FILES[split], BASE_URL + QUERY_FILES[split], ENV_VAR)


def _docstore_path() -> Path:
    return ir_datasets_home() / NAME / f"{Path(CORPUS_FILE).stem}.pklz4"


def datasets() -> dict[str, Dataset]:
    """The ir_datasets objects of XOR-Retrieve, by id (nothing is read yet)."""
    from xqg_pyserini.irds.components import (
        Documentation,
        DprTsvDocs,
        XorQueriesFile,
        make_dataset,
    )

    docs = DprTsvDocs(corpus_file(), _docstore_path, namespace=NAME)
    result = {ROOT_ID: make_dataset(Documentation("XOR-Retrieve corpus", _DESCRIPTION), docs)}
    for split, required in _ANSWERS_REQUIRED.items():
        queries = XorQueriesFile(query_file(split), NAME, require_answers=required)
        documentation = Documentation(f"XOR-Retrieve {split}", _DESCRIPTION)
        result[f"{ROOT_ID}/{split}"] = make_dataset(documentation, docs, queries)
    return result
