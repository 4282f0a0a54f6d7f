"""Parallel train questions for distillation: each train question with its English version.

Two files, both in the format of ``xqg_pyserini.training.examples.ParallelQuestion``
(``{"query_id", "language", "query", "query_en"}``, one JSON object per line):

* the train questions themselves, one line each, ``query_id`` the train id;
* the same, followed for each train question by its rewrites in the other six
  languages: the same entity, kind and template (by position, or the kind's
  other template where a name's grammatical form is unknown), ``query_id``
  ``<language>-<train id>``. A language is skipped where the entity has no name
  in its script, or a name that also names another entity, as the train
  questions themselves require.
"""

from __future__ import annotations

from .english import template_index
from .errors import BuildError
from .forms import fill, name_forms
from .passages import Passage
from .questions import TEMPLATES
from .selection import Question
from .sources import LANGS

__all__ = ["parallel_records", "rewrites"]


def rewrites(
    question: Question, passage: Passage, owners: dict[tuple[str, str], set[str]]
) -> dict[str, str]:
    """language -> ``question`` written in that language, for the other languages that can.

    ``owners`` is :func:`selection.entities_by_name` of the collection.
    """
    position = template_index(question, passage)
    out = {}
    for lang in LANGS:
        name = passage.names.get(lang)
        if lang == question.lang or not name or owners[lang, name] != {passage.entity}:
            continue
        forms = name_forms(lang, name, passage.kind, passage.country_code)
        templates = TEMPLATES[lang][question.kind]
        order = [position] + [i for i in range(len(templates)) if i != position]
        written = (fill(templates[i], forms) for i in order)
        text = next((t for t in written if t), None)
        if text is not None:
            out[lang] = text
    return out


def _record(query_id: str, lang: str, query: str, query_en: str) -> dict[str, str]:
    return {"query_id": query_id, "language": lang, "query": query, "query_en": query_en}


def parallel_records(
    train: list[Question],
    english: list[Question],
    passages: list[Passage],
    owners: dict[tuple[str, str], set[str]],
    asked: set[str],
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(one line per train question, the same with every rewrite after its question).

    ``english`` is parallel to ``train``; ``asked`` holds every dev and train
    question, which a rewrite must not repeat (nor another rewrite).
    """
    seen = set(asked)
    pairs, everything = [], []
    for q, en in zip(train, english, strict=True):
        pairs.append(_record(q.qid, q.lang, q.question, en.question))
        everything.append(pairs[-1])
        for lang, text in rewrites(q, passages[q.passage], owners).items():
            if text in seen:
                raise BuildError(f"the {lang} rewrite of {q.qid} repeats a question: {text!r}")
            seen.add(text)
            everything.append(_record(f"{lang}-{q.qid}", lang, text, en.question))
    return pairs, everything
