"""Choose the dev and train questions.

Entities (a city, a country, a hand-written passage) are split once between
dev and train, so the two splits never share a gold passage. Within a split and
language, question kinds are taken in turn (population, latitude, capital ...)
so that no single kind dominates, and each passage is the gold passage of at
most one question across all languages. A question is kept only if its answer
passes :class:`answers.AnswerIndex` and the entity's name in that language
points to exactly one entity of the collection.
"""

from __future__ import annotations

import random
from collections import defaultdict, deque
from dataclasses import dataclass

from .answers import AnswerIndex
from .forms import fill, name_forms
from .passages import Passage
from .questions import CITY_KINDS, COUNTRY_KINDS, TEMPLATES

__all__ = ["Question", "assign_splits", "entities_by_name", "select_questions"]

# Scarcest scripts first, so that they get the passages they need.
_LANG_ORDER = ("te", "bn", "ko", "ja", "ar", "ru", "fi")


@dataclass(frozen=True)
class Question:
    qid: str
    lang: str
    question: str
    answers: tuple[str, ...]
    passage: int  # index into the passage list
    kind: str


def assign_splits(passages: list[Passage], seed: int, dev_share: float) -> dict[str, str]:
    """entity -> "dev" or "train"; hand-written passages are all dev."""
    entities = sorted({p.entity for p in passages if p.kind != "handwritten"})
    rng = random.Random(f"{seed}:splits")
    rng.shuffle(entities)
    cut = round(len(entities) * dev_share)
    split = {e: ("dev" if i < cut else "train") for i, e in enumerate(entities)}
    split.update({p.entity: "dev" for p in passages if p.kind == "handwritten"})
    return split


def _answers(passage: Passage, kind: str, index: AnswerIndex, at: int) -> tuple[str, ...]:
    candidates = [passage.facts[kind]]
    if kind == "currency":
        candidates.append(passage.facts["currency_code"])
    return tuple(a for a in candidates if index.why_not(a, at) is None)


def entities_by_name(passages: list[Passage]) -> dict[tuple[str, str], set[str]]:
    """(lang, name) -> the entities called so; a question needs a name with one owner."""
    owners: dict[tuple[str, str], set[str]] = defaultdict(set)
    for p in passages:
        for lang, name in p.names.items():
            owners[lang, name].add(p.entity)
        owners["fi", p.english_name].add(p.entity)
    return owners


def select_questions(
    passages: list[Passage],
    split_of: dict[str, str],
    index: AnswerIndex,
    quotas: dict[str, int],
    seed: int,
    used: set[int],
) -> dict[str, list[Question]]:
    """Questions per split (``quotas``: split -> questions per language).

    ``used`` holds passage indices that already have a question (the
    hand-written ones); it is updated in place.
    """
    owners = entities_by_name(passages)
    kinds = CITY_KINDS + COUNTRY_KINDS
    result: dict[str, list[Question]] = {split: [] for split in quotas}
    for split, quota in quotas.items():
        for lang in _LANG_ORDER:
            rng = random.Random(f"{seed}:{split}:{lang}")
            pool: dict[str, list[tuple[int, str]]] = defaultdict(list)
            for at, p in enumerate(passages):
                name = p.names.get(lang)
                if split_of.get(p.entity) != split or not name or len(owners[lang, name]) != 1:
                    continue
                for kind in kinds:
                    if kind in p.facts:
                        pool[kind].append((at, name))
            queues = {}
            for kind in kinds:
                rng.shuffle(pool[kind])
                queues[kind] = deque(pool[kind])
            picked = _round_robin(passages, queues, lang, quota, index, rng, used)
            result[split].extend(
                Question(f"{lang}-{split}-{i + 1:03d}", lang, q, answers, at, kind)
                for i, (q, answers, at, kind) in enumerate(picked)
            )
    return result


def _round_robin(
    passages: list[Passage],
    queues: dict[str, deque[tuple[int, str]]],
    lang: str,
    quota: int,
    index: AnswerIndex,
    rng: random.Random,
    used: set[int],
) -> list[tuple[str, tuple[str, ...], int, str]]:
    """Take one usable candidate of each kind in turn until ``quota`` questions.

    Returns (question, answers, passage index, kind) tuples.
    """
    picked: list[tuple[str, tuple[str, ...], int, str]] = []
    while len(picked) < quota and any(queues.values()):
        for kind, queue in queues.items():
            while queue and len(picked) < quota:
                at, name = queue.popleft()
                if at in used:
                    continue
                p = passages[at]
                answers = _answers(p, kind, index, at)
                forms = name_forms(lang, name, p.kind, p.country_code)
                options = [q for q in (fill(t, forms) for t in TEMPLATES[lang][kind]) if q]
                if not answers or not options:
                    continue
                used.add(at)
                picked.append((rng.choice(options), answers, at, kind))
                break
    return picked
