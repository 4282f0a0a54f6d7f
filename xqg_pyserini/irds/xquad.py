"""XQuAD as a cross-lingual retrieval collection: ``xquad``, ``xquad/{lang}`` (+ distractors).

XQuAD (Artetxe et al., 2020) is 240 English paragraphs of SQuAD v1.1 with their
1,190 questions, professionally translated into ar, de, el, es, hi, ro, ru, th,
tr, vi and zh; the twelve files ``xquad.{lang}.json`` are parallel, paragraph by
paragraph and question by question (the question ids are shared). Framed here
like XOR-Retrieve:

* ``xquad``: the 240 **English** paragraphs (``XorDoc``, ids
  ``xquad-en-{article}-{paragraph}``, title the article title), with a docstore;
* ``xquad/{lang}``: those paragraphs, the questions of ``xquad.{lang}.json``
  (:class:`XquadQuery`, ``query_id`` the XQuAD id, unique within the dataset as
  XOR-Retrieve's are), and qrels pointing each question to the English
  paragraph the English file places it in (relevance 1);
* ``xquad-all``: the questions of all twelve languages in one dataset, their ids
  ``{lang}-{XQuAD id}`` (so one run, one qrels file and one eval report hold them
  all), over the same paragraphs;
* ``xquad/distractors``, ``xquad/{lang}/distractors`` and ``xquad-all/distractors``:
  the same, with the 5,500 passages of ``xqg-demo`` after the paragraphs, so that
  scores are not saturated by a 240-paragraph corpus.

``answers`` are the **English** answers of the question, as XOR-Retrieve's are,
because R@kt looks for them in English passages; ``language_answers`` are the
answer texts of the question's own file (the same for ``en``).

Files are found as XOR-Retrieve's are (:mod:`xqg_pyserini.irds.sources`):
``$XQG_XQUAD_DIR``, then ``$IR_DATASETS_HOME/xquad/``, else a download of the
raw file from the google-deepmind/xquad repository. Importing this module
imports nothing heavy; :func:`datasets` builds the ir_datasets objects.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from xqg_pyserini.data.records import TrecQrel
from xqg_pyserini.errors import CorpusFormatError
from xqg_pyserini.irds.sources import PublishedFile, ir_datasets_home
from xqg_pyserini.irds.xquad_format import XquadQuery, XquadQuestion, read_xquad

if TYPE_CHECKING:
    from ir_datasets.datasets.base import Dataset

__all__ = [
    "BASE_URL",
    "ALL_LANGUAGES_ID",
    "DATASET_IDS",
    "DISTRACTORS_ID",
    "ENV_VAR",
    "LANGUAGES",
    "NAME",
    "XquadQuery",
    "datasets",
    "read_qrels",
    "read_queries",
    "source_file",
]

NAME = "xquad"
ENV_VAR = "XQG_XQUAD_DIR"
BASE_URL = "https://raw.githubusercontent.com/google-deepmind/xquad/master/"
LANGUAGES = ("ar", "de", "el", "en", "es", "hi", "ro", "ru", "th", "tr", "vi", "zh")
DISTRACTORS_ID = f"{NAME}/distractors"
#: Every language's questions in one dataset (ids ``{lang}-{XQuAD id}``); not under
#: ``xquad/`` so that ``xquad/{lang}`` keeps naming exactly the languages.
ALL_LANGUAGES_ID = f"{NAME}-all"
DATASET_IDS = (
    NAME,
    *(f"{NAME}/{lang}" for lang in LANGUAGES),
    DISTRACTORS_ID,
    *(f"{NAME}/{lang}/distractors" for lang in LANGUAGES),
    ALL_LANGUAGES_ID,
    f"{ALL_LANGUAGES_ID}/distractors",
)
QRELS_DEFS = {1: "the paragraph the question was written about"}

_DESCRIPTION = (
    "XQuAD: the 240 English SQuAD v1.1 paragraphs of XQuAD as passages; 1,190 questions "
    "in each of ar, de, el, en, es, hi, ro, ru, th, tr, vi, zh; qrels: the paragraph of "
    "each question; answers: the English answer texts (language_answers: the translated ones)."
)
_DISTRACTORS = (
    " With distractors: the 5,500 English passages of xqg-demo (numeric ids) follow the "
    "paragraphs, so that finding the paragraph is not trivial."
)


def source_file(language: str) -> PublishedFile:
    """``xquad.{language}.json``.

    Raises
    ------
    KeyError
        For a language XQuAD does not have, listing the valid ones.
    """
    if language not in LANGUAGES:
        raise KeyError(f"XQuAD has no language {language!r}; expected one of {list(LANGUAGES)}")
    name = f"xquad.{language}.json"
    return PublishedFile(NAME, name, BASE_URL + name, ENV_VAR)


def read_queries(path: Path, english: Path, language: str) -> Iterator[XquadQuery]:
    """The questions of ``path`` (in ``language``), with the answers of ``english``.

    Raises
    ------
    CorpusFormatError
        If either file is malformed, or a question id of ``path`` is not in ``english``.
    """
    for question, original in _aligned(path, english):
        yield XquadQuery(
            question.question_id, question.text, language, original.answers, question.answers
        )


def read_qrels(path: Path, english: Path) -> Iterator[TrecQrel]:
    """One judgement per question of ``path``: the English paragraph holding it.

    Raises
    ------
    CorpusFormatError
        As :func:`read_queries`.
    """
    for question, original in _aligned(path, english):
        yield TrecQrel(question.question_id, original.doc_id, 1, "0")


def _aligned(path: Path, english: Path) -> list[tuple[XquadQuestion, XquadQuestion]]:
    """Each question of ``path`` with the English question of the same id."""
    by_id = {q.question_id: q for q in read_xquad(english).questions}
    pairs = []
    for question in read_xquad(path).questions:
        original = by_id.get(question.question_id)
        if original is None:
            raise CorpusFormatError(
                f"{path}: question id {question.question_id!r} is not in {english} "
                "(the files are no longer parallel)"
            )
        pairs.append((question, original))
    return pairs


def _docstore_path() -> Path:
    return ir_datasets_home() / NAME / "xquad.en.pklz4"


def datasets() -> dict[str, Dataset]:
    """The ir_datasets objects of XQuAD, by id (nothing is read yet)."""
    from xqg_pyserini.irds import xqg_demo
    from xqg_pyserini.irds.components import Documentation, make_dataset
    from xqg_pyserini.irds.xquad_components import (
        AllLanguagesQrels,
        AllLanguagesQueries,
        JoinedDocs,
        XquadDocs,
        XquadQrels,
        XquadQueries,
    )

    english = source_file("en")
    docs = XquadDocs(english, _docstore_path, namespace=NAME)
    joined = JoinedDocs(docs, xqg_demo.corpus_docs(), namespace=NAME)
    result = {
        NAME: make_dataset(Documentation("XQuAD English paragraphs", _DESCRIPTION), docs),
        DISTRACTORS_ID: make_dataset(
            Documentation("XQuAD paragraphs + xqg-demo passages", _DESCRIPTION + _DISTRACTORS),
            joined,
        ),
    }
    all_queries, all_qrels = {}, {}
    for lang in LANGUAGES:
        queries = XquadQueries(source_file(lang), english, lang, NAME)
        qrels = XquadQrels(source_file(lang), english, QRELS_DEFS)
        all_queries[lang], all_qrels[lang] = queries, qrels
        documentation = Documentation(f"XQuAD {lang}", _DESCRIPTION)
        result[f"{NAME}/{lang}"] = make_dataset(documentation, docs, queries, qrels)
        documentation = Documentation(f"XQuAD {lang} with distractors", _DESCRIPTION + _DISTRACTORS)
        result[f"{NAME}/{lang}/distractors"] = make_dataset(documentation, joined, queries, qrels)
    queries, qrels = AllLanguagesQueries(all_queries, NAME), AllLanguagesQrels(all_qrels)
    documentation = Documentation("XQuAD, every language (ids {lang}-{id})", _DESCRIPTION)
    result[ALL_LANGUAGES_ID] = make_dataset(documentation, docs, queries, qrels)
    documentation = Documentation(
        "XQuAD, every language, with distractors", _DESCRIPTION + _DISTRACTORS
    )
    result[f"{ALL_LANGUAGES_ID}/distractors"] = make_dataset(documentation, joined, queries, qrels)
    return dict(sorted(result.items(), key=lambda item: DATASET_IDS.index(item[0])))
