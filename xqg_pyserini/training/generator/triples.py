"""The generator's training data: (gold passage, question, language) triples.

Every reader (:mod:`.irds`, :mod:`.squad`, :mod:`.jsonl`) yields
:class:`QuestionTriple` records inside a :class:`TripleSource`. This module
also holds what the run does with them before training:

* :func:`target_language`: a triple's language must be one the prompt can name
  (:data:`~xqg_pyserini.languages.LANGUAGE_NAMES`, the codes ``python -m
  xqg_pyserini.generate --languages`` takes);
* :func:`hold_out`: without ``--dev-data``, a fixed, seeded share of the
  training *questions* (all triples of a question together) becomes the dev
  split; which ones depends only on the seed and each question's language and
  text, never on the order of the data;
* :func:`without_overlap`: dev triples whose question is also a training
  question are left out (DSI-QG dropped dev questions already seen in training);
* :func:`triples_identity`: counts and a fingerprint, for ``run.json`` and the
  training record.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from xqg_pyserini.data.corpus import Passage
from xqg_pyserini.data.lines import shown
from xqg_pyserini.errors import CorpusFormatError, XqgError
from xqg_pyserini.languages import LANGUAGE_NAMES

__all__ = [
    "DEV_SHARE",
    "GeneratorDataError",
    "QuestionTriple",
    "TripleSource",
    "hold_out",
    "target_language",
    "triples_identity",
    "without_overlap",
]

DEV_SHARE = 0.05
"""The share of training questions held out as the dev split when ``--dev-data`` is not given."""


class GeneratorDataError(XqgError, ValueError):
    """Training data the recipe cannot use (none, or too little to hold out a dev split)."""


class QuestionTriple(NamedTuple):
    """One training pair: the prompt is filled from passage and language, the label is the question.

    Attributes
    ----------
    question : str
        The target text (the question, in ``language``).
    language : str
        Its language code, a key of :data:`~xqg_pyserini.languages.LANGUAGE_NAMES`.
    title, text : str
        The gold passage (``title`` may be empty).
    question_id, doc_id : str
        Where known (ir_datasets, gold paragraph files, optional in JSONL), else "".
    """

    question: str
    language: str
    title: str
    text: str
    question_id: str = ""
    doc_id: str = ""

    @property
    def passage(self) -> Passage:
        """The gold passage, as the prompt template takes it."""
        return Passage(self.doc_id, self.title, self.text)


class TripleSource(NamedTuple):
    """The triples read from one ``--train-data``/``--dev-data`` argument.

    ``left_out`` counts what the reader skipped, by reason (e.g.
    ``duplicate_question_ids``); it goes into the training record.
    """

    name: str
    triples: list[QuestionTriple]
    left_out: dict[str, int]


def target_language(
    value: object, where: str, what: str = "field 'lang'", error: type[XqgError] = CorpusFormatError
) -> str:
    """``value`` if it is a language code the prompt can name, else a one-line error.

    ``where`` (``file:line``, or a dataset and question) and ``what`` start the message.
    """
    if isinstance(value, str) and value in LANGUAGE_NAMES:
        return value
    valid = ", ".join(f"{code} ({name})" for code, name in LANGUAGE_NAMES.items())
    got = shown(value) if isinstance(value, str) else f"a {type(value).__name__}"
    raise error(
        f"{where}: {what} is {got}, not a language the prompt can name; valid codes: {valid}"
    )


def _question_key(triple: QuestionTriple) -> tuple[str, str]:
    return triple.language, triple.question


def hold_out(
    triples: Sequence[QuestionTriple], seed: int, share: float = DEV_SHARE
) -> tuple[list[QuestionTriple], list[QuestionTriple]]:
    """Split ``triples`` into (train, dev): ``share`` of the distinct questions, at least one.

    A question (its language and text) goes to dev when its seeded hash is among
    the smallest; all its triples go together, so no dev question is trained on.
    Both parts keep the input order.

    Raises
    ------
    GeneratorDataError
        With fewer than two distinct questions.
    """
    keys = list(dict.fromkeys(_question_key(t) for t in triples))
    if len(keys) < 2:
        raise GeneratorDataError(
            f"holding out a dev split needs at least 2 distinct training questions, the data "
            f"has {len(keys)}; give --dev-data"
        )

    def rank(key: tuple[str, str]) -> str:
        return hashlib.sha256(json.dumps([seed, *key], ensure_ascii=False).encode()).hexdigest()

    count = min(len(keys) - 1, max(1, math.ceil(share * len(keys))))
    dev_keys = set(sorted(keys, key=rank)[:count])
    train = [t for t in triples if _question_key(t) not in dev_keys]
    dev = [t for t in triples if _question_key(t) in dev_keys]
    return train, dev


def without_overlap(
    dev: Sequence[QuestionTriple], train: Sequence[QuestionTriple]
) -> tuple[list[QuestionTriple], int]:
    """``dev`` less the triples whose question (language and text) is a training question.

    Returns the kept triples and how many were left out.
    """
    seen = {_question_key(t) for t in train}
    kept = [t for t in dev if _question_key(t) not in seen]
    return kept, len(dev) - len(kept)


def triples_identity(
    sources: Iterable[str], triples: Iterable[QuestionTriple], **extra: object
) -> dict[str, object]:
    """Where triples came from, how many, per language, and a fingerprint of their content.

    The fingerprint hashes every question, language, title and text in order,
    so two runs with the same fingerprint trained on the same pairs in the same
    order. ``extra`` entries are added as they are.
    """
    digest = hashlib.sha256()
    count, questions, languages = 0, set(), Counter()
    for triple in triples:
        count += 1
        questions.add(_question_key(triple))
        languages[triple.language] += 1
        fields = [triple.question, triple.language, triple.title, triple.text]
        digest.update(json.dumps(fields, ensure_ascii=False).encode())
    return {
        "sources": list(sources),
        "triples": count,
        "questions": len(questions),
        "languages": dict(sorted(languages.items())),
        "fingerprint": digest.hexdigest(),
        **extra,
    }
