"""English versions of the train questions (``xqg-demo/train-en``).

Every train question is written again in English: the same entity, the same
kind, and the English template that means what the question's own template
means (templates are parallel by position, see :mod:`questions`). The gold
passage and the answers carry over unchanged, so a model trained on English
questions can be compared with one trained on the seven languages.

The entity's English name must point to one entity of the collection, as the
names in the other languages must: a city whose name other places share is
called "Kasama, Zambia" (its country added, as its passage title does), or "the
city of Luxembourg" when it shares its country's name. Country names take "the"
where English needs it (the Netherlands, the Bahamas, the United States).
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict

from .answers import AnswerIndex
from .errors import BuildError
from .forms import fill, name_forms
from .passages import Passage
from .questions import ENGLISH_TEMPLATES, TEMPLATES
from .selection import Question

__all__ = ["country_name", "english_names", "english_questions", "template_index"]

_ARTICLE_NAMES = {
    "Bahamas", "Comoros", "Gambia", "Maldives", "Netherlands", "Philippines", "Seychelles",
    "Vatican",
}  # fmt: skip
_ARTICLE_PREFIXES = ("United ", "Republic of ", "Democratic Republic ", "Isle of ")
_ARTICLE_SUFFIXES = (
    " Islands", " Republic", " Territory", " Territories", " Emirates", " Antilles", " Kingdom",
    " States",
)  # fmt: skip


def country_name(name: str) -> str:
    """A country's English name as it reads inside a sentence.

    ``The Netherlands`` -> ``the Netherlands``, ``Bahamas`` -> ``the Bahamas``,
    ``United States`` -> ``the United States``, ``Japan`` -> ``Japan``.
    """
    if name.startswith("The "):
        return "the " + name[4:]
    if (
        name in _ARTICLE_NAMES
        or name.startswith(_ARTICLE_PREFIXES)
        or name.endswith(_ARTICLE_SUFFIXES)
    ):
        return "the " + name
    return name


def _key(label: str) -> str:
    return label.removeprefix("the ").casefold()


def english_names(passages: list[Passage], countries: dict[str, str]) -> dict[str, str]:
    """entity -> the name its English questions use.

    ``countries`` maps ISO alpha-2 codes to English country names. A
    hand-written passage keeps its title (it has no train questions, but its
    title may make a city's name ambiguous).
    """
    owners: dict[str, set[str]] = defaultdict(set)
    for p in passages:
        owners[_key(p.english_name)].add(p.entity)
    names: dict[str, str] = {}
    for p in passages:
        if p.entity in names:
            continue
        if p.kind == "country":
            names[p.entity] = country_name(p.english_name)
        elif p.kind != "city" or owners[_key(p.english_name)] == {p.entity}:
            names[p.entity] = p.english_name
        elif p.english_name == countries.get(p.country_code):
            names[p.entity] = f"the city of {p.english_name}"
        else:  # address style, without an article: "Amsterdam, Netherlands"
            country = countries[p.country_code].removeprefix("The ")
            names[p.entity] = f"{p.english_name}, {country}"
    return names


def template_index(question: Question, passage: Passage) -> int:
    """Position of the template that wrote ``question`` among its language's templates."""
    name = passage.names[question.lang]
    forms = name_forms(question.lang, name, passage.kind, passage.country_code)
    for i, template in enumerate(TEMPLATES[question.lang][question.kind]):
        if fill(template, forms) == question.question:
            return i
    raise BuildError(f"{question.qid}: no {question.lang} template writes {question.question!r}")


def _latin(ch: str) -> bool:
    return not ch.isalpha() or unicodedata.name(ch, "").startswith("LATIN")


def _problem(question: Question, index: AnswerIndex) -> str | None:
    """Why ``question`` is not a usable English question, or None."""
    text = question.question
    foreign = "".join(ch for ch in text if not _latin(ch))
    if foreign:
        return f"letters outside the Latin script: {foreign!r}"
    if "{" in text or "}" in text or not text.endswith("?"):
        return "not a filled-in question"
    for answer in question.answers:
        why = index.why_not(answer, question.passage)
        if why:
            return f"answer {answer!r}: {why}"
    return None


def english_questions(
    train: list[Question], passages: list[Passage], names: dict[str, str], index: AnswerIndex
) -> list[Question]:
    """One English question per train question, in the same order.

    Ids are ``en-<train id>``; answers, gold passage and kind are the train
    question's. ``names`` comes from :func:`english_names`.

    Raises
    ------
    BuildError
        If an entity's English name also names another entity, or an English
        question fails the checks of the other questions (answers verbatim and
        distinctive in the gold passage) or its own (Latin script, filled in).
    """
    if any(len(ENGLISH_TEMPLATES[k]) != len(t[k]) for t in TEMPLATES.values() for k in t):
        raise BuildError("ENGLISH_TEMPLATES must have as many templates per kind as TEMPLATES")
    owners: dict[str, set[str]] = defaultdict(set)
    for entity, name in names.items():
        owners[_key(name)].add(entity)
    out = []
    for q in train:
        p = passages[q.passage]
        if owners[_key(names[p.entity])] != {p.entity}:
            others = sorted(owners[_key(names[p.entity])] - {p.entity})
            raise BuildError(f"{q.qid}: {names[p.entity]!r} in English also names {others}")
        template = ENGLISH_TEMPLATES[q.kind][template_index(q, p)]
        english = Question(
            f"en-{q.qid}", "en", template.format(n=names[p.entity]), q.answers, q.passage, q.kind
        )
        problem = _problem(english, index)
        if problem:
            raise BuildError(f"{english.qid} ({english.question!r}): {problem}")
        out.append(english)
    if len({q.question for q in out}) != len(out):
        raise BuildError("two train questions have the same English version")
    return out
