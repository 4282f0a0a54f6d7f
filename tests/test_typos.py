"""Tests of the seeded typo generator (issue 16): determinism, scripts, lengths, rates, keys."""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xqg_pyserini.errors import XqgError
from xqg_pyserini.studies.typo_scripts import SCRIPTS, pool, split_words
from xqg_pyserini.studies.typos import (
    OPERATIONS,
    TypoSettings,
    TypoSettingsError,
    misspell,
    misspell_with_changes,
)

# Real questions, one script each (ar, ru, el, hi, th, zh from XQuAD; the rest written here).
QUESTIONS = {
    "latin": "How many points did the Panthers defense surrender?",
    "cyrillic": "Сколько очков уступила защита Пэнтерс?",
    "greek": "Πόσους πόντους παρέδωσε η άμυνα των Πάνθερς;",
    "arabic": "كم نقطة تخلى عنها دفاع البانثرز؟",
    "devanagari": "पैंथर्स डिफ़ेंस ने कितने अंक दिए?",
    "bengali": "বাংলাদেশের রাজধানী কোথায়?",
    "telugu": "భారతదేశ రాజధాని ఏది?",
    "thai": "ทีมรับของแพนเธอร์สยอมแพ้ที่คะแนนเท่าไร",
    "hangul": "한국의 수도는 어디입니까?",
    "hiragana": "ひらがなでかいてください",
    "katakana": "コンピューター",
    "han": "黑豹队的防守丢了多少分？",
}

# Independent of the module's block ranges: the Unicode character names.
NAME_PREFIXES = {
    "latin": ("LATIN",),
    "cyrillic": ("CYRILLIC",),
    "greek": ("GREEK",),
    "arabic": ("ARABIC",),
    "devanagari": ("DEVANAGARI",),
    "bengali": ("BENGALI",),
    "telugu": ("TELUGU",),
    "thai": ("THAI",),
    "hangul": ("HANGUL",),
    "hiragana": ("HIRAGANA",),
    "katakana": ("KATAKANA",),
    "han": ("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH"),
}

LAYOUT_ROWS = {
    "latin": ("qwertyuiop", "asdfghjkl", "zxcvbnm"),
    "cyrillic": ("йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю"),
    "greek": ("_ςερτυθιοπ", "ασδφγηξκλ", "ζχψωβνμ"),  # "_": ";", no letter
}
KEYBOARD_SCRIPTS = tuple(LAYOUT_ROWS)


def _in_script(text: str, script: str) -> bool:
    return all(unicodedata.name(char, "").startswith(NAME_PREFIXES[script]) for char in text)


def _neighbours_by_index(rows: tuple[str, ...]) -> dict[str, set[str]]:
    # Staggered rows: key i of a row touches keys i-1 and i of the row below, i and i+1 above.
    table: dict[str, set[str]] = {}
    for r, row in enumerate(rows):
        for i, key in enumerate(row):
            near = {(r, i - 1), (r, i + 1), (r + 1, i - 1), (r + 1, i), (r - 1, i), (r - 1, i + 1)}
            table[key] = {
                rows[rr][ii] for rr, ii in near if 0 <= rr < len(rows) and 0 <= ii < len(rows[rr])
            } - {"_"}
    return table


def test_questions_cover_every_script() -> None:
    assert set(QUESTIONS) == set(SCRIPTS)
    for script, question in QUESTIONS.items():
        assert {word_script for _, _, word_script in split_words(question)} == {script}


def test_same_seed_same_output_and_other_seeds_differ() -> None:
    question = QUESTIONS["latin"]
    first = misspell(question, TypoSettings(seed=7))
    assert misspell(question, TypoSettings(seed=7)) == first
    outputs = {misspell(question, TypoSettings(seed=seed)) for seed in range(20)}
    assert len(outputs) >= 15


def test_output_does_not_depend_on_python_hash_seed() -> None:
    code = (
        "from xqg_pyserini.studies.typos import TypoSettings, misspell;"
        f"print(misspell({QUESTIONS['cyrillic']!r}, TypoSettings(rate=0.5, seed=3)))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONIOENCODING": "utf-8"},
        ).stdout
        for hash_seed in ("1", "2")
    }
    assert outputs == {misspell(QUESTIONS["cyrillic"], TypoSettings(rate=0.5, seed=3)) + "\n"}


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("script", SCRIPTS)
def test_changed_words_stay_in_their_script(script: str, operation: str) -> None:
    question = QUESTIONS[script]
    changed_any = False
    for seed in range(15):
        result = misspell_with_changes(
            question, TypoSettings(operation=operation, rate=1.0, min_length=1, seed=seed)
        )
        for change in result.changes:
            assert change.script == script and change.operation == operation
            assert change.changed != change.original
            assert change.changed and _in_script(change.changed, script), change
            changed_any = True
    if operation == "keyboard" and script not in KEYBOARD_SCRIPTS:
        assert not changed_any  # no layout: skipped, never guessed
        assert result.text == question
    else:
        assert changed_any


