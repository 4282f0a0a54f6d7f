"""XOR-TyDi's gold paragraph files (``tydi_xor_gp``): SQuAD-style JSON, one file per split.

The layout, as the XOR-QA README describes it ("the same format as SQuAD") and
as DSI-QG's ``data/process_xorqa.py`` reads it (the files themselves are not
reachable from here; docs/formats.md says what was checked)::

    {"data": [{"title": "title:Kyoto_parentSection:..._sectionName:..._sectionIndex:0",
               "paragraphs": [{"context": "Kyoto was the capital ...",
                               "qas": [{"id": "...", "question": "...", "lang": "ja",
                                        "answers": [...]}]}]}]}

* the title is the Wikipedia title wrapped as ``title:T_parentSection:...``
  (the paragraph ids of XOR-QA's retriever); ``T`` is kept, as DSI-QG did, and a
  title without the wrapping is kept whole;
* the question's language is its ``lang`` field (a code the prompt can name);
* the context is stripped and its line breaks become spaces (DSI-QG's cleaning);
* a question id seen before in the same file is skipped: DSI-QG kept one record
  per question id. Here the first in file order is kept (DSI-QG shuffled first,
  so which copy it kept depended on its shuffle); the skips are counted.

Every paragraph and question is read (DSI-QG read the first of each, which in
the published files is all there is). ``answers`` and other fields are ignored.
Errors name the file and the JSON path of the record (``data[3].paragraphs[0].qas[1]``);
a JSON syntax error names the line.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from xqg_pyserini.data.fields import json_id, json_string
from xqg_pyserini.data.json_lines import parse_json_object
from xqg_pyserini.data.lines import shown
from xqg_pyserini.errors import CorpusFormatError
from xqg_pyserini.training.generator.triples import QuestionTriple, TripleSource, target_language

__all__ = ["SUFFIXES", "gold_paragraph_title", "read_gold_paragraphs"]

SUFFIXES = (".json", ".json.gz")
_TITLE_PREFIX = "title:"
_TITLE_END = "_parentSection"


def gold_paragraph_title(title: str) -> str:
    """``T`` of ``title:T_parentSection:...``; any other title as it is (stripped)."""
    title = title.strip()
    if title.startswith(_TITLE_PREFIX):
        end = title.find(_TITLE_END)
        title = title[len(_TITLE_PREFIX) : end if end >= 0 else None]
    return title.strip()


def _document(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise FileNotFoundError(f"file not found: {path}")
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as handle:
        raw = handle.read()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CorpusFormatError(f"{path}:{line}: not valid UTF-8") from None
    try:
        return parse_json_object(text, str(path))
    except CorpusFormatError:
        try:  # Python's parser names the line of a syntax error; the strict one does not
            json.loads(text)
        except json.JSONDecodeError as exc:
            raise CorpusFormatError(
                f"{path}:{exc.lineno}: not valid JSON ({exc.msg}, column {exc.colno})"
            ) from None
        raise


def _list(value: object, where: str, field: str) -> list[Any]:
    if not isinstance(value, list):
        got = "null" if value is None else type(value).__name__
        raise CorpusFormatError(f"{where}: field {field!r} must be a list, got {got}")
    return value


def _object(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise CorpusFormatError(f"{where}: expected an object, got {shown(value)}")
    return value


def _field(record: dict[str, Any], field: str, where: str) -> Any:
    if field not in record:
        raise CorpusFormatError(f"{where}: missing field {field!r}")
    return record[field]


def _article_triples(article: object, where: str) -> list[QuestionTriple]:
    """The triples of one ``data[i]`` entry, duplicates included."""
    article = _object(article, where)
    title = gold_paragraph_title(json_string(_field(article, "title", where), where, "title"))
    triples = []
    for j, paragraph in enumerate(_list(_field(article, "paragraphs", where), where, "paragraphs")):
        at = f"{where}.paragraphs[{j}]"
        paragraph = _object(paragraph, at)
        context = json_string(_field(paragraph, "context", at), at, "context", blank=False)
        context = context.strip().replace("\n", " ")
        for k, qa in enumerate(_list(_field(paragraph, "qas", at), at, "qas")):
            here = f"{at}.qas[{k}]"
            qa = _object(qa, here)
            question_id = json_id(_field(qa, "id", here), here, "id")
            question = json_string(_field(qa, "question", here), here, "question", blank=False)
            language = target_language(_field(qa, "lang", here), here)
            triples.append(QuestionTriple(question.strip(), language, title, context, question_id))
    return triples


def read_gold_paragraphs(path: str | Path) -> TripleSource:
    """The triples of one gold paragraph file (``.json`` or ``.json.gz``), in file order.

    Raises
    ------
    FileNotFoundError
        If ``path`` is not a file.
    CorpusFormatError
        On a file that is not JSON, or a record lacking a field or holding one of
        the wrong type (file and JSON path named).
    """
    path = Path(path)
    articles = _list(_field(_document(path), "data", str(path)), str(path), "data")
    triples: list[QuestionTriple] = []
    seen: set[str] = set()
    duplicates = 0
    for i, article in enumerate(articles):
        for triple in _article_triples(article, f"{path}: data[{i}]"):
            if triple.question_id in seen:
                duplicates += 1
            else:
                seen.add(triple.question_id)
                triples.append(triple)
    return TripleSource(str(path), triples, {"duplicate_question_ids": duplicates})
