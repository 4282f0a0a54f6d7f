"""Seeded misspellings of questions for the typo-robustness study (issue 16).

The five operations follow Zhuang and Zuccon's typo studies (EMNLP 2021; SIGIR 2022):
random insertion, random deletion, random substitution, swapping two neighbouring
characters, and substituting a keyboard neighbour. Inserted and substituted characters
come from the changed word's own script; scripts, word splitting, pools and layouts live
in :mod:`xqg_pyserini.studies.typo_scripts`.

A word is eligible when it is in a known script, has at least ``min_length`` characters
and the operation can change it (deletion needs two characters, a swap two different
neighbours, the keyboard operation a key of a layout). Words of scripts without a layout
are skipped by ``"keyboard"`` rather than rejected, so a Hindi question with an English
name still gets its Latin word changed; ``"mixed"`` picks, per word, among the operations
that can change it.

The random stream is seeded from a SHA-256 hash of (seed, question, settings), so the
same inputs give the same output in every process.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable
from dataclasses import asdict, dataclass

from xqg_pyserini.errors import XqgError
from xqg_pyserini.studies.typo_scripts import keyboard_neighbours, pool, split_words

__all__ = [
    "OPERATIONS",
    "Misspelling",
    "TypoChange",
    "TypoSettings",
    "TypoSettingsError",
    "misspell",
    "misspell_with_changes",
]

OPERATIONS: tuple[str, ...] = ("insert", "delete", "substitute", "swap", "keyboard")


class TypoSettingsError(XqgError, ValueError):
    """Typo settings that cannot be used (unknown operation, rate outside [0, 1], ...)."""


@dataclass(frozen=True)
class TypoSettings:
    """How to misspell a question.

    Parameters
    ----------
    operation
        One of ``OPERATIONS``, or ``"mixed"`` to choose one per changed word.
    rate
        Share of eligible words to change, in [0, 1] (rounded to a count, half up);
        ``None`` changes exactly one eligible word per question.
    min_length
        Words shorter than this many characters are never changed.
    seed
        Seed mixed with the question and the other settings into the random stream.
    """

    operation: str = "mixed"
    rate: float | None = None
    min_length: int = 3
    seed: int = 0

    def __post_init__(self) -> None:
        choices = (*OPERATIONS, "mixed")
        if self.operation not in choices:
            raise TypoSettingsError(
                f"unknown typo operation {self.operation!r}; expected one of {', '.join(choices)}"
            )
        if self.rate is not None and (
            isinstance(self.rate, bool)
            or not isinstance(self.rate, int | float)
            or not 0.0 <= self.rate <= 1.0
        ):
            raise TypoSettingsError(
                f"typo rate must be a number in [0, 1] or None, got {self.rate!r}"
            )
        if (
            isinstance(self.min_length, bool)
            or not isinstance(self.min_length, int)
            or self.min_length < 1
        ):
            raise TypoSettingsError(
                f"typo min_length must be an integer >= 1, got {self.min_length!r}"
            )
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise TypoSettingsError(f"typo seed must be an integer, got {self.seed!r}")


@dataclass(frozen=True)
class TypoChange:
    """One changed word: where it starts in the question, before and after, and how."""

    start: int
    original: str
    changed: str
    operation: str
    script: str


@dataclass(frozen=True)
class Misspelling:
    """A misspelt question and the words changed in it, in question order."""

    text: str
    changes: tuple[TypoChange, ...]


def _insert(word: str, script: str, rng: random.Random) -> str:
    at = rng.randrange(len(word) + 1)
    return word[:at] + rng.choice(pool(script)) + word[at:]


def _delete(word: str, script: str, rng: random.Random) -> str:
    at = rng.randrange(len(word))
    return word[:at] + word[at + 1 :]


def _substitute(word: str, script: str, rng: random.Random) -> str:
    at = rng.randrange(len(word))
    choices = [char for char in pool(script) if char != word[at]]
    return word[:at] + rng.choice(choices) + word[at + 1 :]


def _swap_positions(word: str) -> list[int]:
    return [at for at in range(len(word) - 1) if word[at] != word[at + 1]]


def _swap(word: str, script: str, rng: random.Random) -> str:
    at = rng.choice(_swap_positions(word))
    return word[:at] + word[at + 1] + word[at] + word[at + 2 :]


def _key_positions(word: str, script: str) -> list[int]:
    return [at for at, char in enumerate(word) if keyboard_neighbours(char, script)]


def _keyboard(word: str, script: str, rng: random.Random) -> str:
    at = rng.choice(_key_positions(word, script))
    return word[:at] + rng.choice(keyboard_neighbours(word[at], script)) + word[at + 1 :]


_APPLY: dict[str, Callable[[str, str, random.Random], str]] = {
    "insert": _insert,
    "delete": _delete,
    "substitute": _substitute,
    "swap": _swap,
    "keyboard": _keyboard,
}


def _can_apply(operation: str, word: str, script: str) -> bool:
    if operation == "delete":
        return len(word) >= 2
    if operation == "swap":
        return bool(_swap_positions(word))
    if operation == "keyboard":
        return bool(_key_positions(word, script))
    return True


def _operations_for(word: str, script: str, settings: TypoSettings) -> list[str]:
    if len(word) < settings.min_length:
        return []
    wanted = OPERATIONS if settings.operation == "mixed" else (settings.operation,)
    return [op for op in wanted if _can_apply(op, word, script)]


def _rng(question: str, settings: TypoSettings) -> random.Random:
    # hashlib, not hash(): Python salts str hashes per process.
    key = json.dumps([question, asdict(settings)], ensure_ascii=False, sort_keys=True)
    return random.Random(int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big"))


def misspell_with_changes(question: str, settings: TypoSettings) -> Misspelling:
    """Misspell ``question`` and say which words changed and how (for reports)."""
    rng = _rng(question, settings)
    eligible = [
        (start, word, script, ops)
        for start, word, script in split_words(question)
        if (ops := _operations_for(word, script, settings))
    ]
    if settings.rate is None:
        count = min(1, len(eligible))
    else:
        count = int(settings.rate * len(eligible) + 0.5)
    chosen = sorted(rng.sample(range(len(eligible)), count))
    changes = []
    for index in chosen:
        start, word, script, ops = eligible[index]
        operation = rng.choice(ops)
        changed = _APPLY[operation](word, script, rng)
        changes.append(TypoChange(start, word, changed, operation, script))
    pieces, end = [], 0
    for change in changes:
        pieces += [question[end : change.start], change.changed]
        end = change.start + len(change.original)
    pieces.append(question[end:])
    return Misspelling("".join(pieces), tuple(changes))


def misspell(question: str, settings: TypoSettings) -> str:
    """The question with typos as ``settings`` ask; see :func:`misspell_with_changes`."""
    return misspell_with_changes(question, settings).text
