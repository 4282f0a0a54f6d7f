"""TyDi QA GoldP as monolingual retrieval collections: ``tydiqa-goldp/{split}/{lang}``.

TyDi QA's gold-passage task (Clark et al., TACL 2020), v1.1, is two SQuAD v1.1
JSON files, ``tydiqa-goldp-v1.1-train.json`` and ``tydiqa-goldp-v1.1-dev.json``,
mixing 9 languages (Thai and Japanese, in the primary task, are not in GoldP).
Each question id starts with its language's English name (``arabic-...``),
which is how a question's language is known. Framed here per language, as
zero-shot transfer studies use it:

* ``tydiqa-goldp/{split}/{lang}``: docs are the gold passages of that
  language's questions (``XorDoc``, deduplicated by title and text, id
  ``tydiqa-goldp-{lang}-{hash}``: the first 16 hex digits of the SHA-1 of
  title and text, so stable under reordering), with a docstore; queries are
  that language's questions (``XorQuery``, ``query_id`` the TyDi id, answers in
  the question's language, as the passages are); qrels point each question to
  its passage (relevance 1).

Files are found as XQuAD's are (:mod:`xqg_pyserini.irds.sources`):
``$XQG_TYDIQA_DIR``, then ``$IR_DATASETS_HOME/tydiqa-goldp/``, else a download
from ``storage.googleapis.com/tydiqa/v1.1/``. Importing this module imports
nothing heavy; :func:`datasets` builds the ir_datasets objects.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from xqg_pyserini.data.records import TrecQrel, XorDoc, XorQuery
from xqg_pyserini.errors import CorpusFormatError
from xqg_pyserini.irds.sources import PublishedFile, ir_datasets_home
from xqg_pyserini.irds.xquad_format import XquadQuestion, read_squad

if TYPE_CHECKING:
    from ir_datasets.datasets.base import Dataset

__all__ = [
    "BASE_URL",
    "DATASET_IDS",
    "ENV_VAR",
    "LANGUAGES",
    "NAME",
    "SPLITS",
    "TydiLanguage",
    "datasets",
    "passage_id",
    "read_language",
    "read_passages",
    "read_qrels",
    "read_queries",
    "source_file",
]

NAME = "tydiqa-goldp"
ENV_VAR = "XQG_TYDIQA_DIR"
BASE_URL = "https://storage.googleapis.com/tydiqa/v1.1/"
SPLITS = ("train", "dev")
#: Language code -> the English name that prefixes its question ids.
LANGUAGES = {
    "ar": "arabic",
    "bn": "bengali",
    "en": "english",
    "fi": "finnish",
    "id": "indonesian",
    "ko": "korean",
    "ru": "russian",
    "sw": "swahili",
    "te": "telugu",
}
DATASET_IDS = tuple(f"{NAME}/{split}/{lang}" for split in SPLITS for lang in LANGUAGES)
QRELS_DEFS = {1: "the gold passage the question was answered in"}

_DESCRIPTION = (
    "TyDi QA GoldP v1.1, one language: the gold passages of that language's questions "
    "(deduplicated) as docs; the questions as queries; qrels: each question's passage; "
    "answers: the answer texts, in the question's language."
)


def source_file(split: str) -> PublishedFile:
    """``tydiqa-goldp-v1.1-{split}.json``.

    Raises
    ------
    KeyError
        For a split GoldP does not have, listing the valid ones.
    """
    if split not in SPLITS:
        raise KeyError(f"TyDi QA GoldP has no split {split!r}; expected one of {list(SPLITS)}")
    name = f"tydiqa-goldp-v1.1-{split}.json"
    return PublishedFile(NAME, name, BASE_URL + name, ENV_VAR)


def _check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise KeyError(
            f"TyDi QA GoldP has no language {language!r}; expected one of {list(LANGUAGES)}"
        )
    return LANGUAGES[language]


def passage_id(language: str, title: str, text: str) -> str:
    """``tydiqa-goldp-{language}-{16 hex digits of SHA-1(title NUL text)}``."""
    digest = hashlib.sha1(f"{title}\0{text}".encode()).hexdigest()[:16]
    return f"{NAME}-{language}-{digest}"


@dataclass(frozen=True)
class TydiLanguage:
    """One language's share of a GoldP file: its passages (unique) and questions, in file order."""

    passages: tuple[XorDoc, ...]
    questions: tuple[XquadQuestion, ...]