@pytest.mark.parametrize("script", SCRIPTS)
def test_pools_hold_letters_of_their_script_only(script: str) -> None:
    letters = pool(script)
    assert len(letters) >= 20 and len(set(letters)) == len(letters)
    assert _in_script("".join(letters), script)
    assert not any(unicodedata.category(char).startswith("M") for char in letters)


def test_report_rebuilds_the_text() -> None:
    question = "Сколько очков (points) уступила защита Пэнтерс?"
    result = misspell_with_changes(question, TypoSettings(rate=1.0, seed=5))
    assert [change.original for change in result.changes] == [
        "Сколько",
        "очков",
        "points",
        "уступила",
        "защита",
        "Пэнтерс",
    ]
    rebuilt, end = "", 0
    for change in result.changes:
        assert question[change.start : change.start + len(change.original)] == change.original
        rebuilt += question[end : change.start] + change.changed
        end = change.start + len(change.original)
    assert rebuilt + question[end:] == result.text


def test_unspaced_scripts_split_into_runs() -> None:
    words = [(word, script) for _, word, script in split_words("東京タワーはどこ？ OK")]
    assert words == [
        ("東京", "han"),
        ("タワー", "katakana"),
        ("はどこ", "hiragana"),
        ("OK", "latin"),
    ]
    # Punctuation and digits inside a script's block still separate words.
    assert [word for _, word, _ in split_words("كم نقطة؟ ١٢ البانثرز")] == [
        "كم",
        "نقطة",
        "البانثرز",
    ]


ascii_words = st.lists(
    st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=9), min_size=1, max_size=8
)


@settings(max_examples=60, deadline=None)
@given(
    ascii_words,
    st.integers(1, 6),
    st.sampled_from((*OPERATIONS, "mixed")),
    st.one_of(st.none(), st.floats(0, 1)),
    st.integers(0, 2**32),
)
def test_short_words_never_change(
    words: list[str], min_length: int, operation: str, rate: float | None, seed: int
) -> None:
    question = " ".join(words)
    out = misspell(question, TypoSettings(operation, rate, min_length, seed)).split(" ")
    assert len(out) == len(words)
    for before, after in zip(words, out, strict=True):
        if len(before) < min_length:
            assert after == before


@settings(max_examples=40, deadline=None)
@given(ascii_words, st.integers(1, 4), st.integers(0, 2**32))
def test_rate_zero_changes_nothing_and_rate_one_everything(
    words: list[str], min_length: int, seed: int
) -> None:
    question = " ".join(words)
    assert misspell(question, TypoSettings("insert", 0.0, min_length, seed)) == question
    out = misspell(question, TypoSettings("insert", 1.0, min_length, seed)).split(" ")
    for before, after in zip(words, out, strict=True):
        assert (after != before) == (len(before) >= min_length)


@settings(max_examples=40, deadline=None)
@given(ascii_words, st.integers(0, 2**32))
def test_default_changes_exactly_one_word(words: list[str], seed: int) -> None:
    words = [*words, "question"]
    out = misspell(" ".join(words), TypoSettings(seed=seed)).split(" ")
    assert sum(before != after for before, after in zip(words, out, strict=True)) == 1


def test_keyboard_neighbours_match_hand_computed_keys() -> None:
    table = _neighbours_by_index(LAYOUT_ROWS["latin"])
    assert table["s"] == set("awedzx")
    assert table["p"] == set("ol")
    assert table["g"] == set("ftyhvb")
    assert _neighbours_by_index(LAYOUT_ROWS["cyrillic"])["к"] == set("уеав")
    assert _neighbours_by_index(LAYOUT_ROWS["greek"])["ε"] == set("ςρσδ")


@pytest.mark.parametrize("script", KEYBOARD_SCRIPTS)
@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32))
def test_keyboard_substitutes_only_a_key_neighbour(script: str, seed: int) -> None:
    table = _neighbours_by_index(LAYOUT_ROWS[script])
    question = QUESTIONS[script]
    out = misspell(question, TypoSettings("keyboard", seed=seed))
    assert len(out) == len(question)
    diffs = [(a, b) for a, b in zip(question, out, strict=True) if a != b]
    assert len(diffs) == 1
    before, after = diffs[0]
    assert after.lower() in table[before.lower()]
    assert after.isupper() == before.isupper()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"operation": "transpose"},
        {"rate": 1.5},
        {"rate": -0.1},
        {"rate": "half"},
        {"min_length": 0},
        {"min_length": 2.5},
        {"seed": "x"},
    ],
)
def test_bad_settings_raise_one_line(kwargs: dict[str, object]) -> None:
    with pytest.raises(TypoSettingsError) as caught:
        TypoSettings(**kwargs)  # type: ignore[arg-type]
    assert isinstance(caught.value, XqgError) and isinstance(caught.value, ValueError)
    message = str(caught.value)
    assert "\n" not in message and message
