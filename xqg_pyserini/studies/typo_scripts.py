"""Scripts, character pools and keyboard layouts behind the typo generator (issue 16).

``typos.py`` changes words; this module says which script a character belongs to, how a
question splits into words, which characters an insertion or substitution may draw from,
and which keys neighbour each other. Everything here is a pure function of the text.

Choices, and why:

* A character's script comes from Unicode block ranges, restricted to letters and marks
  (categories ``L*`` and ``M*``), so Arabic ``؟`` or Thai digits separate words instead
  of being changed.
* Words are maximal runs of one script's characters. For spaced scripts this is the
  whitespace word without its punctuation; for Japanese, Chinese and Thai, written
  without spaces between words, a run of one script stands in for a word. That is a
  simplification: a Chinese sentence is one "word", and Japanese splits at every change
  between kanji, hiragana and katakana.
* Pools hold letters only (category ``Lo``/``Ll``), never combining marks: an Indic vowel
  sign, virama or Thai tone mark inserted after an independent vowel or at the start of a
  word makes a cluster no keyboard would produce. Marks already in a word can still be
  deleted, swapped or substituted, so Indic abugidas are edited character by character
  and stay in their script.
* Latin draws from ``a``-``z`` (as Zhuang and Zuccon do), Greek from ``α``-``ω``; Hangul
  from all precomposed syllables; Han from a hand-written list of common CJK Unified
  Ideographs, shared by Chinese and Japanese kanji.
* Keyboard layouts exist for Latin (US QWERTY, used for every Latin-script language),
  Cyrillic (Russian ЙЦУКЕН) and Greek (the standard Greek layout). Other scripts have no
  layout here: the keyboard operation skips their words rather than guess a layout.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from functools import cache

__all__ = [
    "SCRIPTS",
    "has_keyboard",
    "keyboard_neighbours",
    "pool",
    "script_of",
    "split_words",
]

# Block ranges (inclusive) per script; the first range that holds a character wins.
_RANGES: dict[str, tuple[tuple[int, int], ...]] = {
    "latin": ((0x0041, 0x005A), (0x0061, 0x007A), (0x00C0, 0x024F), (0x1E00, 0x1EFF)),
    "cyrillic": ((0x0400, 0x052F),),
    "greek": ((0x0370, 0x03FF), (0x1F00, 0x1FFF)),
    "arabic": ((0x0600, 0x06FF), (0x0750, 0x077F)),
    "devanagari": ((0x0900, 0x097F),),
    "bengali": ((0x0980, 0x09FF),),
    "telugu": ((0x0C00, 0x0C7F),),
    "thai": ((0x0E00, 0x0E7F),),
    "hangul": ((0xAC00, 0xD7A3), (0x1100, 0x11FF), (0x3130, 0x318F)),
    "hiragana": ((0x3041, 0x309F),),
    "katakana": ((0x30A0, 0x30FF),),
    "han": ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0xF900, 0xFAFF)),
}
SCRIPTS: tuple[str, ...] = tuple(_RANGES)

# Characters that join a word without belonging to a script: zero-width (non-)joiners in
# Indic and Arabic text, and Latin combining diacritics (U+0300-U+036F).
_JOINERS = frozenset("\u200c\u200d")

# Where the other pools' letters lie: the core alphabet of each block, leaving out
# letters of other languages (Persian, Urdu), archaic and rare additions.
_POOL_RANGES: dict[str, tuple[tuple[int, int], ...]] = {
    "arabic": ((0x0621, 0x063A), (0x0641, 0x064A)),
    "devanagari": ((0x0905, 0x0939),),
    "bengali": ((0x0985, 0x09B9),),
    "telugu": ((0x0C05, 0x0C39),),
    "thai": ((0x0E01, 0x0E45),),
    "hiragana": ((0x3041, 0x3096),),
    "katakana": ((0x30A1, 0x30FA),),
}

# Common CJK Unified Ideographs (all within U+4E00-U+9FFF), written out by hand.
_COMMON_HAN = (
    "的一是不了人我在有他这为之大来以个中上们到说国和地也子时道出而要于就下得可你年生"
    "自会那后能对着事其里所去行过家十用发天如然作方成者多日都三小军二无同么经法当起与"
    "好看学进种将还分此心前面又定见只主没公从知全高问把机新外现已女力手水长开明口实山"
    "本名正文美东西南北海月电信间回何最先四五六七八九百千万两体气意理物业表品工车路"
)


def _in_ranges(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(low <= code <= high for low, high in ranges)


@cache
def script_of(char: str) -> str | None:
    """The script of one letter or mark, or ``None`` (digits, punctuation, others)."""
    if unicodedata.category(char)[0] not in "LM":
        return None
    code = ord(char)
    for script, ranges in _RANGES.items():
        if _in_ranges(code, ranges):
            return script
    return None


def split_words(text: str) -> Iterator[tuple[int, str, str]]:
    """Yield ``(start, word, script)`` for each maximal run of one script's characters.

    A combining mark or zero-width joiner outside every script continues the current run.
    """
    start, script = 0, None
    for index, char in enumerate(text):
        char_script = script_of(char)
        joins = char in _JOINERS or unicodedata.category(char).startswith("M")
        if char_script is None and joins and script is not None:
            continue
        if char_script != script:
            if script is not None:
                yield start, text[start:index], script
            start, script = index, char_script
    if script is not None:
        yield start, text[start:], script


@cache
def pool(script: str) -> tuple[str, ...]:
    """Letters an insertion or substitution in ``script`` draws from (no combining marks)."""
    if script == "latin":
        return tuple("abcdefghijklmnopqrstuvwxyz")
    if script == "cyrillic":
        return tuple(chr(code) for code in range(0x0430, 0x0450)) + ("ё",)
    if script == "greek":  # α-ω, final sigma included
        return tuple(chr(code) for code in range(0x03B1, 0x03CA))
    if script == "hangul":
        return tuple(chr(code) for code in range(0xAC00, 0xD7A4))
    if script == "han":
        return tuple(dict.fromkeys(_COMMON_HAN))
    return tuple(
        chr(code)
        for low, high in _POOL_RANGES[script]
        for code in range(low, high + 1)
        if unicodedata.category(chr(code)) == "Lo" and unicodedata.name(chr(code), "")
    )


# Rows of each layout, top to bottom; each row starts a quarter key further right
# (a quarter, then three quarters, as on a real staggered keyboard). "_" holds the place
# of a key that types no letter (the Greek layout's ";" on Q), so the others keep theirs.
_LAYOUTS: dict[str, tuple[str, ...]] = {
    "latin": ("qwertyuiop", "asdfghjkl", "zxcvbnm"),
    "cyrillic": ("йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю"),
    "greek": ("_ςερτυθιοπ", "ασδφγηξκλ", "ζχψωβνμ"),
}
_ROW_OFFSETS = (0.0, 0.25, 0.75)


def has_keyboard(script: str) -> bool:
    """Whether ``script`` has a keyboard layout here (Latin QWERTY, Russian ЙЦУКЕН, Greek)."""
    return script in _LAYOUTS


@cache
def _neighbour_table(script: str) -> dict[str, tuple[str, ...]]:
    keys = [
        (char, row, col + _ROW_OFFSETS[row])
        for row, keys_in_row in enumerate(_LAYOUTS[script])
        for col, char in enumerate(keys_in_row)
        if char != "_"
    ]
    table: dict[str, tuple[str, ...]] = {}
    for char, row, x in keys:
        # Same row: the keys either side; next row up or down: keys overlapping this one.
        table[char] = tuple(
            other
            for other, other_row, other_x in keys
            if (other_row == row and abs(other_x - x) == 1)
            or (abs(other_row - row) == 1 and abs(other_x - x) < 1)
        )
    return table


def keyboard_neighbours(char: str, script: str) -> tuple[str, ...]:
    """Keys next to ``char`` on the script's layout, in ``char``'s case; empty when none."""
    if script not in _LAYOUTS:
        return ()
    neighbours = _neighbour_table(script).get(char.lower(), ())
    if char.isupper():
        return tuple(other.upper() for other in neighbours)
    return neighbours
