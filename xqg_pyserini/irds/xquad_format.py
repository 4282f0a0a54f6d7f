"""Reading SQuAD v1.1 JSON files (XQuAD's, TyDi QA GoldP's), checked, as passages and questions.

One file (``xquad.{lang}.json``, ``tydiqa-goldp-v1.1-dev.json``) is a single
JSON document (not JSON lines)::

    {"data": [{"title": str,
               "paragraphs": [{"context": str,
                               "qas": [{"id": str, "question": str,
                                        "answers": [{"text": str, "answer_start": int}]}]}]}]}

Other fields (``version``, ``answer_start``) are ignored. The whole document is
parsed with the strict JSON rules of :mod:`xqg_pyserini.data.json_lines`;
every structural problem is a one-line :class:`CorpusFormatError` naming the
file and the JSON path, e.g. ``.../xquad.ja.json: data[3].paragraphs[0].qas[1]:
missing "question"``. The files are read whole (XQuAD's are 2 MB at most, TyDi
QA GoldP's train file tens of MB). :func:`read_squad` takes the rule that names
paragraphs; :func:`read_xquad` is it with XQuAD's positional ids.

No ``from __future__ import annotations`` here: ir_datasets reads the field
types of :class:`XquadQuery` from ``__annotations__``, as in
:mod:`xqg_pyserini.data.records`.
"""

import gzip
import json
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, NamedTuple, Tuple  # noqa: UP035 (see XquadQuery.answers)

from xqg_pyserini.data.fields import json_id, json_string
from xqg_pyserini.data.json_lines import parse_json_object
from xqg_pyserini.data.lines import decode_line
from xqg_pyserini.data.records import XorDoc
from xqg_pyserini.errors import CorpusFormatError

__all__ = [
    "DOC_ID_PREFIX",
    "ParagraphId",
    "XquadFile",
    "XquadQuery",
    "XquadQuestion",
    "doc_id",
    "read_squad",
    "read_xquad",
]

_UTF8_BOM = b"\xef\xbb\xbf"


#: What every paragraph id starts with (distractor passages must not).
DOC_ID_PREFIX = "xquad-"


def doc_id(article: int, paragraph: int) -> str:
    """The id of paragraph ``paragraph`` of article ``article`` (0-based) of the English file."""
    return f"{DOC_ID_PREFIX}en-{article}-{paragraph}"


class XquadQuery(NamedTuple):
    """One XQuAD question in one language, as ``xquad/{lang}`` serves it.

    Attributes
    ----------
    query_id : str
        The XQuAD id (the same in every language).
    text : str
        The question, in ``language``.
    language : str
        The file's language code.
    answers : tuple of str
        The English answer texts: what R@kt looks for in the English passages.
    language_answers : tuple of str
        The answer texts of the question's own file (the same as ``answers`` for ``en``).
    """

    query_id: str
    text: str
    language: str
    # typing.Tuple, not tuple: ir_datasets recognises only Tuple[str, ...] as a list field.
    answers: Tuple[str, ...]  # noqa: UP006
    language_answers: Tuple[str, ...]  # noqa: UP006

    def default_text(self) -> str:
        """The question text."""
        return self.text


@dataclass(frozen=True)
class XquadQuestion:
    """One question of one file, with the paragraph it was asked about.

    Attributes
    ----------
    question_id : str
        The ``id`` field (shared by the translations of a question).
    text : str
        The question, in the file's language.
    answers : tuple of str
        The ``text`` of each answer, in the file's language, in file order.
    doc_id : str
        The id of the paragraph holding it in this file (:func:`doc_id` for XQuAD).
    """

    question_id: str
    text: str
    answers: tuple[str, ...]
    doc_id: str


#: Names a paragraph: ``(article, paragraph, title, context) -> doc_id`` (positions 0-based).
ParagraphId = Callable[[int, int, str, str], str]


def _positional_id(article: int, paragraph: int, title: str, context: str) -> str:
    return doc_id(article, paragraph)


@dataclass(frozen=True)
class XquadFile:
    """The paragraphs (as passages) and questions of one file, in file order."""

    paragraphs: tuple[XorDoc, ...]
    questions: tuple[XquadQuestion, ...]


def _document(path: Path) -> dict[str, Any]:
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as handle:
                raw = handle.read()
        else:
            raw = path.read_bytes()
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise CorpusFormatError(f"{path}: corrupt or truncated gzip file ({exc})") from None
    if raw.startswith(_UTF8_BOM):
        raw = raw[len(_UTF8_BOM) :]
    text = decode_line(raw, str(path))
    try:
        return parse_json_object(text, str(path))
    except CorpusFormatError:
        _locate_syntax_error(text, path)
        raise


