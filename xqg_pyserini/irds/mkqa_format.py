"""Reading MKQA's ``mkqa.jsonl(.gz)``, checked and streamed, as one language's questions.

MKQA (Longpre, Lu and Daiber, 2021; github.com/apple/ml-mkqa) is 10,000 Natural
Questions queries with answers, each translated into 26 languages
(:data:`LANGUAGES`). The file is JSON lines, one example per line::

    {"example_id": int, "query": str,
     "queries": {lang: str, ...},
     "answers": {lang: [{"type": str, "text": str | null,
                         "entity": str (optional), "aliases": [str] (optional)}, ...], ...}}

Every line must give all 26 languages in both ``queries`` (a non-blank
question) and ``answers`` (a list), whichever language is read, so that the
26 question sets stay parallel; other keys and fields (``query``, extra
languages) are ignored. ``example_id`` is a JSON integer, unique in the file;
it becomes ``query_id`` (its digits, the same in every language).

Each answer has a ``type`` among :data:`ANSWER_TYPES`, a ``text`` that is a
string or null, an optional ``entity`` (a string or null: a Wikidata QID) and
optional ``aliases`` (a list of strings, or null). Which answers are kept
(:data:`KEPT_TYPES`): those with a text span, ``entity``, ``date``, ``number``,
``number_with_unit`` and ``short_phrase``. Dropped: ``unanswerable`` and
``long_answer`` (no span: the text is null) and ``binary`` (yes/no is not a
span of a passage). A kept answer contributes its ``text`` then its
``aliases``, blank strings left out, each string once, in file order. A
question whose kept answers are empty stays (the parallel sets stay complete)
with empty ``answers``; answer-based metrics leave such questions out
(:func:`xqg_pyserini.eval.answers.answer_spans`).

Lines go through :mod:`xqg_pyserini.data.lines` and
:mod:`xqg_pyserini.data.json_lines`, so every problem is a one-line
:class:`CorpusFormatError` ``path:N: what was expected``.

No ``from __future__ import annotations`` here: ir_datasets reads the field
types of :class:`MkqaQuery` from ``__annotations__``.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple, Tuple  # noqa: UP035 (see MkqaQuery.answers)

from xqg_pyserini.data.json_lines import json_objects
from xqg_pyserini.errors import CorpusFormatError

__all__ = [
    "ANSWER_TYPES",
    "DROPPED_TYPES",
    "KEPT_TYPES",
    "LANGUAGES",
    "MkqaQuery",
    "read_mkqa",
]

#: MKQA's 26 language codes, as the file spells them.
LANGUAGES = (
    "ar", "da", "de", "en", "es", "fi", "fr", "he", "hu", "it", "ja", "km", "ko",
    "ms", "nl", "no", "pl", "pt", "ru", "sv", "th", "tr", "vi", "zh_cn", "zh_hk", "zh_tw",
)  # fmt: skip
#: Answer types with a text span: their texts and aliases become answers.
KEPT_TYPES = frozenset({"entity", "date", "number", "number_with_unit", "short_phrase"})
#: No span (``unanswerable``, ``long_answer``: null text) or not one (``binary``: yes/no).
DROPPED_TYPES = frozenset({"unanswerable", "long_answer", "binary"})
#: Every answer type of the published file; another is an error.
ANSWER_TYPES = KEPT_TYPES | DROPPED_TYPES


class MkqaQuery(NamedTuple):
    """One MKQA question in one language, as ``mkqa/{lang}`` serves it.

    Attributes
    ----------
    query_id : str
        ``example_id``'s digits (the same in every language).
    text : str
        The question, in ``language``.
    language : str
        MKQA's code of the language (``de``, ``zh_cn``...).
    answers : tuple of str
        The **English** answer texts and aliases of the kept types: what R@kt and
        answer relevance look for in the English passages. Empty when no English
        answer has a kept type.
    language_answers : tuple of str
        The same from the answers in ``language`` (equal to ``answers`` for ``en``).
    answer_types : tuple of str
        The ``type`` of every English answer, in file order, dropped ones included.
    """

    query_id: str
    text: str
    language: str
    # typing.Tuple, not tuple: ir_datasets recognises only Tuple[str, ...] as a list field.
    answers: Tuple[str, ...]  # noqa: UP006
    language_answers: Tuple[str, ...]  # noqa: UP006
    answer_types: Tuple[str, ...]  # noqa: UP006

    def default_text(self) -> str:
        """The question text."""
        return self.text


def _kind(value: object) -> str:
    return "null" if value is None else type(value).__name__


def _object(record: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    if key not in record:
        raise CorpusFormatError(f'{where}: missing "{key}"')
    value = record[key]
    if not isinstance(value, dict):
        raise CorpusFormatError(f'{where}: "{key}" must be an object, got {_kind(value)}')
    for lang in LANGUAGES:
        if lang not in value:
            raise CorpusFormatError(f'{where}: "{key}" has no language "{lang}"')
    return value


def _example_id(record: dict[str, Any], where: str) -> str:
    if "example_id" not in record:
        raise CorpusFormatError(f'{where}: missing "example_id"')
    value = record["example_id"]
    if type(value) is not int:
        raise CorpusFormatError(f'{where}: "example_id" must be an integer, got {_kind(value)}')
    return str(value)


def _question(queries: dict[str, Any], lang: str, where: str) -> str:
    text = queries[lang]
    if not isinstance(text, str) or not text.strip():
        got = repr(text)[:40] if isinstance(text, str) else _kind(text)
        raise CorpusFormatError(f'{where}: queries["{lang}"] must be a non-blank string, got {got}')
    return text


def _answers(answers: dict[str, Any], lang: str, where: str) -> tuple[tuple[str, ...], list[str]]:
    """The kept answer strings and every type of ``answers[lang]``, checked."""
    items = answers[lang]
    if not isinstance(items, list):
        raise CorpusFormatError(f'{where}: answers["{lang}"] must be a list, got {_kind(items)}')
    kept: dict[str, None] = {}
    types = []
    for number, answer in enumerate(items):
        place = f'{where}: answers["{lang}"][{number}]'
        if not isinstance(answer, dict):
            raise CorpusFormatError(f"{place}: expected a JSON object, got {_kind(answer)}")
        for key in ("type", "text"):
            if key not in answer:
                raise CorpusFormatError(f'{place}: missing "{key}"')
        kind, text = answer["type"], answer["text"]
        if not isinstance(kind, str) or kind not in ANSWER_TYPES:
            got = repr(kind)[:40] if isinstance(kind, str) else _kind(kind)
            raise CorpusFormatError(
                f'{place}: "type" must be one of {sorted(ANSWER_TYPES)}, got {got}'
            )
        if text is not None and not isinstance(text, str):
            raise CorpusFormatError(f'{place}: "text" must be a string or null, got {_kind(text)}')
        entity = answer.get("entity")
        if entity is not None and not isinstance(entity, str):
            raise CorpusFormatError(
                f'{place}: "entity" must be a string or null, got {_kind(entity)}'
            )
        aliases = answer.get("aliases")
        if aliases is None:
            aliases = []
        elif not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise CorpusFormatError(f'{place}: "aliases" must be a list of strings')
        types.append(kind)
        if kind in KEPT_TYPES:
            for value in (text, *aliases):
                if value is not None and value.strip():
                    kept.setdefault(value, None)
    return tuple(kept), types


def read_mkqa(path: str | Path, language: str) -> Iterator[MkqaQuery]:
    """Yield the questions of ``mkqa.jsonl(.gz)`` in ``language``, in file order (streamed).

    Every line is checked in full (all 26 languages), whichever language is read,
    so a file is valid or invalid for every language alike.

    Raises
    ------
    KeyError
        For a language MKQA does not have, listing the valid ones.
    FileNotFoundError
        If ``path`` is not a file.
    CorpusFormatError
        ``path:N: ...`` for a line that is not a strict JSON object, a missing or
        mistyped field, a language missing from ``queries`` or ``answers``, an
        unknown answer type, or an ``example_id`` given twice.
    """
    if language not in LANGUAGES:
        raise KeyError(f"MKQA has no language {language!r}; expected one of {list(LANGUAGES)}")
    seen: dict[str, str] = {}
    for where, record in json_objects(path):
        query_id = _example_id(record, where)
        queries = _object(record, "queries", where)
        answers = _object(record, "answers", where)
        texts = {lang: _question(queries, lang, where) for lang in LANGUAGES}
        checked = {lang: _answers(answers, lang, where) for lang in LANGUAGES}
        if query_id in seen:
            raise CorpusFormatError(
                f"{where}: example_id {query_id} already appeared at line {seen[query_id]}"
            )
        seen[query_id] = where.rsplit(":", 1)[1]
        english, types = checked["en"]
        yield MkqaQuery(
            query_id, texts[language], language, english, checked[language][0], tuple(types)
        )