def read_language(path: Path, language: str) -> TydiLanguage:
    """The passages and questions of ``language`` in a GoldP file.

    Raises
    ------
    KeyError
        For a language GoldP does not have, listing the valid ones.
    CorpusFormatError
        As :func:`~xqg_pyserini.irds.xquad_format.read_squad`, or for a question
        id that starts with no GoldP language name.
    """
    _check_language(language)
    return _by_language(Path(path), *_stamp(Path(path)))[language]


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


# The datasets of one split read the same file: parse it once per version.
@functools.lru_cache(maxsize=2)
def _by_language(path: Path, size: int, mtime_ns: int) -> dict[str, TydiLanguage]:
    codes = {name: code for code, name in LANGUAGES.items()}

    def named(article: int, paragraph: int, title: str, text: str) -> str:
        return f"{article}/{paragraph}"  # positions, until the language is known

    parsed = read_squad(path, named)
    titles = {doc.doc_id: doc for doc in parsed.paragraphs}
    passages: dict[str, dict[str, XorDoc]] = {code: {} for code in LANGUAGES}
    questions: dict[str, list[XquadQuestion]] = {code: [] for code in LANGUAGES}
    for question in parsed.questions:
        code = codes.get(question.question_id.split("-", 1)[0])
        if code is None:
            article, paragraph = question.doc_id.split("/")
            raise CorpusFormatError(
                f"{path}: data[{article}].paragraphs[{paragraph}]: question id "
                f"{question.question_id!r} does not start with a "
                f"TyDi QA GoldP language name and '-' (one of {sorted(codes)})"
            )
        paragraph = titles[question.doc_id]
        name = passage_id(code, paragraph.title, paragraph.text)
        passages[code].setdefault(name, XorDoc(name, paragraph.title, paragraph.text))
        questions[code].append(
            XquadQuestion(question.question_id, question.text, question.answers, name)
        )
    return {
        code: TydiLanguage(tuple(passages[code].values()), tuple(questions[code]))
        for code in LANGUAGES
    }


def read_passages(path: Path, language: str) -> Iterator[XorDoc]:
    """The unique gold passages of ``language``'s questions (``tydiqa-goldp/*/{language}`` docs)."""
    return iter(read_language(path, language).passages)


def read_queries(path: Path, language: str) -> Iterator[XorQuery]:
    """The questions of ``language``, with their answers (in ``language``)."""
    for question in read_language(path, language).questions:
        yield XorQuery(question.question_id, question.text, language, question.answers)


def read_qrels(path: Path, language: str) -> Iterator[TrecQrel]:
    """One judgement per question of ``language``: its gold passage."""
    for question in read_language(path, language).questions:
        yield TrecQrel(question.question_id, question.doc_id, 1, "0")


def _docstore_path(split: str, language: str) -> Path:
    return ir_datasets_home() / NAME / f"{split}-{language}.pklz4"


def datasets() -> dict[str, Dataset]:
    """The ir_datasets objects of TyDi QA GoldP, by id (nothing is read yet)."""
    from xqg_pyserini.irds.components import Documentation, LanguageQueriesFile, make_dataset
    from xqg_pyserini.irds.tydiqa_components import TydiQrels
    from xqg_pyserini.irds.xquad_components import XquadDocs

    result = {}
    for split in SPLITS:
        source = source_file(split)
        for lang in LANGUAGES:
            docs = XquadDocs(
                source,
                functools.partial(_docstore_path, split, lang),
                NAME,
                read=functools.partial(read_passages, language=lang),
                language=lang,
            )
            queries = LanguageQueriesFile(source, lang, NAME, read_queries, XorQuery)
            qrels = TydiQrels(source, lang, QRELS_DEFS)
            documentation = Documentation(f"TyDi QA GoldP {split} {lang}", _DESCRIPTION)
            result[f"{NAME}/{split}/{lang}"] = make_dataset(documentation, docs, queries, qrels)
    return result