def _locate_syntax_error(text: str, path: Path) -> None:
    """Raise the syntax error with its line, which a whole-file document needs to be found."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise CorpusFormatError(
            f"{path}:{exc.lineno}: not valid JSON ({exc.msg} at column {exc.colno})"
        ) from None
    except (ValueError, RecursionError):
        # Refused by the strict rules only (RecursionError: nested too deep for
        # json.loads, which the strict rules refuse first): their message stands.
        pass


def _field(record: object, key: str, where: str, kind: type) -> Any:
    """``record[key]``, which must exist and be of ``kind`` (``list`` or ``dict``)."""
    if not isinstance(record, dict):
        raise CorpusFormatError(f"{where}: expected a JSON object, got {_kind(record)}")
    if key not in record:
        raise CorpusFormatError(f'{where}: missing "{key}"')
    value = record[key]
    if not isinstance(value, kind):
        expected = "a list" if kind is list else "an object"
        raise CorpusFormatError(f'{where}: "{key}" must be {expected}, got {_kind(value)}')
    return value


def _kind(value: object) -> str:
    return "null" if value is None else type(value).__name__


def _present(record: dict[str, Any], key: str, where: str) -> Any:
    if key not in record:
        raise CorpusFormatError(f'{where}: missing "{key}"')
    return record[key]


def _question(qa: object, where: str, paragraph_id: str) -> XquadQuestion:
    answers_list = _field(qa, "answers", where, list)  # also checks that qa is an object
    question_id = json_id(_present(qa, "id", where), where, "id", integers=False)
    text = json_string(_present(qa, "question", where), where, "question", blank=False)
    if not answers_list:
        raise CorpusFormatError(f'{where}: "answers" is empty (SQuAD v1.1 gives at least one)')
    answers = []
    for number, answer in enumerate(answers_list):
        place = f"{where}.answers[{number}]"
        if not isinstance(answer, dict):
            raise CorpusFormatError(f"{place}: expected a JSON object, got {_kind(answer)}")
        value = _present(answer, "text", place)
        answers.append(json_string(value, place, "text", blank=False))
    return XquadQuestion(question_id, text, tuple(answers), paragraph_id)


def read_xquad(path: str | Path) -> XquadFile:
    """Parse and check one XQuAD (SQuAD v1.1) file, plain or gzipped.

    Paragraph ``p`` of article ``a`` becomes ``XorDoc(doc_id(a, p), title, context)``.
    Raises as :func:`read_squad`.
    """
    return read_squad(path, _positional_id)


def read_squad(path: str | Path, paragraph_id: ParagraphId) -> XquadFile:
    """Parse and check one SQuAD v1.1 file, plain or gzipped.

    Each paragraph becomes ``XorDoc(paragraph_id(a, p, title, context), title,
    context)``, in file order (ids given twice stay twice: deduplicating is the
    caller's choice), and each question carries its paragraph's id.

    Raises
    ------
    FileNotFoundError
        If ``path`` is not a file.
    CorpusFormatError
        On invalid JSON or UTF-8, a missing or mistyped field, an empty or
        unusable question id, a blank question or answer, a question without
        answers, or a question id given twice (file and JSON path named).
    """
    path = Path(path)
    articles = _field(_document(path), "data", f"{path}: (top level)", list)
    paragraphs: list[XorDoc] = []
    questions: list[XquadQuestion] = []
    seen: dict[str, str] = {}
    for a, article in enumerate(articles):
        where = f"{path}: data[{a}]"
        paragraph_list = _field(article, "paragraphs", where, list)
        title = json_string(_present(article, "title", where), where, "title", blank=False)
        for p, paragraph in enumerate(paragraph_list):
            place = f"data[{a}].paragraphs[{p}]"
            qas = _field(paragraph, "qas", f"{path}: {place}", list)
            context = _present(paragraph, "context", f"{path}: {place}")
            text = json_string(context, f"{path}: {place}", "context", blank=False)
            name = paragraph_id(a, p, title, text)
            paragraphs.append(XorDoc(name, title, text))
            for q, qa in enumerate(qas):
                question = _question(qa, f"{path}: {place}.qas[{q}]", name)
                if question.question_id in seen:
                    raise CorpusFormatError(
                        f"{path}: {place}.qas[{q}]: question id {question.question_id!r} "
                        f"already appeared at {seen[question.question_id]}"
                    )
                seen[question.question_id] = f"{place}.qas[{q}]"
                questions.append(question)
    return XquadFile(tuple(paragraphs), tuple(questions))
