"""Generator training triples as JSON lines: one (question, language, passage) per line.

The format (plain or gzipped, UTF-8; docs/formats.md)::

    {"question": "富士山の高さは？", "lang": "ja", "title": "Mount Fuji",
     "text": "Mount Fuji is ..."}

(one object per line; wrapped here to fit).

* ``question`` and ``text``: non-blank strings;
* ``lang``: a language code the prompt can name (ar, bn, fi, ja, ko, ru, te);
* ``title``: a string, possibly empty; absent or null reads as "";
* ``id`` (optional): the question's id, a string or integer; other fields are ignored.

Lines go through :func:`~xqg_pyserini.data.json_lines.json_objects` (strict
JSON, line numbers), and every problem is one line naming file, line and field.
"""

from __future__ import annotations

from pathlib import Path

from xqg_pyserini.data.fields import json_id, json_string
from xqg_pyserini.data.json_lines import json_objects
from xqg_pyserini.errors import CorpusFormatError
from xqg_pyserini.training.generator.triples import QuestionTriple, TripleSource, target_language

__all__ = ["SUFFIXES", "parse_triple_record", "read_triples_jsonl"]

SUFFIXES = (".jsonl", ".jsonl.gz")
_FIELDS = "a generator training line has question, lang, title, text"


def parse_triple_record(record: dict[str, object], where: str) -> QuestionTriple:
    """One parsed JSON line as a triple; ``where`` (``file:line``) names it in errors.

    Raises
    ------
    CorpusFormatError
        On a missing or ill-typed field, a blank question or text, or an unknown language.
    """
    for field in ("question", "lang", "text"):
        if field not in record:
            raise CorpusFormatError(f"{where}: missing field {field!r} ({_FIELDS})")
    question = json_string(record["question"], where, "question", blank=False).strip()
    language = target_language(record["lang"], where)
    text = json_string(record["text"], where, "text", blank=False)
    title = record.get("title")
    title = "" if title is None else json_string(title, where, "title")
    question_id = json_id(record["id"], where, "id") if "id" in record else ""
    return QuestionTriple(question, language, title, text, question_id)


def read_triples_jsonl(path: str | Path) -> TripleSource:
    """All triples of a JSONL(.gz) file, in line order.

    Raises
    ------
    FileNotFoundError
        If ``path`` is not a file.
    CorpusFormatError
        On the first bad line (file, line and field named).
    """
    triples = [parse_triple_record(record, where) for where, record in json_objects(path)]
    return TripleSource(str(path), triples, {})
