"""The seven XOR-TyDi languages: codes, their English names, and checking codes.

One registry for every part of the package: the generator's prompts use the
English names, the augmentation, expansion and coverage statistics default to
the codes, and reports list them in this order.
"""

from __future__ import annotations

from collections.abc import Iterable

from xqg_pyserini.errors import XqgError

__all__ = ["LANGUAGE_NAMES", "XOR_LANGUAGES", "UnknownLanguageError", "resolve_languages"]

LANGUAGE_NAMES: dict[str, str] = {
    "ar": "Arabic",
    "bn": "Bengali",
    "fi": "Finnish",
    "ja": "Japanese",
    "ko": "Korean",
    "ru": "Russian",
    "te": "Telugu",
}
"""Language code -> the English name the authors' prompt uses (no English, as in the paper)."""

XOR_LANGUAGES: tuple[str, ...] = tuple(LANGUAGE_NAMES)
"""XOR-Retrieve's question languages, in the order reports list them."""


class UnknownLanguageError(XqgError, ValueError):
    """A language code that is not in :data:`LANGUAGE_NAMES`."""


def resolve_languages(codes: Iterable[str]) -> tuple[str, ...]:
    """Check language codes against :data:`LANGUAGE_NAMES`; repeats are dropped, order kept.

    Raises
    ------
    UnknownLanguageError
        On an unknown code or an empty list; the message lists the valid codes.
    """
    valid = ", ".join(f"{code} ({name})" for code, name in LANGUAGE_NAMES.items())
    result = tuple(dict.fromkeys(codes))
    unknown = [code for code in result if code not in LANGUAGE_NAMES]
    if unknown:
        raise UnknownLanguageError(
            f"unknown language code(s) {', '.join(map(repr, unknown))}; valid codes: {valid}"
        )
    if not result:
        raise UnknownLanguageError(f"no language given; valid codes: {valid}")
    return result
